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
            Per metric: boolean rates with their difference, Newcombe's 95% interval and Fisher's exact p; categorical label shares with Pearson's chi-square p; number means and medians with the Mann-Whitney p; and each side's applicability with its own Fisher p. The metrics' p-values are adjusted together by Holm-Bonferroni; a metric is significant when its adjusted p is below --alpha. Exit status: 0; 1 when --fail-on significant finds a significant difference, or the output cannot be written; 3 when some result lines could not be read; 2 on usage or rule errors.

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

    @Argument(help: ArgumentHelp("Results of the base (one file or folder written by 'verdict score').", valueName: "base"))
    var base: String

    @Argument(help: ArgumentHelp("Results of the candidate.", valueName: "candidate"))
    var candidate: String

    @OptionGroup var limits: InputLimits

    func validate() throws {
        guard alpha > 0, alpha < 1 else { throw ValidationError("--alpha must be between 0 and 1, not \(alpha)") }
    }

    func run() throws {
        let paths = optionalRulePaths(rulePaths)
        try refuseOverwriting(output, inputs: [base, candidate], rules: paths)
        let rules = paths.isEmpty ? nil : try loadRules(paths)
        let comparison = Comparison.build(base: [base], candidate: [candidate], rules: rules, alpha: alpha,
                                          options: limits.options(output: output))
        for problem in comparison.problems { printError("verdict: \(problem)") }
        try write(comparison.rendered(format), to: output)
        if !comparison.problems.isEmpty { throw ExitStatus.unreadable }
        if failOn == .significant && comparison.anySignificant { throw ExitStatus.failed }
    }
}
