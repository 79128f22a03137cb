import ArgumentParser
import Foundation
import Verdict

extension QualityFormat: ExpressibleByArgument {}

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Check fixtures: conversations whose \"expect\" says the value or status each metric must get.",
        usage: "verdict test [--rules <path> ...] [--junit <file>] [--coverage [--min-coverage <percent>] | --agreement] [--format <format>] [--jobs <n>] [--match-budget <steps>] [--from <format>] [--split-sessions] [--max-line-bytes <n>] [--progress | --quiet] [<fixtures> ...]",
        discussion: """
            Prints every mismatch, then 'N passed, M failed'. --coverage then reports which outcomes, 'all' items, 'any' branches, 'sequence' steps and leaves of each metric the expectations exercise. --agreement reports, instead of mismatches, how the rules agree with the expected values: accuracy, a confusion matrix, precision, recall and F1 per outcome, Cohen's kappa, and the disagreeing calls. With --format json the report is JSON on standard output and mismatches go to standard error. Exit status: 0 when all pass (with --agreement, whatever the agreement); 1 when any fails or coverage is below --min-coverage; 2 on rule or usage errors.

            Example: verdict test --rules rules --coverage --min-coverage 90 fixtures
            """,
    )

    @OptionGroup var rules: RuleOptions

    @Option(help: ArgumentHelp("Also write the results as JUnit XML to this file.", valueName: "file"))
    var junit: String?

    @Flag(help: "Report which parts of each metric the fixtures exercise.")
    var coverage = false

    @Option(help: ArgumentHelp("With --coverage: exit 1 when less than this percentage is covered.", valueName: "percent"))
    var minCoverage: Double?

    @Flag(help: "Report agreement between the rules and the fixtures' expected values instead of each mismatch.")
    var agreement = false

    @Option(name: .shortAndLong, help: "Format of the --coverage or --agreement report.")
    var format: QualityFormat = .text

    @OptionGroup var inputs: FixtureInputs

    @OptionGroup var progress: ProgressOptions

    func validate() throws {
        if coverage && agreement { throw ValidationError("choose one of --coverage and --agreement") }
        if minCoverage != nil && !coverage { throw ValidationError("--min-coverage needs --coverage") }
        if let minCoverage, !(0...100).contains(minCoverage) { throw ValidationError("--min-coverage must be from 0 to 100") }
        if format != .text && !coverage && !agreement { throw ValidationError("--format applies to --coverage and --agreement") }
    }

    func run() throws {
        try refuseOverwriting(junit, inputs: inputs.fixtures, rules: rules.effectivePaths)
        let ruleSet = try rules.load()
        let display = progress.start(output: nil, command: "test")
        defer { display?.finish() }
        let source = try inputs.source(output: junit, progress: display)
        let junitOutput = try junit.map(openOutput)
        // With `--junit -` standard output holds the XML alone; the text goes to standard error.
        let textOutput: ByteOutput = junit == "-" ? ByteOutput(fd: 2) : .standardOutput
        var check: FixtureCheck
        var report = ""
        var belowMinimum = false
        do {
            if coverage || agreement {
                // The whole set is read once: the report needs the conversations as well as the results.
                let set = FixtureSet.read(source)
                let mismatches: ByteOutput? = agreement ? nil : format == .json ? ByteOutput(fd: 2) : textOutput
                check = FixtureCheck(rules: ruleSet, report: mismatches)
                let results = set.score(ruleSet, limits: inputs.jobs.limits, into: &check)
                try check.finish()
                if coverage {
                    let measured = RuleCoverage.measure(set, rules: ruleSet)
                    report = format == .json ? measured.json() : "\n" + measured.text()
                    if let minCoverage, measured.ratio * 100 < minCoverage { belowMinimum = true }
                } else {
                    let measured = Agreement.measure(set, rules: ruleSet, results: results)
                    report = format == .json ? measured.json() : measured.text()
                }
                let out = textOutput
                out.write(report)
                try out.flush()
            } else {
                check = try inputs.jobs.scorer(for: ruleSet).runToEnd(source: source, sink: FixtureCheck(rules: ruleSet, report: textOutput)).sink
            }
            if let junitOutput {
                junitOutput.write(check.junit())
                try junitOutput.commit()
            }
        } catch {
            printError("verdict: \(error)")
            throw ExitStatus.failed
        }
        for source in check.withoutExpectations {
            printError("warning: \(source): no \"expect\"; nothing was checked")
        }
        if check.cases.isEmpty {
            printError("verdict: no fixture was checked: \(inputs.fixtures.joined(separator: ", ")) holds no conversation with \"expect\" or \"todo\"")
            throw ExitStatus.failed
        }
        if belowMinimum {
            printError("verdict: coverage is below --min-coverage \(JSONNumber.text(minCoverage!))%")
            throw ExitStatus.failed
        }
        if agreement {
            if check.cases.contains(where: { $0.metric == nil }) { throw ExitStatus.failed }
            return
        }
        if check.failed > 0 { throw ExitStatus.failed }
    }
}
