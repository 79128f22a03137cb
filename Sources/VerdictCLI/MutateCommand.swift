import ArgumentParser
import Foundation
import Verdict

struct MutateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mutate",
        abstract: "Mutation testing of rules: change each metric a little and check that some fixture notices.",
        discussion: """
            Operators: drop an item of 'all', 'any' or 'sequence'; negate a leaf; evaluate from the start instead of applies_when; switch scope; move turns, seconds, count and within_turns bounds by one; drop an alternative of a pattern; drop a \\b; drop a label or otherwise; swap two labels. Each surviving mutant prints as 'file:line:column: metric: description' with what a fixture would have to show to kill it. A mutant no conversation could tell apart is recorded in a fixture: "equivalent_mutants": {"Metric": {"description": "why"}}. Exit status: 0; 1 when the score is below --min-score or a fixture fails; 2 on rule or usage errors.

            Example: verdict mutate --rules rules fixtures --suggest calls/
            """
    )

    @OptionGroup var rules: RuleOptions

    @Option(help: ArgumentHelp("Only this metric; repeat for more.", valueName: "name"))
    var metric: [String] = []

    @Option(name: .shortAndLong, help: "Output format.")
    var format: QualityFormat = .text

    @Option(help: ArgumentHelp("Exit 1 when the mutation score (0 to 1) is below this.", valueName: "score"))
    var minScore: Double?

    @Option(help: ArgumentHelp("Unlabelled conversations to search: for each surviving mutant, the first one where it and the rules disagree is named, to be labelled next.", valueName: "input"))
    var suggest: [String] = []

    @OptionGroup var inputs: FixtureInputs

    func validate() throws {
        if let minScore, !(0...1).contains(minScore) { throw ValidationError("--min-score must be from 0 to 1") }
    }

    func run() throws {
        let ruleSet = try rules.load()
        for name in metric where ruleSet.metric(named: name) == nil {
            printError("verdict: no metric named '\(name)' in the rules")
            throw ExitStatus.usage
        }
        let set = FixtureSet.read(try inputs.source(output: nil))
        for item in set.unreadable {
            if case let .failure(unreadable) = item.item.result { printError("verdict: \(item.item.source): " + FixtureCheck.unreadable(unreadable)) }
        }
        if set.expectations(for: ruleSet).isEmpty {
            printError("verdict: no fixture was checked: \(inputs.fixtures.joined(separator: ", ")) holds no conversation with \"expect\" for these rules")
            throw ExitStatus.failed
        }
        let threads = inputs.jobs.jobs ?? ProcessInfo.processInfo.activeProcessorCount
        var result = MutationTesting.run(rules: ruleSet, fixtures: set, only: metric, jobs: threads, limits: inputs.jobs.limits)
        if !suggest.isEmpty {
            let pool = FixtureSet.read(try inputs.from.source(suggest, options: inputs.limits.options(output: nil)))
            result.findCandidates(rules: ruleSet, pool: pool, jobs: threads, limits: inputs.jobs.limits)
        }
        if result.failingExpectations > 0 {
            printError("warning: \(result.failingExpectations) expectation\(result.failingExpectations == 1 ? " fails" : "s fail") on the rules as written and kill nothing; run 'verdict test'")
        }
        for warning in result.warnings { printError("warning: \(warning)") }
        let out = ByteOutput.standardOutput
        out.write(format == .json ? result.json(metrics: ruleSet.metrics) : result.text(metrics: ruleSet.metrics))
        do { try out.flush() } catch {
            printError("verdict: \(error)")
            throw ExitStatus.failed
        }
        if !set.unreadable.isEmpty || result.failingExpectations > 0 { throw ExitStatus.failed }
        if let minScore, result.score < minScore {
            printError("verdict: mutation score \(JSONNumber.text((result.score * 10000).rounded() / 10000)) is below --min-score \(JSONNumber.text(minScore))")
            throw ExitStatus.failed
        }
    }
}
