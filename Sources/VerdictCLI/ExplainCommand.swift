import ArgumentParser
import Foundation
import Verdict

extension ExplainFormat: ExpressibleByArgument {}

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Replay one conversation and show why each metric got its value.",
        discussion: """
            Prints the timeline (index, turn, seconds, current flow; flow entries, derived ones marked), then per metric the trigger and the applies_when hits that made it, the window, and the condition tree with each node's hits and truth. Colour on a terminal (not with NO_COLOR), plain when piped. Exit status: 0; 3 when the conversation cannot be read; 2 on rule or usage errors.

            Example: verdict explain -r rules --metric "Booking: completed" fixtures/booking-completed.json
            """
    )

    @OptionGroup var rules: RuleOptions

    @Option(help: ArgumentHelp("The conversation to explain, when the file holds several.", valueName: "id"))
    var id: String?

    @Option(help: ArgumentHelp("Explain only this metric; repeat for more.", valueName: "name"))
    var metric: [String] = []

    @Option(name: .shortAndLong, help: "Output format.")
    var format: ExplainFormat = .text

    @OptionGroup var from: FromOption

    @OptionGroup var limits: InputLimits

    @Argument(help: ArgumentHelp("A conversation file (.json or .jsonl), or - for standard input.", valueName: "conversation"))
    var conversation: String

    func run() throws {
        let ruleSet = try rules.load()
        for name in metric where ruleSet.metric(named: name) == nil {
            throw ValidationError(Suggestion.noSuch("metric named", name, in: "the rules", among: ruleSet.metrics.map(\.name)))
        }
        let source = try from.source([conversation], options: limits.options(output: nil))
        let found: Conversation
        switch ConversationSelection.pick(from: source, id: id, name: conversation) {
        case let .success(c): found = c
        case let .failure(.unreadable(message)):
            printError("verdict: \(message)")
            throw ExitStatus.unreadable
        case let .failure(.notChosen(reason)):
            throw ValidationError(reason)
        }
        let color = format == .text && isatty(1) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        try write(Explanation.build(found, rules: ruleSet, only: metric).rendered(format, color: color), to: nil)
    }
}
