import Foundation
import Verdict

/// The fixed rule set: the bundled `rules/` (or `$VERDICT_FUZZ_RULES`), read once.
nonisolated(unsafe) let evaluator: Evaluator = {
    let path = ProcessInfo.processInfo.environment["VERDICT_FUZZ_RULES"] ?? "rules"
    do { return Evaluator(rules: try RuleLoader.load(paths: [path])) } catch {
        fatalError("FuzzScore needs a rule folder: \(error)")
    }
}()
nonisolated(unsafe) let sink = JSONLinesSink(rules: evaluator.rules, output: ByteOutput(fd: -1))

/// One input: one JSON Lines record, scored and rendered as `verdict score` would. Every
/// conversation yields exactly one line, and that line is itself valid JSON.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScore(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let record = RawRecord(source: "fuzz.jsonl:1", payload: .json(Array(UnsafeBufferPointer(start: data, count: size))))
    let scored = Scorer.score(record, with: evaluator)
    let line = sink.renderer(scored)
    precondition(line.last == 0x0A && line.dropLast().firstIndex(of: 0x0A) == nil, "one line per conversation")
    let reread = line.dropLast().withUnsafeBufferPointer { try? JSONParser.parse($0) }
    precondition(reread != nil, "the output line is JSON")
    return 0
}
