import ArgumentParser
import Foundation
import Verdict

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print a JSON Schema (draft 2020-12) of the rule format, for editors to check and complete rule files.",
        discussion: """
            Save it beside the rules and put '# yaml-language-server: $schema=verdict.schema.json' on the first line of each rule file: VS Code's YAML extension, and any yaml-language-server client, then checks and completes them ('verdict init' does both). The schema checks structure; patterns, dates, duplicate names and the metrics guide are 'verdict lint''s. Exit status: 0; 1 when the output cannot be written.

            Example: verdict schema --output rules/verdict.schema.json
            """
    )

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the schema to this file instead of standard output.", valueName: "file"))
    var output: String?

    func run() throws {
        try write(RuleSchema.json, to: output)
    }
}
