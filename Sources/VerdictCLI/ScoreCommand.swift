import ArgumentParser
import Foundation
import Verdict

extension OutputFormat: ExpressibleByArgument {}

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score conversations: one JSON line (or CSV row) per conversation, in input order.",
        discussion: """
            Exit status: 0 when every conversation was read; 3 when some could not be (each gets an error line, the rest is scored); 2 on rule or usage errors; 1 when the output cannot be written.

            Example: verdict score -r rules calls/ -o results.jsonl
            """
    )

    @OptionGroup var rules: RuleOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("Write results to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Option(name: .shortAndLong, help: "Output format.")
    var format: OutputFormat = .jsonl

    @Option(help: ArgumentHelp("What each result keeps of its conversation's metadata: all, none, or top-level keys KEY,KEY,... (CSV: a metadata.KEY column each).", valueName: "all|none|keys"))
    var metadata: String = "all"

    @Flag(help: "CSV: write text cells as they are, without the ' that keeps a spreadsheet from running a cell starting with =, +, -, @, a tab or a carriage return as a formula.")
    var csvRaw = false

    @OptionGroup var jobs: JobOptions

    @OptionGroup var from: FromOption

    @OptionGroup var limits: InputLimits

    @OptionGroup var progress: ProgressOptions

    @Argument(help: ArgumentHelp("Conversation files or folders (.json, .jsonl), or - for standard input.", valueName: "input"))
    var inputs: [String] = []

    var selection: MetadataSelection { MetadataSelection(argument: metadata) ?? .all }

    func validate() throws {
        if MetadataSelection(argument: metadata) == nil {
            throw ValidationError("--metadata takes all, none, or top-level keys separated by commas (no empty key): '\(metadata)'")
        }
        if inputs.isEmpty, isatty(0) != 0 {
            throw ValidationError("no input given: name files or folders, or pipe JSON Lines into 'verdict score -'")
        }
    }

    func run() throws {
        try refuseOverwriting(output, inputs: inputs, rules: rules.effectivePaths)
        let ruleSet = try rules.load()
        let summary: Scorer.Summary
        let display = progress.start(output: output, command: "score")
        defer { display?.finish() }
        let source = try from.source(inputs.isEmpty ? ["-"] : inputs, options: limits.options(output: output, progress: display))
        let out = try openOutput(output)
        do {
            summary = try jobs.scorer(for: ruleSet).score(source: source, format: format, to: out, csvRaw: csvRaw, metadata: selection)
            try out.commit()
        } catch {
            printError("verdict: \(error)")
            throw ExitStatus.failed
        }
        display?.finish()
        for unknown in summary.unknownTypes { printError("verdict: warning: \(unknown.warning)") }
        for warning in summary.duplicateWarnings { printError(warning) }
        if summary.unreadable > 0 {
            let total = summary.scored + summary.unreadable
            printError("verdict: \(summary.unreadable) of \(total) \(total == 1 ? "conversation" : "conversations") could not be read; each has an error line")
            throw ExitStatus.unreadable
        }
    }
}
