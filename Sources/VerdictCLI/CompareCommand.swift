import ArgumentParser
import Foundation
import Verdict

extension ComparisonFormat: ExpressibleByArgument {}

/// When `compare` fails the run.
enum FailOn: String, ExpressibleByArgument, CaseIterable {
    case none, significant
}

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare the results of two sets of different calls (agent v12 against v13): is the difference real?",
        discussion: """
            Per metric: boolean rates with their difference, Newcombe's 95% interval and Fisher's exact p; categorical label shares with Pearson's chi-square p; number means and medians with the Mann-Whitney p; and each side's applicability with its own Fisher p. The metrics' p-values are adjusted together by Holm-Bonferroni; a metric is significant when its adjusted p is below --alpha. Exit status: 0; 1 when --fail-on significant finds a significant difference, a --require gate fails, or the output cannot be written; 3 when some result lines could not be read; 2 on usage or rule errors.

            Example: verdict compare --fail-on significant results-v12.jsonl results-v13.jsonl
            """
    )

    @Option(name: [.customShort("r"), .customLong("rules")], help: ArgumentHelp("Rule files or folders, for types, metric order and labels (default ./rules when it exists).", valueName: "path"))
    var rulePaths: [String] = []

    @Option(name: .shortAndLong, help: "Output format.")
    var format: ComparisonFormat = .text

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the comparison to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("Significance level for the Holm-adjusted p-values.", valueName: "level"))
    var alpha: Double = 0.05

    @Option(help: "Exit 1 when a metric differs significantly (significant), or never (none).")
    var failOn: FailOn = .none

    @Option(help: ArgumentHelp("Compare the cohorts of one results file by this metadata path, each against --baseline.", valueName: "metadata.PATH"))
    var by: String?

    @Option(help: ArgumentHelp("With --by: the cohort the others are compared with.", valueName: "value"))
    var baseline: String?

    @Argument(help: ArgumentHelp("Results of the base (one file or folder written by 'verdict score'); with --by, the results of every cohort.", valueName: "base"))
    var base: String

    @Argument(help: ArgumentHelp("Results of the candidate (not with --by).", valueName: "candidate"))
    var candidate: String?

    @OptionGroup var filter: WhereOptions

    @OptionGroup var gates: GateOptions

    @OptionGroup var limits: InputLimits

    func validate() throws {
        try validateAlpha(alpha)
        if let by {
            guard MetadataPath(by) != nil else { throw ValidationError("--by takes metadata.PATH, a dotted path into the metadata: '\(by)'") }
            guard baseline != nil else { throw ValidationError("--by needs --baseline, the cohort the others are compared with") }
            guard candidate == nil else { throw ValidationError("with --by, name one results file or folder (every cohort is in it)") }
        } else {
            guard candidate != nil else { throw ValidationError("name the base and the candidate results, or one results file with --by and --baseline") }
            guard baseline == nil else { throw ValidationError("--baseline goes with --by") }
        }
    }

    func run() throws {
        let paths = optionalRulePaths(rulePaths)
        try refuseOverwriting(output, inputs: [base] + (candidate.map { [$0] } ?? []), rules: paths)
        let rules = paths.isEmpty ? nil : try loadRules(paths)
        let options = filter.applied(to: limits.options(output: output))
        let comparisons: [Comparison]
        let text: String
        if let by, let path = MetadataPath(by), let baseline {
            switch Comparison.cohorts(results: [base], by: path, baseline: baseline, rules: rules, alpha: alpha, options: options) {
            case let .failure(error):
                printError("verdict: \(error.message)")
                throw ExitStatus.usage
            case let .success(found): comparisons = found
            }
            text = Comparison.rendered(comparisons, by: path, baseline: baseline, format: format)
        } else {
            comparisons = [Comparison.build(base: [base], candidate: [candidate!], rules: rules, alpha: alpha, options: options)]
            text = comparisons[0].rendered(format)
        }
        let problems = comparisons.flatMap(\.problems)
        for problem in problems { printError("verdict: \(problem)") }
        try write(text, to: output)
        var passed = true
        for c in comparisons {
            passed = try gates.passed(in: GateContext(comparison: c), prefix: comparisons.count > 1 ? "\(c.candidate.name): " : "") && passed
        }
        if !problems.isEmpty { throw ExitStatus.unreadable }
        if !passed { throw ExitStatus.failed }
        if failOn == .significant && comparisons.contains(where: \.anySignificant) { throw ExitStatus.failed }
    }
}
