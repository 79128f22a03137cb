import Foundation
import Testing
@testable import Verdict

@Suite("Review and the HTML report")
struct ReviewTests {
    static let results = Support.root.appendingPathComponent("Tests/Golden/inputs/before.jsonl").path

    @Test("every metric and outcome is sampled exactly as `verdict sample` draws it")
    func sameSampleAsSample() {
        for (size, seed) in [(3, UInt64(1)), (50, UInt64(7))] {
            let review = ReviewSample.draw(results: [Self.results], perOutcome: size, seed: seed)
            #expect(review.total == 74)
            #expect(review.metrics.count == 15)
            for m in review.metrics {
                for g in m.groups {
                    let outcome: ResultSample.Target = g.isStatus ? .status(g.outcome) : .value(g.outcome)
                    let sample = ResultSample.draw(results: [Self.results], metric: m.name, outcome: outcome, size: size, seed: seed)
                    #expect(g.members.map { review.lines[$0].id! } == sample.ids, "\(m.name) / \(g.outcome)")
                    #expect(g.count == sample.matching)
                }
                // Values first in order of appearance, then statuses in their fixed order.
                let statuses = m.groups.filter(\.isStatus).map(\.outcome)
                let order = MetricResult.Status.allCases.map(\.rawValue)
                #expect(statuses == order.filter { statuses.contains($0) })
            }
        }
    }

