import Foundation
import Testing
@testable import Verdict

/// The one-pass result line reader against the tree reading that defines a line: equal lines,
/// or equal errors, on real output, hand-made edge cases and seeded corruptions, read one
/// after another as a batch is (the scanner remembers the names of the line before).
@Suite("Result line scanner")
struct ResultLineScannerTests {
    static func describe(_ r: Result<ResultLine, ResultLineError>) -> String {
        switch r {
        case let .failure(e): return "error \(e.description)"
        case let .success(l):
            func json(_ v: JSONValue?) -> String {
                guard let v else { return "-" }
                var w = JSONWriter()
                w.value(v)
                return String(decoding: w.bytes, as: UTF8.self)
            }
            let metrics = l.metrics.map { m in
                "\(Array(m.name.utf8))=\(m.outcome.status)|\(json(m.outcome.value))|\(m.outcome.failedItems.map { "\($0)" } ?? "-")|\(m.outcome.triggeredAt.map(String.init) ?? "-")|\(m.outcome.evidence)|\(m.outcome.error ?? "-")"
            }
            return [l.source, l.id.map { "\(Array($0.utf8))" } ?? "-", l.startedAt ?? "-", json(l.metadata), metrics.joined(separator: ";"),
                    "\(l.flows.map { Array($0.utf8) })", "\(l.functions.map { Array($0.utf8) })",
                    l.logged.map { "\($0.name)=\(json($0.value))" }.joined(separator: ","), l.error ?? "-"].joined(separator: " # ")
        }
    }

    static func check(_ lines: [String]) -> Int {
        let scanner = ResultLineScanner(), withoutEvidence = ResultLineScanner(keepsEvidence: false)
        var scanned = 0
        for (i, line) in lines.enumerated() {
            let bytes = Array(line.utf8)
            let fast = scanner.parse(bytes, source: "r:\(i)"), tree = ResultLine.parse(bytes, source: "r:\(i)")
            #expect(describe(fast) == describe(tree), "\(line)")
            // Without evidence: the tree's line with every evidence list emptied.
            let bare = tree.map { l -> ResultLine in
                var l = l
                for k in l.metrics.indices { l.metrics[k].outcome.evidence = [] }
                return l
            }
            #expect(describe(withoutEvidence.parse(bytes, source: "r:\(i)")) == describe(bare), "\(line)")
            if bytes.withUnsafeBufferPointer({ ResultLineScanner().scan($0, source: "") }) != nil { scanned += 1 }
        }
        return scanned
    }

    static let edges = [
        #"{"id":"a","metrics":{"m":{"status":"ok","value":true,"triggered_at":0,"evidence":[1,2]}},"flows":[],"functions":[],"logged":{}}"#,
        #"{"id":"a","metrics":{"m":{"status":"ok","value":true,"triggered_at":0,"evidence":[1,2]},"m":{"status":"error","value":null,"triggered_at":null,"evidence":[],"error":"x"}},"flows":[],"functions":[],"logged":{}}"#,
        #"{"id":"a","metrics":{"m":{"status":"ok","status":"unmatched","value":1.50,"value":-0,"triggered_at":9007199254740993,"evidence":[1.0,2]}}}"#,
        #"{"id":"a","metrics":{"m\u00e9":{"status":"ok","value":"l","triggered_at":3,"evidence":[],"failed_items":[0,2]}},"flows":["F","G"],"functions":["f"],"logged":{"N":1,"N":[2,3]}}"#,
        #"{"id":"a","metrics":{"m":{"status":"ok","value":false,"triggered_at":3,"evidence":[],"failed_items":[-1]}}}"#,
        #"{"id":"a","metrics":{"m":{"status":"weird","value":false}}}"#,
        #"{"id":"a","metrics":{"m":{"value":false}}}"#,
        #"{"id":"a","metrics":{"m":5}}"#,
        #"{"source":"c.jsonl:3","id":null,"error":"invalid JSON"}"#,
        #"{"id":"a","started_at":5,"metadata":null,"metrics":{},"flows":"x","functions":[1,"f"],"logged":[]}"#,
        #"{"id":"a","id":"b","metrics":{}}"#,
        #"{"id":"a","metrics":{}} x"#,
        #"{"id":"a","metrics":{"a\nb":{"status":"ok"}}}"#,
        #"{"id":"a","metrics":{"a\\nb":{"status":"ok"}}}"#,
        #"{"id":"a","metrics":{"":{"status":"ok","evidence":[007]}}}"#,
        #"{"id":"a","metadata":{"k":1e400,"j":[1.0,{"x":null}]},"metrics":{"m":{"status":"ok","value":12345678901234567890,"triggered_at":1e2}},"extra":1}"#,
        "[1]", "", "{", #"{"metrics":{}}"#,
    ]

    @Test("hand-made edge cases, each after a line whose names it may or may not repeat")
    func edgeCases() {
        let base = Self.edges[0]
        _ = Self.check(Self.edges.flatMap { [base, $0] })
        _ = Self.check(Self.edges)
    }

    @Test("the bundled results, and 20,000 seeded corruptions of them, read the same; most lines by the scanner")
    func corruptions() throws {
        let lines = try String(contentsOf: Support.root.appendingPathComponent("Tests/Golden/inputs/before.jsonl"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(Self.check(lines) == lines.count)
        let inserts = [",", "}", "]", "\"", ":", "null", "1.5", "-1", "{", "[", "\\", "\\u00e9", " ", "\"status\":", "\"x\":{}", "01", "1e2", "\"ok\""]
        let corrupted = Support.corruptions(of: lines, count: 20_000, seed: 20_261_204, inserts: inserts)
        let scanned = Self.check(corrupted)
        #expect(scanned > 5_000)
    }
}
