import Foundation
import Testing
@testable import Verdict

/// The one-pass decoder that scoring uses against the tree-building decoder that defines
/// SPEC §1's reading: the same conversation or the same error, on real files and on seeded
/// corruptions of them.
@Suite("Conversation scanner")
struct ConversationScannerTests {
    /// Every field of a decoded conversation, or the error, written out exactly (numbers by
    /// literal, `at` by bit pattern), so that any difference shows.
    static func describe(_ result: Result<(Conversation, JSONObject?), UnreadableConversation>) -> String {
        switch result {
        case let .failure(problem): return "unreadable id=\(problem.id ?? "-") \(problem.message)"
        case let .success((c, annotations)):
            func json(_ v: JSONValue?) -> String {
                guard let v else { return "-" }
                var w = JSONWriter()
                w.value(v)
                return String(decoding: w.bytes, as: UTF8.self)
            }
            var out = "id=\(c.id) started=\(c.startedAt.map { "\($0)" } ?? "-") metadata=\(json(c.metadata))"
            out += " annotations=\(json(annotations.map { .object($0) }))\n"
            for e in c.events {
                out += "\(e.kind) text=\(e.text ?? "-") name=\(e.name ?? "-") step=\(e.step ?? "-") intents=\(e.intents)"
                out += " args=\(json(e.args)) result=\(json(e.result)) error=\(e.error ?? "-") value=\(json(e.value))"
                out += " destination=\(e.destination ?? "-") reason=\(e.reason ?? "-") at=\(e.at.map { String($0.bitPattern) } ?? "-")\n"
            }
            return out
        }
    }

    static func tree(_ bytes: [UInt8]) -> String {
        describe(bytes.withUnsafeBufferPointer { ConversationDecoder.decode($0) }.map { ($0, ConversationDecoder.annotations(of: $1)) })
    }

    static func scanned(_ bytes: [UInt8], needs: DecodeNeeds = .everything) -> String {
        describe(bytes.withUnsafeBufferPointer { ConversationScanner.decode($0, needs: needs) })
    }

    /// Conversations as users write them: the bundled fixtures and the conformance inputs.
    static func documents() throws -> [[UInt8]] {
        var documents: [[UInt8]] = []
        let fixtures = Support.root.appendingPathComponent("fixtures")
        for name in try FileManager.default.contentsOfDirectory(atPath: fixtures.path).sorted() where name.hasSuffix(".json") {
            documents.append(Array(try Data(contentsOf: fixtures.appendingPathComponent(name))))
        }
        let cases = Support.root.appendingPathComponent("Tests/Conformance/cases")
        for name in try FileManager.default.contentsOfDirectory(atPath: cases.path).sorted() {
            let file = cases.appendingPathComponent(name).appendingPathComponent("conversations.jsonl")
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") { documents.append(Array(line.utf8)) }
        }
        return documents
    }

