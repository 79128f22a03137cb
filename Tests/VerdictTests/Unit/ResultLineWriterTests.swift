import Testing
@testable import Verdict

/// The result-line writer takes shortcuts (whole results prepared once per run, digits without
/// a String); each is held here to what the general JSON writer makes of the same result.
/// See: `JSONLinesSink.encode`, `JSONWriter.int`.
@Suite("Result lines: the writer's shortcuts")
struct ResultLineWriterTests {
    static let shapes: [MetricResult] = [
        MetricResult(status: .ok, value: .bool(false), triggeredAt: 0),
        MetricResult(status: .ok, value: .bool(false), triggeredAt: 3),
        MetricResult(status: .ok, value: .bool(false), triggeredAt: 0, failedItems: [1]),
        MetricResult(status: .ok, value: .bool(false), triggeredAt: 0, evidence: [2]),
        MetricResult(status: .ok, value: .bool(false), triggeredAt: 0, error: "odd"),
        MetricResult(status: .ok, value: .bool(true), triggeredAt: 0, evidence: [0, 12, 345]),
        MetricResult(status: .notApplicable),
        MetricResult(status: .inactive),
        MetricResult(status: .error, triggeredAt: 0, error: "pattern \"x\" stopped"),
        MetricResult(status: .ok, value: .label("say \"hi\""), triggeredAt: 10, evidence: [10]),
        MetricResult(status: .ok, value: .number(2.5), triggeredAt: 1234567),
        MetricResult(status: .unmatched, triggeredAt: 9),
    ]

    /// The same result as a JSON object, in the order SPEC §6 gives.
    static func reference(_ m: MetricResult) -> JSONValue {
        let value: JSONValue
        switch m.value {
        case nil: value = .null
        case let .bool(b)?: value = .bool(b)
        case let .label(l)?: value = .string(l)
        case let .number(d)?: value = .number(d, literal: JSONNumber.text(d))
        }
        func ints(_ list: [Int]) -> JSONValue { .array(list.map { .number(Double($0), literal: String($0)) }) }
        var pairs: [(key: String, value: JSONValue)] = [("status", .string(m.status.rawValue)), ("value", value),
                                                        ("triggered_at", m.triggeredAt.map { .number(Double($0), literal: String($0)) } ?? .null),
                                                        ("evidence", ints(m.evidence))]
        if let failed = m.failedItems { pairs.append(("failed_items", ints(failed))) }
        if let error = m.error { pairs.append(("error", .string(error))) }
        return .object(JSONObject(pairs))
    }

    @Test("every shape of result is written as the general writer writes it")
    func shapes() {
        let names = Self.shapes.indices.map { "m\($0)" }
        let result = ConversationResult(id: "c", metrics: Self.shapes, flows: [], functions: [], logged: [])
        var w = JSONWriter()
        JSONLinesSink.encode(ScoredConversation(source: "s", result: .success(result)), metricNames: names, into: &w)
        var expected = JSONWriter()
        expected.value(.object(JSONObject([("id", .string("c")),
                                           ("metrics", .object(JSONObject(zip(names, Self.shapes.map(Self.reference)).map { ($0, $1) }))),
                                           ("flows", .array([])), ("functions", .array([])), ("logged", .object(JSONObject([])))])))
        #expect(String(decoding: w.bytes, as: UTF8.self) == String(decoding: expected.bytes, as: UTF8.self))
    }

    /// Consecutive results false from the start are written as one copy of prepared bytes:
    /// the line must be what writing each alone gives, whatever their runs' lengths and places.
    @Test("runs of results false from the start are written as each result alone (500 seeded lines)")
    func runsOfFalseFromStart() {
        var cases = RandomCases(rng: SeededGenerator(state: 1212))
        var longest = 0
        for _ in 0..<500 {
            let results = (0..<Int.random(in: 0...30, using: &cases.rng)).map { _ in
                cases.chance(0.7) ? MetricResult.falseFromStart : cases.pick(Self.shapes)
            }
            var run = 0
            for r in results {
                run = r.isFalseFromStart ? run + 1 : 0
                longest = max(longest, run)
            }
            let names = results.indices.map { "m\($0)" }
            var w = JSONWriter()
            JSONLinesSink.encode(ScoredConversation(source: "s", result: .success(ConversationResult(id: "c", metrics: results, flows: [], functions: [], logged: []))),
                                 metricNames: names, into: &w)
            var expected = JSONWriter()
            expected.value(.object(JSONObject([("id", .string("c")),
                                               ("metrics", .object(JSONObject(zip(names, results.map(Self.reference)).map { ($0, $1) }))),
                                               ("flows", .array([])), ("functions", .array([])), ("logged", .object(JSONObject([])))])))
            #expect(String(decoding: w.bytes, as: UTF8.self) == String(decoding: expected.bytes, as: UTF8.self))
        }
        #expect(longest >= 10)
        #expect(MetricResult.falseFromStart == MetricResult(status: .ok, value: .bool(false), triggeredAt: 0) && MetricResult.falseFromStart.isFalseFromStart)
    }

    @Test("integers are written as Swift prints them", arguments: [0, 9, 10, 99, 100, 1_000_000, Int.max, -1, -10, Int.min])
    func integers(_ n: Int) {
        var w = JSONWriter()
        w.int(n)
        #expect(String(decoding: w.bytes, as: UTF8.self) == String(n))
    }
}
