import Foundation
import Testing
@testable import Verdict

/// Collects rendered lines in memory, in the order the scorer hands them over.
private struct Collect: ResultSink {
    var lines: [String] = []
    let metricNames: [String]

    var renderer: @Sendable (ScoredConversation) -> String {
        { [metricNames] item in
            var w = JSONWriter()
            JSONLinesSink.encode(item, metricNames: metricNames, into: &w)
            return String(decoding: w.bytes, as: UTF8.self)
        }
    }

    mutating func write(_ line: String) { lines.append(line) }
    mutating func finish() throws {}
}

@Suite("Parallel scorer", .serialized)
struct ScorerTests {
    /// In-process, so that `swift test --sanitize=thread` watches the worker threads themselves.
    @Test("many threads, small batches: every conversation once, in input order, as with one thread")
    func parallelMatchesSequential() throws {
        let rules = try Support.rules("""
        flows:
          Booking: {enter_when: {function: check_availability}}
        metrics:
          - name: Booked
            type: boolean
            definition: d
            applies_when: {flow: Booking}
            when: {function: create_booking, result: {status: confirmed}}
          - name: Tone
            type: categorical
            definition: 'polite: thanks. curt: otherwise.'
            labels: [{label: polite, when: {said: 'thank(s| you)'}}]
            otherwise: curt
        """)
        let lines = (0..<3000).map { i -> String in
            let booked = i % 3 == 0 ? #",{"type":"function","name":"create_booking","result":{"status":"confirmed"}}"# : ""
            let thanks = i % 5 == 0 ? "thank you" : "ok"
            let broken = i % 97 == 0 ? "{" : ""
            return broken + #"{"id":"c\#(i)","events":[{"type":"user","text":"\#(thanks)"},{"type":"function","name":"check_availability"}\#(booked)]}"#
        }
        let dir = try CLI.folder(["calls.jsonl": lines.joined(separator: "\n")])
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("calls.jsonl").path
        func run(jobs: Int, batchSize: Int) -> ([String], Scorer.Summary) {
            var scorer = Scorer(rules: rules, jobs: jobs)
            scorer.batchSize = batchSize
            var sink = Collect(metricNames: rules.metrics.map(\.name))
            let summary = scorer.run(inputs: [input], into: &sink)
            return (sink.lines, summary)
        }
        let (one, oneSummary) = run(jobs: 1, batchSize: 256)
        let (many, manySummary) = run(jobs: 4, batchSize: 7)
        #expect(one.count == 3000)
        #expect(oneSummary.unreadable == 31)
        #expect(one == many)
        #expect(oneSummary == manySummary)
        #expect(one[3].hasPrefix(#"{"id":"c3","metrics":{"Booked":{"status":"ok","value":true"#))
        #expect(one[4].hasPrefix(#"{"id":"c4","metrics":{"Booked":{"status":"ok","value":false"#))
    }
}

@Suite("Duplicate ids")
struct DuplicateFinderTests {
    @Test("exact, in order of second occurrence, the same with and without spilling to disk", arguments: [1_000_000, 7, 1])
    func duplicates(budget: Int) {
        var rng = SeededGenerator(state: 99)
        var ids: [String] = []
        for i in 0..<5_000 {
            // Some ids repeat, some three times; long ids live outside the inline string.
            ids.append(Int.random(in: 0..<10, using: &rng) == 0 ? "id-\(Int.random(in: 0..<300, using: &rng))" : "unique-conversation-\(i)")
        }
        let finder = DuplicateFinder(budget: budget)
        for id in ids { finder.add(id) }
        var seen = Set<String>(), reported = Set<String>(), expected: [String] = []
        for id in ids where !seen.insert(id).inserted && reported.insert(id).inserted { expected.append(id) }
        #expect(expected.count > 50)
        #expect(finder.duplicates() == expected)
    }
}
