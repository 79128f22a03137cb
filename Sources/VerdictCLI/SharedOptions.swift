import ArgumentParser
import Foundation
import Verdict

/// Options and helpers shared by several subcommands; each subcommand's own file holds only
/// its options, one library call and its exit status.

/// `--rules`, shared by every command that reads rules.
struct RuleOptions: ParsableArguments {
    @Option(name: [.customShort("r"), .customLong("rules")], help: ArgumentHelp("A rule file or folder; repeat for more (default: ./rules).", valueName: "path"))
    var paths: [String] = []

    /// The paths rules are read from.
    var effectivePaths: [String] { paths.isEmpty ? ["rules"] : paths }

    /// Loads the rules, or prints every rule error and exits 2.
    func load() throws -> RuleSet { try loadRules(effectivePaths) }
}

/// The rules of a command for which they are optional (`report`, `review`): the paths given,
/// else `./rules` when that folder exists, else none.
func optionalRulePaths(_ paths: [String]) -> [String] {
    paths.isEmpty && FileManager.default.fileExists(atPath: "rules") ? ["rules"] : paths
}

/// Loads rules, or prints every rule error and exits 2.
func loadRules(_ paths: [String]) throws -> RuleSet {
    do {
        return try RuleLoader.load(paths: paths)
    } catch {
        printError(error.description)
        throw ExitStatus.usage
    }
}

/// The fixtures `test` and `mutate` read, and how they are read and scored.
struct FixtureInputs: ParsableArguments {
    @OptionGroup var jobs: JobOptions

    @OptionGroup var from: FromOption

    @OptionGroup var limits: InputLimits

    @Argument(help: ArgumentHelp("Fixture files or folders (.json, .jsonl), or - for standard input (the default).", valueName: "fixtures"))
    var fixtures: [String] = []

    mutating func validate() throws {
        try readStandardInputWhenNoneGiven(&fixtures, what: "fixture files or folders")
    }

    /// Where the fixtures come from; `output` is the file the command writes, if any.
    func source(output: String?, progress: ProgressDisplay? = nil) throws -> any RecordSource {
        try from.source(fixtures, options: limits.options(output: output, progress: progress))
    }
}

/// `--jobs`, shared by the commands that score.
struct JobOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp("Threads that score (default: every core).", valueName: "n"))
    var jobs: Int?

    @Option(help: ArgumentHelp("Pattern steps one metric may spend on one conversation beyond the cheap first tier of each match; past it the metric is 'error' there.", valueName: "steps"))
    var matchBudget: UInt64 = MatchScratch.defaultBudget

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    var limits: EvaluationLimits { EvaluationLimits(matchBudget: matchBudget) }

    func scorer(for rules: RuleSet) -> Scorer {
        Scorer(rules: rules, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, limits: limits)
    }
}

/// Writes a message to standard error, clearing the progress line first if one is shown.
func printError(_ text: String) {
    StatusLine.standardError.message(TerminalText.escape(text))
}

/// `--progress` and `--quiet`, for the commands that read many conversations or results.
struct ProgressOptions: ParsableArguments {
    @Flag(help: "Show progress on standard error even when it is not a terminal (a line a second, for logs).")
    var progress = false

    @Flag(name: .shortAndLong, help: "Show no progress. VERDICT_PROGRESS=0 does the same for every run.")
    var quiet = false

    func validate() throws {
        if progress && quiet { throw ValidationError("--progress and --quiet cannot be used together") }
    }

    /// A running display when progress is to be shown (see `ProgressDisplay.Mode.choose`), else
    /// nil. `output` is where the command writes its results (nil or `-`: standard output).
    /// `command` labels the line ("score" → "verdict score: 12,000 conversations, …").
    func start(output: String?, command: String) -> ProgressDisplay? {
        var status = stat()
        let toPipe = fileOutput(output) == nil && fstat(1, &status) == 0 && (status.st_mode & S_IFMT) == S_IFIFO
        return ProgressDisplay.Mode.choose(progress: progress, quiet: quiet, environment: ProcessInfo.processInfo.environment,
                                           errorIsTerminal: isatty(2) != 0, outputIsTerminal: fileOutput(output) == nil && isatty(1) != 0,
                                           outputIsPipe: toPipe)
            .map { ProgressDisplay(mode: $0, label: "verdict " + command) }
    }
}

/// `--max-line-bytes`, for the commands that read JSON Lines.
struct InputLimits: ParsableArguments {
    @Option(help: ArgumentHelp("A longer input line is an error line of its own; reading goes on after it.", valueName: "n"))
    var maxLineBytes: Int = InputOptions.defaultMaxLineBytes

    func validate() throws {
        if maxLineBytes < 1 { throw ValidationError("--max-line-bytes must be at least 1") }
    }

    /// How to read inputs in a run that writes `output` (nil: standard output): never the
    /// run's own output, lines no longer than the limit, and a note for each file passed over.
    func options(output: String?, progress: ProgressDisplay? = nil) -> InputOptions {
        InputLimits.options(output: fileOutput(output), maxLineBytes: maxLineBytes, progress: progress)
    }

    static func options(output: String?, maxLineBytes: Int, progress: ProgressDisplay? = nil) -> InputOptions {
        InputOptions(skip: OutputSafety.ownOutputs(output), maxLineBytes: maxLineBytes, progress: progress?.meter) {
            printError("verdict: \($0)")
        }
    }
}

/// An output path as given, or nil for standard output (none, or `-`).
func fileOutput(_ path: String?) -> String? { path == "-" ? nil : path }

