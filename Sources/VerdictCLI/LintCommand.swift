import ArgumentParser
import Foundation
import Verdict

extension LintFormat: ExpressibleByArgument {}

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check rules against the metrics guide: naming, definitions, references, dead labels.",
        discussion: """
            Rule errors are reported as by every command (exit 2). Warnings print as 'file:line:column: warning: message [check-id]'. A 'lint:' section in a rule file turns checks off ('disable: [check-id]') and adds synonym groups ('synonyms: [[refund, reimbursement]]'). Exit status: 0, also with warnings; 1 with --strict and warnings; 2 on rule or usage errors.

            Example: verdict lint -r rules --strict
            """
    )

    @OptionGroup var rules: RuleOptions

    @Option(help: ArgumentHelp("Transcripts whose functions, flows, intents and logged metrics the references check may rely on.", valueName: "dir"))
    var fixtures: [String] = []

    @Option(name: .shortAndLong, help: "Output format.")
    var format: LintFormat = .text

    @Flag(help: "Exit 1 when there are warnings.")
    var strict = false

    @Flag(help: "List every check with its description, and exit.")
    var list = false

    func run() throws {
        if list {
            try write(Linter.listing(), to: nil)
            return
        }
        let ruleSet = try rules.load()
        let known = fixtures.isEmpty ? nil : KnownNames(gatheringFrom: InputReader(inputs: fixtures, options: InputLimits.options(output: nil, maxLineBytes: InputOptions.defaultMaxLineBytes)))
        for warning in known?.unknownTypeWarnings ?? [] { printError("verdict: warning: \(warning)") }
        let warnings = Linter.run(ruleSet, known: known)
        try write(Linter.render(warnings, format: format, metrics: ruleSet.metrics.count), to: nil)
        if strict && !warnings.isEmpty { throw ExitStatus.failed }
    }
}
