/// `verdict review`: one self-contained HTML page (inline CSS and JavaScript, no network)
/// for browsing conversations by metric outcome. The sample (`ReviewSample`) and every sampled
/// conversation's timeline, results and, with rules, explanation are embedded as JSON; the
/// page's script renders them. Everything from transcripts reaches the page as JSON text and
/// is put on screen with `textContent`, never as markup.
public enum ReviewPage {
    public struct Built: Sendable {
        /// Sampled ids that no conversation input holds.
        public var missing: [String]
        /// Records of the conversation inputs that could not be read.
        public var unreadable: [String]
    }

    /// Writes the page for `sample` to `output`, with transcripts from `conversations` (read
    /// once, keeping only the sampled ones) and, when given, `rules` for the condition trees.
    /// A call's condition trees are kept for the metrics it was sampled under (a call opened
    /// from another metric shows that metric's marks, and points to `verdict explain`), so the
    /// page stays near the size of its timelines.
    public static func write(_ sample: ReviewSample, conversations: some RecordSource, rules: RuleSet?,
                             perOutcome: Int, seed: UInt64, to output: ByteOutput) -> Built {
        // Ids are compared by their bytes: 'café' in NFC is another call than 'café' in NFD.
        var wanted: [ExactKey: Int] = [:]
        for (i, line) in sample.lines.enumerated() where wanted[ExactKey(line.id!)] == nil { wanted[ExactKey(line.id!)] = i }
        var sampledUnder: [Int: [String]] = [:]
        for m in sample.metrics {
            for g in m.groups {
                for i in g.members where !(sampledUnder[i]?.contains(where: { $0.isExactly(m.name) }) ?? false) { sampledUnder[i, default: []].append(m.name) }
            }
        }
        // A call listed twice in the results is kept once, under its first line.
        for (i, line) in sample.lines.enumerated() where wanted[ExactKey(line.id!)] != i {
            let first = wanted[ExactKey(line.id!)]!
            sampledUnder[first, default: []] += sampledUnder[i] ?? []
        }
        var explained: [Int: String] = [:]
        var unreadable: [String] = []
        let evaluator = Evaluator(rules: rules ?? RuleSet())
        while !wanted.isEmpty, let next = conversations.next() {
            // Most conversations are not in the sample: their id is read without decoding them.
            if case let .json(bytes) = next.payload,
               let id = bytes.withUnsafeBufferPointer({ ConversationScanner.id(in: $0) }), wanted[ExactKey(id)] == nil { continue }
            let raw = next.resolved()
            switch raw.decoded() {
            case nil:
                if case let .unreadable(message) = raw.payload { unreadable.append("\(raw.source): \(message)") }
            case let .failure(problem)?:
                if let id = problem.id, wanted[ExactKey(id)] == nil { continue }
                unreadable.append("\(raw.source): \(problem.message)")
            case let .success((conversation, _))?:
                guard let i = wanted.removeValue(forKey: ExactKey(conversation.id)) else { continue }
                explained[i] = Explanation.build(conversation, evaluator: evaluator, only: rules == nil ? [] : sampledUnder[i] ?? [])
                    .rendered(.json)
            }
        }
        let missing = sample.lines.compactMap { line -> String? in wanted[ExactKey(line.id!)] != nil ? line.id : nil }
        // The data is written piece by piece, one call at a time, so the page is never whole
        // in memory.
        output.write(ReviewAssets.head + "<script type=\"application/json\" id=\"review-data\">")
        var w = JSONWriter()
        w.object { o in
            o.add("total", sample.total)
            o.add("per_outcome", perOutcome)
            o.add("seed") { $0.raw(Array(String(seed).utf8)) }
            o.add("rules", rules != nil)
            o.add("metrics") { w in
                w.array(sample.metrics) { w, m in
                    w.object { o in
                        o.add("name", m.name)
                        if let definition = rules?.metric(named: m.name)?.definition, !definition.isEmpty {
                            o.add("definition", definition)
                        }
                        o.add("outcomes") { w in
                            w.array(m.groups) { w, g in
                                w.object { o in
                                    o.add("outcome", g.outcome)
                                    o.add("status", g.isStatus)
                                    o.add("count", g.count)
                                    o.add("ids", strings: g.members.map { sample.lines[$0].id! })
                                }
                            }
                        }
                    }
                }
            }
        }
        // `{"total":…,"metrics":[…]}` becomes `{"total":…,"metrics":[…],"conversations":{`.
        w.bytes.removeLast()
        w.raw(",\"conversations\":{")
        output.write(scriptSafe(w.bytes))
        var seen: Set<ExactKey> = []
        for (i, line) in sample.lines.enumerated() where seen.insert(ExactKey(line.id!)).inserted {
            // A member of "conversations": the id, then the call.
            var c = JSONWriter()
            if seen.count > 1 { c.raw(",") }
            c.string(line.id!)
            c.raw(":")
            c.object { o in
                o.add("source", line.source)
                o.add("results") { w in
                    w.object { o in
                        for (name, r) in line.metrics {
                            o.add(key: name) { w in
                                w.object { o in
                                    o.add("status", r.status)
                                    o.add("value") { w in w.value(r.value ?? .null) }
                                    o.add("display", r.display)
                                    o.add("triggered_at", number: r.triggeredAt.map(String.init))
                                    o.add("evidence") { $0.intArray(r.evidence) }
                                    if let e = r.error { o.add("error", e) }
                                }
                            }
                        }
                    }
                }
                o.add("sampled_under", strings: sampledUnder[i] ?? [])
                o.add("explain") { w in
                    if let text = explained.removeValue(forKey: i) { w.raw(Array(text.utf8)) } else { w.raw("null") }
                }
            }
            output.write(scriptSafe(c.bytes))
        }
        output.write("}}</script>\n" + ReviewAssets.tail)
        return Built(missing: missing, unreadable: unreadable)
    }

    /// Inside <script>, only "</" could end the element early; "<" appears in JSON only inside
    /// strings, where \u003c reads the same.
    static func scriptSafe(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for b in bytes {
            if b == UInt8(ascii: "<") { out.append(contentsOf: Array("\\u003c".utf8)) } else { out.append(b) }
        }
        return out
    }
}
