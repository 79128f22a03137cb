import ArgumentParser
import Foundation
import Verdict

extension ReportFormat: ExpressibleByArgument {}
extension Report.Period: ExpressibleByArgument {}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Summarise score results: rates and intervals, label shares, trends, failing clauses, flows.",
        discussion: "Reads what 'verdict score' wrote. With --rules, metrics and labels follow rule order and failing 'all' items are described. Exit status: 0; 3 when some result lines could not be read; 2 on usage or rule errors; 1 when the output cannot be written."
    )

    @Option(name: .customLong("rules"), help: ArgumentHelp("Rule files or folders, to order metrics and describe failing items.", valueName: "path"))
    var rulePaths: [String] = []

    @Option(help: "Output format.")
    var format: ReportFormat = .text

    @Option(help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Option(help: "Trend period, from each conversation's started_at (UTC).")
    var by: Report.Period = .day

    @Argument(help: ArgumentHelp("Result files or folders written by 'verdict score', or - for standard input.", valueName: "results"))
    var results: [String] = []

    @OptionGroup var limits: InputLimits

    func validate() throws {
        if results.isEmpty { throw ValidationError("name at least one result file, or - for standard input") }
    }

    func run() throws {
        try refuseOverwriting(output, inputs: results, rules: rulePaths)
        let rules = rulePaths.isEmpty ? nil : try loadRules(rulePaths)
        let builder = ReportBuilder(rules: rules, period: by)
        let lines = ResultLines(inputs: results, options: limits.options(output: output))
        var problems = 0
        while let next = lines.next() {
            switch next {
            case let .success(line): builder.add(line)
            case let .failure(error):
                problems += 1
                printError("verdict: \(error)")
            }
        }
        try write(builder.finish().rendered(format), to: output)
        if problems > 0 { throw ExitStatus.unreadable }
    }
}