/// Refuses (exit 2) an output that is one of the run's inputs or rule files.
func refuseOverwriting(_ output: String?, inputs: [String], rules: [String] = []) throws {
    guard let output = fileOutput(output) else { return }
    if let conflict = OutputSafety.conflict(output: output, inputs: inputs, rules: rules) {
        printError("verdict: \(conflict)")
        throw ExitStatus.usage
    }
}

/// Opens `path` for writing (atomically: it appears when committed), or standard output.
func openOutput(_ path: String?) throws -> ByteOutput {
    do { return try fileOutput(path).map(ByteOutput.file) ?? .standardOutput } catch {
        printError("verdict: \(error)")
        throw ExitStatus.failed
    }
}

/// Commits an output: flushed, and a file renamed into place. A failure is reported and exits 1.
func commit(_ output: ByteOutput) throws {
    do { try output.commit() } catch {
        printError("verdict: \(error)")
        throw ExitStatus.failed
    }
}

/// Writes `text` to `path` (atomically) or standard output; a failure is reported and exits 1.
func write(_ text: String, to path: String?) throws {
    let out = try openOutput(path)
    out.write(Array(text.utf8))
    try commit(out)
}

/// Verdict's exit statuses, named once.
enum ExitStatus {
    static let success = ExitCode(0)
    /// A fixture failed, a diff found changes, `lint --strict` warned, or output could not be written.
    static let failed = ExitCode(1)
    /// A usage error or a rule error: nothing was read or written.
    static let usage = ExitCode(2)
    /// Some input could not be read or converted; everything else was.
    static let unreadable = ExitCode(3)
}

/// With no input named, a command reads standard input, as `score` does; on a terminal that
/// would wait on the keyboard, so it is a usage error that says what to give instead.
func readStandardInputWhenNoneGiven(_ inputs: inout [String], what: String) throws {
    guard inputs.isEmpty else { return }
    if isatty(0) != 0 { throw ValidationError("no input given: name \(what), or pipe them into standard input ('-')") }
    inputs = ["-"]
}

/// `--where metadata.PATH=VALUE`, for the commands that read result lines.
struct WhereOptions: ParsableArguments {
    @Option(name: .customLong("where"), help: ArgumentHelp("Keep only results whose metadata at PATH is VALUE (a string as is, other JSON values as compact JSON, (none) where missing); repeat: all must hold.", valueName: "metadata.PATH=VALUE"))
    var conditions: [String] = []

    func validate() throws {
        for c in conditions where MetadataCondition(argument: c) == nil {
            throw ValidationError("--where takes metadata.PATH=VALUE (a dotted path into the metadata, then '=' and the value): '\(c)'")
        }
    }

    /// `options` keeping only the lines every condition holds for.
    func applied(to options: InputOptions) -> InputOptions {
        var o = options
        o.resultConditions = conditions.compactMap(MetadataCondition.init(argument:))
        return o
    }
}

/// `--require EXPR`: release gates for `report`, `compare` and `diff` (see `Gate`).
struct GateOptions: ParsableArguments {
    @Option(name: .customLong("require"), help: ArgumentHelp("A release gate: FIGURE(NAME) OP THRESHOLD (rate, share(NAME = LABEL), applied, n, mean, median, p90; delta(...) of them in compare and diff), or 'not significant(NAME)'; repeat for more. Exit 1 when one fails.", valueName: "expr"))
    var requirements: [String] = []

    func validate() throws {
        for r in requirements { if case let .failure(error) = Gate.parse(r) { throw ValidationError(error.message) } }
    }

    var gates: [Gate] { requirements.compactMap { try? Gate.parse($0).get() } }

    /// Checks the gates in `context`, each outcome on standard error (`prefix` names the
    /// comparison when there are several); false when one failed. A gate naming a metric,
    /// label or figure the results lack is a usage error (exit 2).
    func passed(in context: GateContext, prefix: String = "") throws -> Bool {
        let gates = gates
        guard !gates.isEmpty else { return true }
        let problems = context.problems(gates)
        if !problems.isEmpty {
            for p in problems { printError("verdict: \(p)") }
            throw ExitStatus.usage
        }
        var all = true
        for outcome in context.evaluate(gates) {
            printError("verdict: \(prefix)gate \(outcome.passed ? "passed" : "FAILED"): \(outcome.gate.text) (found \(outcome.found))")
            all = all && outcome.passed
        }
        return all
    }
}

/// `--alpha` of `compare` and `diff`: a significance level, strictly between 0 and 1.
func validateAlpha(_ alpha: Double) throws {
    guard alpha > 0, alpha < 1 else { throw ValidationError("--alpha must be between 0 and 1, not \(alpha)") }
}

/// `--from` and `--split-sessions`, for the commands that read conversations.
struct ImportFlags: ParsableArguments {
    @Flag(help: "rasa: one conversation per session (split at action_session_start), not per sender.")
    var splitSessions = false

    var options: ImportOptions { ImportOptions(splitSessions: splitSessions) }
}

struct FromOption: ParsableArguments {
    @Option(help: ArgumentHelp("Read the inputs in this format (sgd, openai, polyai, rasa) instead of Verdict's.", valueName: "format"))
    var from: ImportFormat?

    @OptionGroup var importOptions: ImportFlags

    /// Where the conversations come from; a usage error for inputs the format cannot read.
    func source(_ inputs: [String], options: InputOptions) throws -> any RecordSource {
        if let problem = from?.refusal(inputs) { throw ValidationError(problem) }
        if let from { return InputReader(format: from, inputs: inputs, options: importOptions.options, input: options) }
        return InputReader(inputs: inputs, options: options)
    }
}

/// The result files `report`, `review` and `sample` read, named once for their help and errors.
enum ResultInputs {
    static let what = "result files or folders written by 'verdict score'"
    static let help = ArgumentHelp("Result files or folders written by 'verdict score', or - for standard input (the default).", valueName: "results")
}