    @Test("the page embeds the sample and the transcripts as JSON that no text can break out of")
    func pageEscapes() throws {
        let rules = try Support.rules(Support.greetedRules)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-review-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let calls = dir.appendingPathComponent("calls.jsonl")
        let hostile = #"{"id":"</script><b>x","events":[{"type":"agent","text":"hello </script><script>alert(1)</script> & <!--"}]}"#
        try (hostile + "\n" + Support.greeting + "\n").write(to: calls, atomically: true, encoding: .utf8)
        let results = dir.appendingPathComponent("results.jsonl")
        let output = try ByteOutput.file(results.path)
        var sink = JSONLinesSink(rules: rules, output: output)
        _ = Scorer(rules: rules, jobs: 1).run(inputs: [calls.path], into: &sink)
        try sink.finish()
        try output.commit()
        let sample = ReviewSample.draw(results: [results.path], perOutcome: 5, seed: 1)
        let pagePath = dir.appendingPathComponent("review.html")
        let pageOutput = try ByteOutput.file(pagePath.path)
        let built = ReviewPage.write(sample, conversations: InputReader(inputs: [calls.path]), rules: rules, perOutcome: 5, seed: 1, to: pageOutput)
        try pageOutput.commit()
        #expect(built.missing.isEmpty)
        let page = (html: try String(contentsOf: pagePath, encoding: .utf8), missing: built.missing)
        // One </script> closes the data and one closes the page's script: none from the transcript.
        #expect(page.html.components(separatedBy: "</script>").count - 1 == 2)
        #expect(page.html.contains(#"\u003c/script>\u003cscript>alert(1)\u003c/script>"#))
        // The data is JSON with every sampled call.
        let start = try #require(page.html.range(of: "id=\"review-data\">"))
        let end = try #require(page.html.range(of: "</script>", range: start.upperBound..<page.html.endIndex))
        let data = try JSONParser.parse(String(page.html[start.upperBound..<end.lowerBound]))
        guard case let .object(o) = data, case let .object(conversations)? = o["conversations"] else {
            Issue.record("no conversations in the data")
            return
        }
        #expect(conversations.pairs.map(\.key).sorted() == ["</script><b>x", "a"])
        // Test hooks the browser test relies on.
        for hook in ["data-conversation-id", "data-event-index", "data-evidence", "data-trigger"] { #expect(page.html.contains(hook)) }
    }

    @Test("the same results, transcripts, rules and seed give the same page, byte for byte")
    func deterministic() throws {
        let rules = try RuleLoader.load(paths: [Support.root.appendingPathComponent("rules").path])
        func page() throws -> [UInt8] {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-review-\(UUID().uuidString).html").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let out = try ByteOutput.file(path)
            let sample = ReviewSample.draw(results: [Self.results], perOutcome: 4, seed: 9)
            _ = ReviewPage.write(sample, conversations: InputReader(inputs: [Support.root.appendingPathComponent("fixtures").path]),
                                 rules: rules, perOutcome: 4, seed: 9, to: out)
            try out.commit()
            return Array(FileManager.default.contents(atPath: path)!)
        }
        let first = try page()
        #expect(first.count > 10_000)
        #expect(try page() == first)
    }

    @Test("a sampled call missing from the transcripts is reported")
    func missingTranscripts() throws {
        let sample = ReviewSample.draw(results: [Self.results], perOutcome: 2, seed: 1)
        let page = ReviewPage.write(sample, conversations: InputReader(inputs: []), rules: nil, perOutcome: 2, seed: 1,
                                    to: ByteOutput(fd: open("/dev/null", O_WRONLY)))
        #expect(Set(page.missing) == Set(sample.lines.map { $0.id! }))
    }

    @Test("report links: every bar, label, status and failing item into the review, names percent-encoded")
    func reportLinks() throws {
        let rules = try RuleLoader.load(paths: [Support.root.appendingPathComponent("rules").path])
        let builder = ReportBuilder(rules: rules, period: .day)
        let lines = ResultLines(inputs: [Self.results])
        while let next = lines.next() { if case let .success(line) = next { builder.add(line) } }
        let report = builder.finish()
        let html = report.rendered(.html, review: "review page.html")
        #expect(html.contains(#"<a href="review%20page.html#metric=Booking%3A%20completed&amp;outcome=false""#))
        #expect(html.contains(#"#metric=Handoff%3A%20destination&amp;outcome=front%20desk""#))
        #expect(html.contains(#"#metric=Booking%3A%20completed&amp;status=not_applicable""#))
        #expect(!report.rendered(.html).contains("#metric="))
        // Failing items in words, the rule as written on hover.
        #expect(html.contains(#"title="sequence function create_booking → agent says a phrase of confirmation within 2 turns""#))
        #expect(html.contains("create_booking was called, then the agent said a phrase of confirmation, within 2 turns"))
    }

    @Test("trend periods are placed by their dates: days, and ISO weeks from their Monday")
    func periodDays() {
        #expect(ReportHTML.day(of: "1970-01-01") == 0)
        #expect(ReportHTML.day(of: "2026-03-21")! - ReportHTML.day(of: "2026-03-10")! == 11)
        // 2026-W01 starts on Monday 2025-12-29; 2026-W11 ten weeks later.
        #expect(ReportHTML.day(of: "2026-W01") == ReportHTML.day(of: "2025-12-29"))
        #expect(ReportHTML.day(of: "2026-W11")! - ReportHTML.day(of: "2026-W01")! == 70)
        #expect(ReportHTML.day(of: "2020-W53") == ReportHTML.day(of: "2020-12-28"))
    }

    @Test("conditions in words: alternatives of a plain pattern listed, anything else quoted as written")
    func words() throws {
        #expect(Leaf.phrases(#"\b(confirmed|booked|all set)\b"#) == "“confirmed”, “booked” or “all set”")
        #expect(Leaf.phrases(#"\b(post ?code|zip)\b"#) == "“post code” or “zip”")
        #expect(Leaf.phrases("refund") == "“refund”")
        #expect(Leaf.phrases(#"\d{4}"#) == #"'\d{4}'"#)
        let rules = try Support.rules("""
        metrics:
          - name: M
            type: boolean
            definition: d
            when:
              all:
                - {function: take_payment, failed: false, result: {approved: true}}
                - {agent: 'card number', in_flow: Payment, count: {at_most: 2}}
                - {sequence: [{user: 'book'}, {agent: 'booked'}], within_turns: 1}
        """)
        guard case let .boolean(c) = rules.metrics[0].body else { return }
        #expect(c.words == "all of: take_payment was called and returned {approved: true} without failing; "
                + "the agent said “card number” in the Payment flow 0 to 2 times; "
                + "the caller said “book”, then the agent said “booked”, within 1 turn")
    }

    @Test("the rule schema names every key the loader knows, and init writes it beside the rules")
    func schema() throws {
        let text = RuleSchema.json
        let parsed = try JSONParser.parse(text)
        guard case let .object(o) = parsed else { Issue.record("not an object"); return }
        #expect(o["$schema"] == .string("https://json-schema.org/draft/2020-12/schema"))
        for key in RuleKeys.top + RuleKeys.metric + RuleKeys.condition + RuleKeys.label + RuleKeys.count + ValueExpression.keys + ["enter_when", "path", "file"] {
            #expect(text.contains("\"\(key)\":"), "the schema does not name '\(key)'")
        }
        let starter = Starter.files
        #expect(starter.first { $0.path == "rules/verdict.schema.json" }?.contents == text)
        #expect(starter.first { $0.path == "rules/refunds.yaml" }?.contents.hasPrefix("# yaml-language-server: $schema=verdict.schema.json\n") == true)
    }
}
