import ArgumentParser
import Foundation
import Verdict

@main
struct VerdictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verdict",
        abstract: "Score voice and chat agent transcripts against custom metrics, offline and deterministically.",
        version: versionText,
        subcommands: [ScoreCommand.self, TestCommand.self, MutateCommand.self, ReportCommand.self, CompareCommand.self, ReviewCommand.self, SchemaCommand.self, DiffCommand.self, SampleCommand.self, ImportCommand.self, LintCommand.self, ExplainCommand.self, InitCommand.self]
    )

    /// Usage errors exit 2, as every other error Verdict reports before doing any work.
    static func main() {
        StandardStreams.probe()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error).rawValue == ExitCode.validationFailure.rawValue {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitStatus.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}

/// Verdict's version, and the commit it was built from when the build knew it
/// (`0.1.0 (commit 1a2b3c4d5e6f)`; `-dirty` when the checkout had changes).
let versionText = "0.1.0" + (buildCommit.map { " (commit \($0))" } ?? "")
