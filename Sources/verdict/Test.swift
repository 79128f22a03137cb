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

    @OptionGroup var jobs: JobOptions

    @OptionGroup var from: FromOption

    @Argument(help: ArgumentHelp("Fixture files or folders (.json, .jsonl).", valueName: "fixtures"))
    var fixtures: [String]

    func validate() throws {
        if fixtures.isEmpty { throw ValidationError("name at least one fixture file or folder") }
    }

    func run() throws {
        let ruleSet = try rules.load()
        let check: FixtureCheck
        do {
            check = try jobs.scorer(for: ruleSet).runToEnd(source: from.source(fixtures), sink: FixtureCheck(rules: ruleSet, report: .standardOutput)).sink
            if let junit { try Data(check.junit().utf8).write(to: URL(fileURLWithPath: junit)) }
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
