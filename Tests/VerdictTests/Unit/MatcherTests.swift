import Testing
@testable import Verdict

/// A matcher (as YAML) applied to a function result (as JSON).
struct MatcherCase: CustomTestStringConvertible, Sendable {
    let matcher: String
    let result: String
    let expected: Bool
    var testDescription: String { "\(matcher) on \(result)" }
}

let matcherCases: [MatcherCase] = [
    // Scalars compare as JSON values.
    MatcherCase(matcher: "1", result: "1.0", expected: true),
    MatcherCase(matcher: "1", result: #""1""#, expected: false),
    MatcherCase(matcher: "'1'", result: #""1""#, expected: true),
    MatcherCase(matcher: "1", result: "true", expected: false),
    MatcherCase(matcher: "true", result: "true", expected: true),
    MatcherCase(matcher: "null", result: "null", expected: true),
    MatcherCase(matcher: "'café'", result: #""cafe\u0301""#, expected: false),
    MatcherCase(matcher: "'Café'", result: #""café""#, expected: false),
    // Lists are equal element by element, in order.
    MatcherCase(matcher: "[a, b]", result: #"["a", "b"]"#, expected: true),
    MatcherCase(matcher: "[b, a]", result: #"["a", "b"]"#, expected: false),
    MatcherCase(matcher: "[1, 2]", result: "[1.0, 2]", expected: true),
    // Operators.
    MatcherCase(matcher: "{regex: '^ok'}", result: #""OK then""#, expected: true),
    MatcherCase(matcher: "{regex: '1'}", result: "1", expected: false),
    MatcherCase(matcher: "{in: [a, 2]}", result: "2.0", expected: true),
    MatcherCase(matcher: "{in: ['2']}", result: "2", expected: false),
    MatcherCase(matcher: "{gt: 1}", result: "1.5", expected: true),
    MatcherCase(matcher: "{gt: 1}", result: "1", expected: false),
    MatcherCase(matcher: "{gte: 1}", result: "1", expected: true),
    MatcherCase(matcher: "{lt: 1}", result: "0", expected: true),
    MatcherCase(matcher: "{lte: 1}", result: "2", expected: false),
    MatcherCase(matcher: "{gt: 0}", result: #""5""#, expected: false),
    MatcherCase(matcher: "{gte: 1, lte: 3}", result: "4", expected: false),
    MatcherCase(matcher: "{not: {in: [a]}}", result: #""b""#, expected: true),
    MatcherCase(matcher: "{exists: true}", result: "null", expected: true),
    // Paths: dotted, nested, array indices, digit keys on objects.
    MatcherCase(matcher: "{a.b: 1}", result: #"{"a": {"b": 1}}"#, expected: true),
    MatcherCase(matcher: "{a: {b: 1}}", result: #"{"a": {"b": 1}}"#, expected: true),
    MatcherCase(matcher: "{items.1.sku: B}", result: #"{"items": [{"sku": "A"}, {"sku": "B"}]}"#, expected: true),
    MatcherCase(matcher: "{items.2.sku: {exists: false}}", result: #"{"items": [{"sku": "A"}]}"#, expected: true),
    MatcherCase(matcher: "{codes.0: zero}", result: #"{"codes": {"0": "zero"}}"#, expected: true),
    MatcherCase(matcher: "{0.id: x}", result: #"[{"id": "x"}]"#, expected: true),
    MatcherCase(matcher: "{a.b: {exists: false}}", result: #"{"a": 5}"#, expected: true),
    MatcherCase(matcher: "{a: {b: {exists: false}}}", result: #"{}"#, expected: true),
    MatcherCase(matcher: "{a: {b: 1}}", result: #"{}"#, expected: false),
    MatcherCase(matcher: "{a: {not: {exists: true}}}", result: #"{}"#, expected: true),
    MatcherCase(matcher: "{a: null}", result: #"{"a": null}"#, expected: true),
    MatcherCase(matcher: "{a: null}", result: #"{}"#, expected: false),
    MatcherCase(matcher: "{a: {in: [null]}}", result: #"{}"#, expected: false),
]

@Suite("Matchers")
struct MatcherTests {
    @Test(arguments: matcherCases)
    func matcher(_ c: MatcherCase) throws {
        let events = #"{"type": "function", "name": "f", "result": \#(c.result)}"#
        #expect(try Support.check("{function: f, result: \(c.matcher)}", events) == (c.expected ? "true" : "false"))
    }

    @Test("a missing result fails every matcher but exists: false and not")
    func missing() throws {
        let events = #"{"type": "function", "name": "f"}"#
        #expect(try Support.check("{function: f, result: {exists: false}}", events) == "true")
        #expect(try Support.check("{function: f, result: {not: 1}}", events) == "true")
        #expect(try Support.check("{function: f, result: {exists: true}}", events) == "false")
        #expect(try Support.check("{function: f, result: {in: [null]}}", events) == "false")
    }

    @Test("a YAML null is an absent key: `result: null` and `value: null` constrain nothing")
    func nullIsAbsent() throws {
        let events = #"{"type": "function", "name": "f", "result": 3}, {"type": "metric", "name": "M", "value": 2}"#
        #expect(try Support.check("{function: f, result: null}", events) == "true")
        #expect(try Support.check("{metric: M, value: null}", events) == "true")
        #expect(try Support.check("{function: f, result: {in: [null]}}", events) == "false")
    }

    @Test("args is always a path mapping, even with operator-like keys")
    func argsArePaths() throws {
        let events = #"{"type": "function", "name": "search", "args": {"regex": "a+b", "gt": 3}}"#
        #expect(try Support.check("{function: search, args: {regex: 'a+b', gt: 3}}", events) == "true")
        #expect(try Support.check("{function: search, args: {regex: 'x'}}", events) == "false")
    }

    @Test("a metric event without value is missing; with null it is null")
    func metricValues() throws {
        let events = #"{"type": "metric", "name": "A"}, {"type": "metric", "name": "B", "value": null}"#
        #expect(try Support.check("{metric: A, value: {exists: false}}", events) == "true")
        #expect(try Support.check("{metric: B, value: {in: [null]}}", events) == "true")
        #expect(try Support.check("{metric: A, value: {in: [null]}}", events) == "false")
        #expect(try Support.check("{metric: B, value: {exists: true}}", events) == "true")
    }
}
