import ArgumentParser
import Foundation
import Verdict

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Write one HTML page to browse conversations by metric outcome, with each call's timeline and why it got its label.",
        discussion: """
            Reads the results once, keeping a seeded sample of at most --per-outcome calls per metric and outcome (the sample 'verdict sample' draws with the same seed), then reads only those transcripts. The page needs no network and no other file. Links: review.html#metric=NAME&outcome=VALUE opens a filter, &conversation=ID a call (names URL-encoded). (Hooks for browser tests: see the README.) --rules defaults to ./rules when that folder exists. Exit status: 0; 3 when some result lines could not be read or sampled transcripts were not found; 2 on usage or rule errors; 1 when the page cannot be written.

            Example: verdict score --rules rules calls/ > results.jsonl && verdict review results.jsonl --conversations calls/ --output review.html
            """
    )

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Transcript files or folders holding the scored conversations.", valueName: "input"))
    var conversations: [String]

    @Option(name: [.customShort("r"), .customLong("rules")], help: ArgumentHelp("Rule files or folders, for each call's conditions (default: ./rules when it exists).", valueName: "path"))
    var rulePaths: [String] = []

    @Option(help: ArgumentHelp("Calls kept per metric and outcome.", valueName: "n"))
    var perOutcome = 50

    @Option(help: ArgumentHelp("Seed of the random draw.", valueName: "n"))
    var seed: UInt64 = 1

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the page to this file instead of standard output.", valueName: "file"))
    var output: String?

    @OptionGroup var from: FromOption

    @OptionGroup var filter: WhereOptions

    @OptionGroup var limits: InputLimits

    @OptionGroup var progress: ProgressOptions

    @Argument(help: ResultInputs.help)
    var results: [String] = []

    mutating func validate() throws {
        // `--conversations calls.jsonl results.jsonl`: the option takes every path up to the
        // next option, so the last one is the results file (as for `sample`).
        if results.isEmpty && conversations.count >= 2 { results = [conversations.removeLast()] }
        try readStandardInputWhenNoneGiven(&results, what: ResultInputs.what)
        if conversations.isEmpty { throw ValidationError("name the scored transcripts with --conversations") }
        if perOutcome < 1 { throw ValidationError("--per-outcome must be at least 1") }
    }

    func run() throws {
        let paths = optionalRulePaths(rulePaths)
        try refuseOverwriting(output, inputs: results + conversations, rules: paths)
        let rules = paths.isEmpty ? nil : try loadRules(paths)
        let display = progress.start(output: output, command: "review")
        defer { display?.finish() }
        let options = limits.options(output: output, progress: display)
        let sample = ReviewSample.draw(results: results, perOutcome: perOutcome, seed: seed, options: filter.applied(to: options))
        for problem in sample.problems { printError("verdict: \(problem)") }
        for warning in sample.warnings { printError("verdict: warning: \(warning)") }
        let out = try openOutput(output)
        let page = ReviewPage.write(sample, conversations: try from.source(conversations, options: options), rules: rules,
                                    perOutcome: perOutcome, seed: seed, to: out)
        display?.finish()
        for problem in page.unreadable { printError("verdict: \(problem)") }
        for id in page.missing { printError("verdict: conversation '\(id)' is not in the given transcripts") }
        try commit(out)
        if !sample.problems.isEmpty || !page.missing.isEmpty || !page.unreadable.isEmpty { throw ExitStatus.unreadable }
    }
}
