import ArgumentParser
import Foundation
import Verdict

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Draw a reproducible random sample of the conversations where a metric had an outcome.",
        discussion: """
            Prints the sampled ids, one per line, in result order; with --conversations, their transcripts as JSON Lines, ready for review or 'verdict explain'. The same results, options and seed always give the same sample. Exit status: 0; 3 when some result lines could not be read or sampled transcripts were not found; 2 on usage errors.

            Example: verdict sample --metric "Booking: completed" --value false -n 10 results.jsonl
            """
    )

    @Option(help: ArgumentHelp("The metric whose outcome selects conversations.", valueName: "name"))
    var metric: String

    @Option(help: ArgumentHelp("Keep conversations where the metric is ok with this value (true, false or a label).", valueName: "value"))
    var value: String?

    @Option(help: ArgumentHelp("Keep conversations where the metric has this status.", valueName: "status"))
    var status: String?

    @Option(name: [.customShort("n"), .customLong("count")], help: ArgumentHelp("How many to draw.", valueName: "n"))
    var n = 20

    @Option(help: ArgumentHelp("Seed of the random draw.", valueName: "n"))
    var seed: UInt64 = 1

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Transcript files or folders to print the sampled conversations from.", valueName: "input"))
    var conversations: [String] = []

    @Argument(help: ResultInputs.help)
    var results: [String] = []

    @OptionGroup var filter: WhereOptions

    @OptionGroup var limits: InputLimits

    @OptionGroup var progress: ProgressOptions

    mutating func validate() throws {
        // `--conversations calls.jsonl results.jsonl`, the order the README shows: the option
        // takes every path up to the next option, so the last one is the results file.
        if results.isEmpty && conversations.count >= 2 { results = [conversations.removeLast()] }
        try readStandardInputWhenNoneGiven(&results, what: ResultInputs.what)
        if value != nil && status != nil { throw ValidationError("give --value or --status, not both") }
        if n < 1 { throw ValidationError("--n must be at least 1") }
        if let status, MetricResult.Status(rawValue: status) == nil {
            throw ValidationError("unknown status '\(status)'; one of: " + MetricResult.Status.allCases.map(\.rawValue).joined(separator: ", "))
        }
    }

    func run() throws {
        let outcome: ResultSample.Target? = value.map { .value($0) } ?? status.map { .status($0) }
        let display = progress.start(output: nil, command: "sample")
        defer { display?.finish() }
        let options = limits.options(output: nil, progress: display)
        let sample = ResultSample.draw(results: results, metric: metric, outcome: outcome, size: n, seed: seed, options: filter.applied(to: options))
        for problem in sample.problems { printError("verdict: \(problem)") }
        if let unknown = sample.unknownMetric {
            printError("verdict: \(unknown)")
            throw ExitStatus.usage
        }
        var missing: [String] = []
        if conversations.isEmpty {
            try write(sample.ids.map { TerminalText.escape($0, keepLineBreaks: false) + "\n" }.joined(), to: nil)
        } else {
            missing = sample.transcripts(from: conversations, to: .standardOutput, options: options)
            try commit(.standardOutput)
            for id in missing { printError("verdict: conversation '\(id)' is not in the given transcripts") }
        }
        if sample.matching == 0 { printError("verdict: no conversation has that outcome for '\(metric)'") }
        if !sample.problems.isEmpty || !missing.isEmpty { throw ExitStatus.unreadable }
    }
}