    @Test("hand-picked edge cases read the same")
    func edgeCases() {
        var cases: [String] = [
            #"{"id":"a","events":[]}"#,
            #"{"id":"a","metadata":5,"events":[]}"#,
            #"{"id":"a","metadata":{"x":1},"metadata":[1],"events":{}}"#,
            #"{"id":"a","metadata":null,"events":[]}"#,
            #"{"id":"a","metadata":"x","started_at":"never","events":[]}"#,
            #"{"events":[],"id":"late id"}"#,
            #"{"id":"a","events":[],"id":"second"}"#,
            #"{"id":"a","events":[{"type":"user"}],"events":[]}"#,
            #"{"id":"a","events":[],"events":[{"type":"user"}]}"#,
            #"{"\u0069d":"escaped key","events":[{"t\u0079pe":"agent","text":"hi"}]}"#,
            #"{"id":"a","events":[{"type":"user","text":"caf\u00e9 \ud83d\ude00 \ud800","intents":["x","y"]}]}"#,
            #"{"id":"a","events":[{"type":"user","text":"a","text":"b","type":"agent"}]}"#,
            #"{"id":"a","events":[{"type":"user","text":1}]}"#,
            #"{"id":"a","events":[{"type":"user","text":"x","intents":[1]}]}"#,
            #"{"id":"a","events":[{"type":"user","text":"x","intents":"x"}]}"#,
            #"{"id":"a","events":[{"type":"metric","name":"m","value":{"a":1}}]}"#,
            #"{"id":"a","events":[{"type":"metric","name":"m","value":null},{"type":"state","key":"k","value":null}]}"#,
            #"{"id":"a","events":[{"type":"function","name":"f","args":[],"result":null}]}"#,
            #"{"id":"a","events":[{"type":"function","name":"f","args":null,"result":{"x":[1,2.50,-0e3]},"error":"e"}]}"#,
            #"{"id":"a","events":[{"type":"handoff","destination":3}]}"#,
            #"{"id":"a","events":[{"type":"mystery","text":5,"at":1.5}]}"#,
            #"{"id":"a","events":[{"type":"agent","text":"x","at":"1"}]}"#,
            #"{"id":"a","events":[{"type":"agent","text":"x","at":null}]}"#,
            #"{"id":"a","events":[{"type":null}]}"#,
            #"{"id":"a","events":[{"type":true}]}"#,
            #"{"id":"a","events":[3,{"type":"agent"}]}"#,
            #"{"id":"a","events":[{"type":"agent"}, {"type":7}]}"#,
            #"{"id":"a","events":{}}"#,
            #"{"id":"a","events":null}"#,
            #"{"id":"a"}"#,
            #"{"id":1,"events":[]}"#,
            #"{"id":null,"events":[{"type":7}]}"#,
            #"{"id":"a","started_at":"2026-03-15T10:00:00+01:00","events":[]}"#,
            #"{"id":"a","started_at":"yesterday","events":[]}"#,
            #"{"id":"a","started_at":5,"events":[]}"#,
            #"{"id":"a","metadata":{"k":[1,{"z":null}]},"expect":{"m":true},"todo":["m"],"events":[]}"#,
            #"{"id":"a","metadata":null,"events":[]}"#,
            #"{"id":"a","events":[{"type":"agent","text":"x"}]} x"#,
            #"{"id":"a","events":[{"type":"agent","text":"x"},]}"#,
            #"{"id":"a","events":[{"type":"agent","text":"x" "at":1}]}"#,
            #"{"id":"a","events":[{"type":"agent","text":"x\q"}]}"#,
            #"{"id":"a","events":[{"type":"agent","text":"x","at":01}]}"#,
            #"{"id":"a","events":[{"type":"agent","text":"x","at":1e999}]}"#,
            #"{"id":"a","events":[{"type":"agent","text":"x","at":-}]}"#,
            #"{"id":"a","events":[{"type":"agent","text":"x","args":tru}]}"#,
            #"{"id":"a","events":[{"type":"agent","text":"x"}"#,
            #"{"id":"a","events":[{"type":"agent","text":"x"#,
            #"{"id":"a","events":[{"type":"agent","text":"x"}],"id":2, 3:4}"#,
            #"[{"id":"a","events":[]}]"#,
            #""just a string""#,
            #"  "#,
            "",
            "{\"id\":\"a\",\"events\":[{\"type\":\"agent\",\"text\":\"tab\tinside\"}]}",
            "{\"id\":\"a\",\"events\":[{\"type\":\"agent\",\"text\":\"bad \u{FFFD}\"}]}",
        ]
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        let deepish = String(repeating: "[", count: 508) + String(repeating: "]", count: 508)
        cases.append(deep)
        cases.append(#"{"id":"a","metadata":"# + deep + #","events":[]}"#)
        cases.append(#"{"id":"a","events":[{"type":"function","name":"f","args":{"x":"# + deepish + "}}]}")
        cases.append(#"{"id":"a","events":[{"type":"function","name":"f","args":{"x":"# + deep + "}}]}")
        var bytesCases = cases.map { Array($0.utf8) }
        // Invalid UTF-8 in a text, in a key and in a skipped value.
        bytesCases.append(Array(#"{"id":"a","events":[{"type":"agent","text":"x"#.utf8) + [0xC3, 0x28] + Array(#""}]}"#.utf8))
        bytesCases.append(Array(#"{"id":"a","#.utf8) + [0x22, 0xFF, 0x22] + Array(#":1,"events":[]}"#.utf8))
        bytesCases.append(Array(#"{"id":"a","metadata":{"k":""#.utf8) + [0xE2, 0x82] + Array(#""},"events":[]}"#.utf8))
        for bytes in bytesCases {
            #expect(ConversationScannerTests.scanned(bytes) == ConversationScannerTests.tree(bytes), "\(String(decoding: bytes, as: UTF8.self).prefix(200))")
        }
    }

    @Test("real files and 20,000 seeded corruptions of them read the same")
    func corruptions() throws {
        let documents = try ConversationScannerTests.documents()
        #expect(documents.count > 40)
        var rng = SeededGenerator(state: 2_024)
        let inserts: [[UInt8]] = [",", "]", "}", "\"", ":", "null", "1", "{", "[", "\\", "\\u12", "\t", " ", "\u{0}", "é", "\"type\":", "\"text\":", "\"id\":"]
            .map { Array($0.utf8) }
        var unreadable = 0, same = 0
        for n in 0..<20_000 {
            var bytes = documents[n % documents.count]
            let edits = Int.random(in: 1...3, using: &rng)
            for _ in 0..<edits where !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(contentsOf: inserts[Int.random(in: 0..<inserts.count, using: &rng)], at: at)
                case 2: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                default:
                    // Swap a value's type: a string where a number or object was, and so on.
                    bytes.replaceSubrange(at..<min(bytes.count, at + Int.random(in: 1...6, using: &rng)),
                                          with: Array(["\"s\"", "12", "{}", "[]", "null", "true"][Int.random(in: 0..<6, using: &rng)].utf8))
                }
            }
            let tree = ConversationScannerTests.tree(bytes)
            #expect(ConversationScannerTests.scanned(bytes) == tree, "\(String(decoding: bytes, as: UTF8.self).prefix(300))")
            if tree.hasPrefix("unreadable") { unreadable += 1 } else { same += 1 }
        }
        // Both kinds of outcome are exercised, not only errors.
        #expect(unreadable > 5_000 && same > 1_000, "\(unreadable) unreadable, \(same) readable")
    }

    @Test("the id alone, read without decoding, is the decoded conversation's id on real files and corruptions")
    func idAlone() throws {
        let documents = try ConversationScannerTests.documents()
        var rng = SeededGenerator(state: 77)
        var compared = 0
        for n in 0..<5_000 {
            var bytes = documents[n % documents.count]
            if n >= documents.count, !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                bytes.insert(contentsOf: Array([",", "\"id\":\"x\",", "}", "\"", "null", "\"id\":1,"][Int.random(in: 0..<6, using: &rng)].utf8), at: at)
            }
            let decoded = bytes.withUnsafeBufferPointer { ConversationDecoder.decode($0) }
            if case let .success((conversation, _)) = decoded {
                #expect(bytes.withUnsafeBufferPointer { ConversationScanner.id(in: $0) } == conversation.id)
                compared += 1
            }
        }
        #expect(compared > 1_000)
        #expect(Array(#"{"events":[{"id":"inner"}],"id":"outer","id":"last"}"#.utf8).withUnsafeBufferPointer { ConversationScanner.id(in: $0) } == "last")
        #expect(Array(#"{"id":7}"#.utf8).withUnsafeBufferPointer { ConversationScanner.id(in: $0) } == nil)
        #expect(Array(#"[1]"#.utf8).withUnsafeBufferPointer { ConversationScanner.id(in: $0) } == nil)
    }

    @Test("fields no rule reads are checked but not kept")
    func needs() throws {
        let lean = DecodeNeeds(metadata: false, functionArgs: false, functionResult: false, stateValues: false)
        let json = #"{"id":"a","metadata":{"k":1},"events":[{"type":"function","name":"f","args":{"x":1},"result":2},{"type":"state","key":"k","value":"v"},{"type":"metric","name":"m","value":3}]}"#
        let scanned = try Array(json.utf8).withUnsafeBufferPointer { ConversationScanner.decode($0, needs: lean) }.get().0
        #expect(scanned.metadata == nil)
        #expect(scanned.events[0].args == nil && scanned.events[0].result == nil && scanned.events[1].value == nil)
        #expect(scanned.events[2].value == .number(3))
        // A wrong type in a field that is not kept is still an error.
        let bad = Array(#"{"id":"a","events":[{"type":"function","name":"f","args":[1]}]}"#.utf8)
        #expect(ConversationScannerTests.scanned(bad, needs: lean) == "unreadable id=a event 0: `args` must be an object")

        let rules = try Support.rules("""
            version: 1
            metrics:
              - name: Lookup found
                type: boolean
                definition: d
                when: {function: lookup, result: {found: true}}
              - name: Tier
                type: number
                definition: d
                value: {value_of: {state: tier}}
            """)
        let needs = CompiledRules(rules).decodeNeeds
        #expect(needs == DecodeNeeds(metadata: false, functionArgs: false, functionResult: true, stateValues: true,
                                     argsRead: [], resultsRead: ["lookup"], statesRead: ["tier"]))
    }

    @Test("only the functions and state keys a rule names keep their values, a function's args or result only where a rule reads that one; scoring reads the same either way")
    func needsByName() throws {
        let rules = try Support.rules("""
            version: 1
            metrics:
              - name: Found
                type: boolean
                definition: d
                when: {function: "caf\u{E9}", result: {found: true}}
              - name: Paid
                type: boolean
                definition: d
                when: {function: pay, args: {amount: {gte: 10}}}
              - name: Tier
                type: number
                definition: d
                value: {value_of: {state: tier}}
              - name: Tier set
                type: boolean
                definition: d
                when: {state: plan, value: {not: null}}
            """)
        let needs = CompiledRules(rules).decodeNeeds
        #expect(needs.argsRead == ["pay"] && needs.resultsRead == ["caf\u{E9}"] && needs.statesRead == ["plan", "tier"])
        // An NFD name is another function: its values are skipped, as no rule reads them.
        let json = #"{"id":"a","events":[{"type":"function","name":"caf\u00e9","result":{"found":true}},"#
            + #"{"type":"function","name":"cafe\u0301","result":{"found":true}},{"type":"function","name":"pay","args":{"amount":12},"result":1},"#
            + #"{"type":"function","name":"other","args":{"amount":12},"result":{"found":true}},{"type":"state","key":"tier","value":3},"#
            + #"{"type":"state","key":"plan","value":"gold"},{"type":"state","key":"mood","value":"calm"}]}"#
        let lean = try Array(json.utf8).withUnsafeBufferPointer { ConversationScanner.decode($0, needs: needs) }.get().0
        #expect(lean.events.map { $0.args != nil } == [false, false, true, false, false, false, false])
        // `pay`'s result is skipped: its rule reads its args only.
        #expect(lean.events.map { $0.result != nil } == [true, false, false, false, false, false, false])
        #expect(lean.events.map { $0.value != nil } == [false, false, false, false, true, true, false])
        let full = try Array(json.utf8).withUnsafeBufferPointer { ConversationScanner.decode($0, needs: .everything) }.get().0
        let a = Evaluator(rules: rules).evaluate(lean), b = Evaluator(rules: rules).evaluate(full)
        let values: [MetricResult.Value?] = a.metrics.map { $0.value }, evidence: [[Int]] = a.metrics.map { $0.evidence }
        #expect(values == b.metrics.map { $0.value } && evidence == b.metrics.map { $0.evidence })
        #expect(values == [.bool(true), .bool(true), .number(3), .bool(true)])
    }

    @Test("a decoded conversation's texts are ranges of one array, escaped and empty ones too; a text set as a string has its own")
    func sharedUtterances() throws {
        let line = #"{"id":"a","events":[{"type":"user","text":"first"},{"type":"flow","flow":"F"},"#
            + #"{"type":"agent","text":"caf\u00e9 \"quoted\""},{"type":"user","text":""},{"type":"agent","text":"naïve, a longer text than fits in a small string"}]}"#
        let bytes = Array(line.utf8)
        guard case let .success((conversation, _)) = bytes.withUnsafeBufferPointer({ ConversationScanner.decode($0, needs: .everything) }) else {
            Issue.record("not decoded")
            return
        }
        let events = conversation.events
        #expect(events.map(\.text) == ["first", nil, "caf\u{e9} \"quoted\"", "", "naïve, a longer text than fits in a small string"])
        let utterances = events.compactMap(\.utterance)
        let arrays = Set(utterances.map { $0.storage.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) } })
        #expect(utterances.count == 4 && arrays.count == 1)
        // End to end in event order, as the evaluator's text arena lays them out.
        #expect(utterances.map(\.start) == [0, 5, 5 + "café \"quoted\"".utf8.count, 5 + "café \"quoted\"".utf8.count])
        var set = events[0]
        set.text = "changed"
        #expect(set.text == "changed" && set.utterance?.start == 0 && set.utterance?.storage == Array("changed".utf8))
        #expect(events[0].text == "first")
    }
}
