import ArgumentParser
import Foundation
import Verdict

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check fixtures: conversations whose \"expect\" says the value or status each metric must get.",
        discussion: "Prints every mismatch, then 'N passed, M failed'. Exit status: 0 when all pass, 1 when any fails, 2 on rule or usage errors."
    )

    @OptionGroup var rules: RuleOptions

    @Option(help: ArgumentHelp("Also write the results as JUnit XML to this file.", valueName: "file"))
    var junit: String?

    @Option(help: ArgumentHelp("Threads that score (default: every core).", valueName: "n"))
    var jobs: Int?

    @Argument(help: ArgumentHelp("Fixture files or folders (.json, .jsonl).", valueName: "fixtures"))
    var fixtures: [String]

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if fixtures.isEmpty { throw ValidationError("name at least one fixture file or folder") }
    }

    func run() throws {
        let ruleSet = try rules.load()
        var check = FixtureCheck(rules: ruleSet, report: .standardOutput)
        _ = Scorer(rules: ruleSet, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount).run(inputs: fixtures, into: &check)
        do {
            try check.finish()
            if let junit {
                try Data(check.junit().utf8).write(to: URL(fileURLWithPath: junit))
            }
        } catch {
            printError("verdict: \(error)")
            throw ExitCode(1)
        }
        for source in check.withoutExpectations {
            printError("warning: \(source): no \"expect\"; nothing was checked")
        }
        if check.failed > 0 { throw ExitCode(1) }
    }
}
