import ArgumentParser
import Foundation
import Verdict

@main
struct VerdictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verdict",
        abstract: "Score voice and chat agent transcripts against custom metrics, offline and deterministically.",
        version: "0.1.0",
        subcommands: [Score.self, Test.self, ReportCommand.self, DiffCommand.self, SampleCommand.self, ImportCommand.self, LintCommand.self, ExplainCommand.self, InitCommand.self]
    )

    /// Usage errors exit 2, as every other error Verdict reports before doing any work.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error).rawValue == ExitCode.validationFailure.rawValue {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// `--rules`, shared by every command that reads rules.
struct RuleOptions: ParsableArguments {
    @Option(name: .customLong("rules"), help: ArgumentHelp("A rule file or folder; repeat for more (default: ./rules).", valueName: "path"))
    var paths: [String] = []

    /// Loads the rules, or prints every rule error and exits 2.
    func load() throws -> RuleSet { try loadRules(paths.isEmpty ? ["rules"] : paths) }
}

/// Loads rules, or prints every rule error and exits 2.
func loadRules(_ paths: [String]) throws -> RuleSet {
    do {
        return try RuleLoader.load(paths: paths)
    } catch {
        printError(error.description)
        throw ExitCode(2)
    }
}

/// `--jobs`, shared by the commands that score.
struct JobOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Threads that score (default: every core).", valueName: "n"))
    var jobs: Int?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    func scorer(for rules: RuleSet) -> Scorer {
        Scorer(rules: rules, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
