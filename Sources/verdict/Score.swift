import ArgumentParser
import Foundation
import Verdict

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score conversations: one JSON line (or CSV row) per conversation, in input order.",
        discussion: "Exit status: 0 when every conversation was read; 3 when some could not be (each gets an error line, the rest is scored); 2 on rule or usage errors; 1 when the output cannot be written."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case jsonl, csv
    }

    @OptionGroup var rules: RuleOptions

    @Option(help: ArgumentHelp("Write results to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Option(help: "Output format.")
    var format: Format = .jsonl

    @Option(help: ArgumentHelp("Threads that score (default: every core).", valueName: "n"))
    var jobs: Int?

    @Argument(help: ArgumentHelp("Conversation files or folders (.json, .jsonl), or - for standard input.", valueName: "input"))
    var inputs: [String] = []

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if inputs.isEmpty, isatty(0) != 0 {
            throw ValidationError("no input given: name files or folders, or pipe JSON Lines into 'verdict score -'")
        }
    }

    func run() throws {
        let ruleSet = try rules.load()
        let out: ByteOutput
        do {
            out = try output.map(ByteOutput.file) ?? .standardOutput
        } catch {
            printError("verdict: \(error)")
            throw ExitCode(2)
        }
        let scorer = Scorer(rules: ruleSet, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        let summary: Scorer.Summary
        do {
            switch format {
            case .jsonl:
                var sink = JSONLinesSink(rules: ruleSet, output: out)
                summary = scorer.run(inputs: inputs.isEmpty ? ["-"] : inputs, into: &sink)
                try sink.finish()
            case .csv:
                var sink = CSVSink(rules: ruleSet, output: out)
                summary = scorer.run(inputs: inputs.isEmpty ? ["-"] : inputs, into: &sink)
                try sink.finish()
            }
        } catch {
            printError("verdict: \(error)")
            throw ExitCode(1)
        }
        for id in summary.duplicateIDs {
            printError("warning: conversation id '\(id)' occurs more than once; every occurrence was scored")
        }
        if summary.unreadable > 0 { throw ExitCode(3) }
    }
}
