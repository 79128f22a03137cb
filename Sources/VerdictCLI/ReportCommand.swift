import ArgumentParser
import Foundation
import Verdict

extension ReportFormat: ExpressibleByArgument {}
extension Report.Period: ExpressibleByArgument {}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Summarise score results: rates and intervals, label shares, trends, failing clauses, flows.",
        discussion: """
            Reads what 'verdict score' wrote. With rules (--rules, or ./rules when that folder exists), metrics and labels follow rule order and failing 'all' items are described in words. --review names the page 'verdict review' wrote: the HTML report's bars, label shares, status counts and failing items then link into it. Exit status: 0; 3 when some result lines could not be read; 2 on usage or rule errors; 1 when the output cannot be written or a --require gate fails.

            Example: verdict report --format html --review review.html --output report.html results.jsonl
            """
    )

    @Option(name: [.customShort("r"), .customLong("rules")], help: ArgumentHelp("Rule files or folders, to order metrics and describe failing items.", valueName: "path"))
    var rulePaths: [String] = []

    @Option(name: .shortAndLong, help: "Output format.")
    var format: ReportFormat = .text

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("With --format html: the review page (as the report should link to it) that bars and counts link into.", valueName: "page"))
    var review: String?

    @Option(help: ArgumentHelp("day or week: the trend period, from each conversation's started_at (UTC); metadata.PATH: every figure per cohort of that metadata value as well. May be given twice, once each.", valueName: "day|week|metadata.PATH"))
    var by: [String] = []

    @Option(help: ArgumentHelp("With --by metadata.PATH: how many cohorts to list (the largest; the rest add up to (other)).", valueName: "n"))
    var maxCohorts = 50

    /// The trend period and the cohort path `--by` names.
    var period: Report.Period { by.compactMap(Report.Period.init(rawValue:)).first ?? .day }
    var cohortPath: MetadataPath? { by.compactMap(MetadataPath.init).first }

    @Argument(help: ResultInputs.help)
    var results: [String] = []

    @OptionGroup var filter: WhereOptions

    @OptionGroup var gates: GateOptions

    @OptionGroup var limits: InputLimits

    @OptionGroup var progress: ProgressOptions

    mutating func validate() throws {
        // `verdict score … | verdict report`: no input named reads standard input, as `score` does.
        try readStandardInputWhenNoneGiven(&results, what: ResultInputs.what)
        for value in by where Report.Period(rawValue: value) == nil && MetadataPath(value) == nil {
            throw ValidationError("--by takes day, week or metadata.PATH (a dotted path into the metadata): '\(value)'")
        }
        if by.filter({ Report.Period(rawValue: $0) != nil }).count > 1 || by.filter({ MetadataPath($0) != nil }).count > 1 {
            throw ValidationError("--by may be given twice: once a period (day or week), once a metadata path")
        }
        if maxCohorts < 1 { throw ValidationError("--max-cohorts must be at least 1") }
        if review != nil && format != .html { throw ValidationError("--review applies to --format html") }
    }

    func run() throws {
        let paths = optionalRulePaths(rulePaths)
        try refuseOverwriting(output, inputs: results, rules: paths)
        let rules = paths.isEmpty ? nil : try loadRules(paths)
        let builder = ReportBuilder(rules: rules, period: period, by: cohortPath, maxCohorts: maxCohorts)
        let display = progress.start(output: output, command: "report")
        defer { display?.finish() }
        let lines = ResultLines(inputs: results, options: filter.applied(to: limits.options(output: output, progress: display)), evidence: false)
        var problems = 0
        while let next = lines.next() {
            switch next {
            case let .success(line): builder.add(line)
            case let .failure(error):
                problems += 1
                printError("verdict: \(error)")
            }
        }
        display?.finish()
        for warning in builder.rulesMismatch() { printError("verdict: warning: \(warning)") }
        let report = builder.finish()
        try write(report.rendered(format, review: review), to: output)
        let passed = try gates.passed(in: GateContext(report: report))
        if problems > 0 { throw ExitStatus.unreadable }
        if !passed { throw ExitStatus.failed }
    }
}
