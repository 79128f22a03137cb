import ArgumentParser
import Foundation
import Verdict

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Check fixtures: conversations whose \"expect\" says the value or status each metric must get.",
        discussion: "Prints every mismatch, then 'N passed, M failed'. Exit status: 0 when all pass, 1 when any fails, 2 on rule or usage errors."
    )

    @OptionGroup var rules: RuleOptions

    @Option(help: ArgumentHelp("Also write the results as JUnit XML to this file.", valueName: "file"))
    var junit: String?

    @OptionGroup var jobs: JobOptions

    @OptionGroup var from: FromOption

    @OptionGroup var limits: InputLimits

    @Argument(help: ArgumentHelp("Fixture files or folders (.json, .jsonl).", valueName: "fixtures"))
    var fixtures: [String]

    func validate() throws {
        if fixtures.isEmpty { throw ValidationError("name at least one fixture file or folder") }
    }

    func run() throws {
        try refuseOverwriting(junit, inputs: fixtures, rules: rules.effectivePaths)
        let ruleSet = try rules.load()
        let check: FixtureCheck
        let junitOutput = try junit.map(openOutput)
        do {
            check = try jobs.scorer(for: ruleSet).runToEnd(source: from.source(fixtures, options: limits.options(output: junit)),
                                                           sink: FixtureCheck(rules: ruleSet, report: .standardOutput)).sink
            if let junitOutput {
                junitOutput.write(check.junit())
                try junitOutput.commit()
            }
        } catch {
            printError("verdict: \(error)")
            throw ExitStatus.failed
        }
        for source in check.withoutExpectations {
            printError("warning: \(source): no \"expect\"; nothing was checked")
        }
        if check.cases.isEmpty {
            printError("verdict: no fixture was checked: \(fixtures.joined(separator: ", ")) holds no conversation with \"expect\" or \"todo\"")
            throw ExitStatus.failed
        }
        if check.failed > 0 { throw ExitStatus.failed }
    }
}
