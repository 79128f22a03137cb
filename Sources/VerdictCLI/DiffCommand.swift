import ArgumentParser
import Foundation
import Verdict

extension DiffFormat: ExpressibleByArgument {}

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two score results for the same conversations: what a rule or agent change moved.",
        discussion: """
            Per metric, the transitions (true → false, label a → b, ok → not_applicable ...), then each changed conversation, and the conversations found in one file only. Exit status: 0 when nothing changed, 1 when something did, 2 on usage errors or unreadable result lines.

            Example: verdict diff results-before.jsonl results-after.jsonl
            """
    )

    @Option(name: .shortAndLong, help: "Output format.")
    var format: DiffFormat = .text

    @Option(help: ArgumentHelp("Compare only this metric; repeat for more.", valueName: "name"))
    var metric: [String] = []

    @Argument(help: ArgumentHelp("Results before the change.", valueName: "old"))
    var old: String

    @Argument(help: ArgumentHelp("Results after the change.", valueName: "new"))
    var new: String

    func run() throws {
        let diff = ResultDiff.compare(old: [old], new: [new], only: metric)
        for problem in diff.problems { printError("verdict: \(problem)") }
        if !diff.problems.isEmpty { throw ExitStatus.usage }
        try write(diff.rendered(format), to: nil)
        if !diff.isEmpty { throw ExitStatus.failed }
    }
}
