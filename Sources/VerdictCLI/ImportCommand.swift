import ArgumentParser
import Foundation
import Verdict

extension ImportFormat: ExpressibleByArgument {}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert transcripts from another format into Verdict's (SPEC §1), as JSON Lines.",
        discussion: """
            Formats: sgd (Schema-Guided Dialogue files), openai (chat-completions messages or responses items), polyai (a Conversations API export), rasa (a Rasa 3.x SQLite tracker store). A record that cannot be converted gets an error line with its source, like 'verdict score' writes; the rest is converted. Exit status: 0; 3 when some records could not be converted; 2 on usage errors; 1 when the output cannot be written.

            Example: verdict import sgd dialogues_001.json -o calls.jsonl
            """
    )

    @Argument(help: "The input format.")
    var format: ImportFormat

    @Argument(help: ArgumentHelp("Files or folders in that format.", valueName: "input"))
    var inputs: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    @OptionGroup var importOptions: ImportFlags

    @OptionGroup var limits: InputLimits

    @OptionGroup var progress: ProgressOptions

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("name at least one file or folder to import") }
        if let problem = format.refusal(inputs) { throw ValidationError(problem) }
    }

    func run() throws {
        try refuseOverwriting(output, inputs: inputs)
        let display = progress.start(output: output, command: "import")
        defer { display?.finish() }
        let records = InputReader(format: format, inputs: inputs, options: importOptions.options,
                                  input: limits.options(output: output, progress: display))
        var converted = 0, failed = 0
        let out = try openOutput(output)
        do {
            while let record = records.next()?.resolved() {
                if case let .unreadable(message) = record.payload {
                    var w = JSONWriter()
                    w.object { o in
                        o.add("source", record.source)
                        o.add("error", message)
                    }
                    out.write(w.bytes + [0x0A])
                    failed += 1
                } else {
                    out.write(record.bytes! + [0x0A])
                    converted += 1
                }
            }
            try out.commit()
        } catch {
            printError("verdict: \(error)")
            throw ExitStatus.failed
        }
        display?.finish()
        if failed > 0 {
            let total = converted + failed
            printError("verdict: \(failed) of \(total) \(total == 1 ? "record" : "records") could not be converted; each has an error line")
            throw ExitStatus.unreadable
        }
    }
}
