import Foundation
import Testing
@testable import Verdict

/// The engine as a library user meets it: compiled once, shared by threads, and safe against
/// whatever the public initialisers allow.
@Suite("Engine")
struct EngineTests {
    static let yaml = """
        version: 1
        flows:
          Booking:
            enter_when: {agent: book}
        metrics:
          - name: Silent caller
            type: boolean
            definition: d
            when: {user: "^$"}
          - name: Lookup called
            type: boolean
            definition: d
            when: {function: lookup}
          - name: Tier logged
            type: boolean
            definition: d
            when: {metric: tier, value: {eq: gold}}
          - name: Spoke in booking
            type: boolean
            definition: d
            when: {said: ".", in_flow: Booking}
          - name: Handoff to desk
            type: boolean
            definition: d
            when: {handoff: desk}
        """

    static func summary(_ result: ConversationResult) -> [String] {
        result.metrics.map { "\($0.status.rawValue) \($0.value.map { "\($0)" } ?? "-") \($0.evidence)" }
    }

    @Test("events built by hand without their text, name or value are read as empty, not trapped on")
    func handBuiltEvents() throws {
        let rules = try Support.rules(EngineTests.yaml)
        var agent = Event(kind: .agent)
        agent.text = "let me book that"
        let events = [Event(kind: .user), Event(kind: .function), Event(kind: .metric), Event(kind: .state),
                      Event(kind: .flow), agent, Event(kind: .user), Event(kind: .handoff)]
        let result = Evaluator(rules: rules).evaluate(Conversation(id: "hand-built", events: events))
        #expect(EngineTests.summary(result) == [
            "ok true [0, 6]",     // a user event without text reads as ""
            "ok false []",        // a function without a name is no call to `lookup`
            "ok false []",
            "ok true [5]",        // the agent's line enters Booking and is spoken in it
            "ok false []",        // no destination reads as "", which `desk` does not match
        ])
        #expect(result.logged.map(\.name) == [""])
    }

    @Test("function, metric, state, intent and flow leaves compare names by bytes: NFC and NFD differ, long and empty names match only themselves")
    func leafNamesByBytes() throws {
        let nfc = "caf\u{E9}", nfd = "cafe\u{301}", long = "reserve_a_table_for_the_evening_\u{E9}"
        func metrics(_ name: String) -> String {
            ["function", "metric", "state", "intent", "flow"].map { kind in
                "  - name: \(kind) \(name.unicodeScalars.count)\n    type: boolean\n    definition: The \(kind) is named so. False otherwise.\n"
                    + "    when: {\(kind): \"\(name)\"}\n"
            }.joined()
        }
        let yaml = "version: 1\nmetrics:\n" + metrics(nfc) + metrics(long) + metrics("")
        func events(_ name: String) -> String {
            #"{"type": "function", "name": "\#(name)"}, {"type": "metric", "name": "\#(name)", "value": 1}, "#
                + #"{"type": "state", "key": "\#(name)", "value": 1}, {"type": "user", "text": "hi", "intents": ["\#(name)"]}, "#
                + #"{"type": "flow", "flow": "\#(name)"}"#
        }
        let evaluator = Evaluator(rules: try Support.rules(yaml))
        func truths(_ name: String) throws -> [Bool] {
            evaluator.evaluate(try Support.conversation(Support.events(events(name)))).metrics.map { $0.value == .bool(true) }
        }
        let five = [Bool](repeating: true, count: 5), none = [Bool](repeating: false, count: 5)
        #expect(try truths(nfc) == five + none + none)
        #expect(try truths(nfd) == none + none + none)
        #expect(try truths(long) == none + five + none)
        #expect(try truths(String(long.dropLast())) == none + none + none)
        // The same number of bytes, other bytes.
        #expect(try truths("cafe!") == none + none + none)
        #expect(try truths(String(long.dropLast()) + "e!") == none + none + none)
        #expect(try truths("") == none + none + five)
    }

    @Test("leaf ids that are out of range or repeated are renumbered; the loader's are kept")
    func leafIDs() throws {
        let rules = try Support.rules(EngineTests.yaml)
        #expect(CompiledRules.withUsableLeafIDs(rules).allLeaves.map(\.id) == rules.allLeaves.map(\.id))
        var broken = rules
        broken.leafCount = 0
        for m in broken.metrics.indices {
            guard case var .boolean(.leaf(leaf)) = broken.metrics[m].body else { continue }
            leaf.id = 7
            broken.metrics[m].body = .boolean(.leaf(leaf))
        }
        let compiled = CompiledRules(broken)
        #expect(Set(compiled.rules.allLeaves.map(\.id)).count == compiled.rules.allLeaves.count)
        var user = Event(kind: .user)
        user.text = ""
        var agent = Event(kind: .agent)
        agent.text = "booking now"
        let conversation = Conversation(id: "c", events: [agent, user])
        #expect(EngineTests.summary(Evaluator(compiled: compiled).evaluate(conversation))
                == EngineTests.summary(Evaluator(rules: rules).evaluate(conversation)))
    }

    @Test("one compiled rule set serves evaluators on four threads with the results of one")
    func sharedAcrossThreads() throws {
        let rules = try Support.rules(EngineTests.yaml)
        let compiled = CompiledRules(rules)
        let texts = ["book it", "", "no", "booking desk", "hello"]
        let conversations = (0..<200).map { n in
            Conversation(id: "c\(n)", events: (0..<(n % 7)).map { k in
                var e = Event(kind: k % 2 == 0 ? .agent : .user)
                e.text = texts[(n + k) % texts.count]
                return e
            })
        }
        let expected = conversations.map { EngineTests.summary(Evaluator(compiled: compiled).evaluate($0)) }
        final class Results: @unchecked Sendable {
            var rows: [[[String]]] = Array(repeating: [], count: 4)
            let lock = NSLock()
        }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            let evaluator = Evaluator(compiled: compiled)
            let rows = conversations.map { EngineTests.summary(evaluator.evaluate($0)) }
            results.lock.lock()
            results.rows[t] = rows
            results.lock.unlock()
        }
        for rows in results.rows { #expect(rows == expected) }
    }

    @Test("no public declaration of the library takes or gives a pointer")
    func noPointersInPublicAPI() throws {
        let sources = Support.root.appendingPathComponent("Sources/Verdict")
        var offending: [String] = []
        var files = 0
        for case let path as String in FileManager.default.enumerator(atPath: sources.path)! where path.hasSuffix(".swift") {
            files += 1
            let text = try String(contentsOf: sources.appendingPathComponent(path), encoding: .utf8)
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where line.contains("public ") && (line.contains("Unsafe") || line.contains("OpaquePointer")) {
                offending.append("\(path):\(n + 1): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        #expect(files > 50)
        #expect(offending.isEmpty, "\(offending)")
    }
}
