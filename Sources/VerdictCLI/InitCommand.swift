import ArgumentParser
import Foundation
import Verdict

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Start a Verdict project: a starter rules/ and four annotated fixtures that pass.",
        discussion: """
            Writes DIR/rules/refunds.yaml (a boolean and a categorical metric on a derived flow) and four conversations in DIR/fixtures, then prints the next commands to try. Never overwrites a file. Exit status: 0; 1 when a file exists or cannot be written.

            Example: verdict init support && cd support && verdict test fixtures
            """
    )

    @Argument(help: ArgumentHelp("The folder to create the project in ('.' is the current folder).", valueName: "dir"))
    var directory = "."

    func run() throws {
        let written: [String]
        do { written = try Starter.write(to: directory) } catch {
            printError("verdict: \(error)")
            throw ExitStatus.failed
        }
        var out = "Created in \(directory): " + written.joined(separator: ", ") + "\n\nNext:\n"
        if directory != "." { out += "  cd \(directory)\n" }
        out += """
          verdict test --rules rules fixtures                       # the fixtures pass
          verdict explain --rules rules fixtures/refund-issued.json  # why each metric got its value
          verdict lint --rules rules --fixtures fixtures              # the metrics guide, checked

        """
        try write(out, to: nil)
    }
}
