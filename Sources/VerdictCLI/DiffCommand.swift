import ArgumentParser
import Foundation
import Verdict

extension DiffFormat: ExpressibleByArgument {}

/// When `diff` fails the run.
enum DiffFailOn: String, ExpressibleByArgument, CaseIterable {
    case any, significant, none
}

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two score results for the same conversations: what a rule or agent change moved.",
        discussion: """
            Per metric, the transitions (true → false, label a → b, ok → not_applicable ...) with a paired test over the calls ok on both sides (McNemar's exact test; the sign test for numbers; Holm-adjusted across metrics), then each changed conversation, and the conversations found in one file only. Exit status: 0 when nothing changed, 1 when something did (--fail-on significant: when a metric moved significantly; none: never), 2 on usage errors; 3 when some result lines could not be read (the rest is compared).

            Example: verdict diff results-before.jsonl results-after.jsonl
            """
    )

    @Option(name: .shortAndLong, help: "Output format.")
    var format: DiffFormat = .text

    @Option(help: ArgumentHelp("Compare only this metric; repeat for more.", valueName: "name"))
    var metric: [String] = []

    @Option(help: "Exit 1 when any result changed (any), when a metric moved significantly by its paired test (significant), or never (none).")
    var failOn: DiffFailOn = .any

    @Option(help: ArgumentHelp("Significance level for the Holm-adjusted p-values of the paired tests.", valueName: "level"))
    var alpha: Double = 0.05

    @OptionGroup var filter: WhereOptions

    @OptionGroup var gates: GateOptions

    @Argument(help: ArgumentHelp("Results before the change.", valueName: "old"))
    var old: String

    @Argument(help: ArgumentHelp("Results after the change.", valueName: "new"))
    var new: String

    func validate() throws {
        try validateAlpha(alpha)
    }

    func run() throws {
        let diff = ResultDiff.compare(old: [old], new: [new], only: metric, options: filter.applied(to: InputOptions()), alpha: alpha)
        if let unknown = diff.unknownMetric {
            printError("verdict: \(unknown)")
            throw ExitStatus.usage
        }
        // Lines that are not score output are reported and left out, as report and sample do.
        for problem in diff.problems { printError("verdict: \(problem)") }
        try write(diff.rendered(format), to: nil)
        if !diff.problems.isEmpty { throw ExitStatus.unreadable }
        if !gates.requirements.isEmpty {
            // The gates read each side's figures; significance is the paired test's.
            let sides = Comparison.build(base: [old], candidate: [new], rules: nil, alpha: alpha, options: filter.applied(to: InputOptions()))
            guard try gates.passed(in: GateContext(diff: diff, sides: sides)) else { throw ExitStatus.failed }
        }
        switch failOn {
        case .any: if !diff.isEmpty { throw ExitStatus.failed }
        case .significant: if diff.metrics.contains(where: \.significant) { throw ExitStatus.failed }
        case .none: break
        }
    }
}
