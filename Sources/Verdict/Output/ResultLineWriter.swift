/// Writes result lines; `ResultLine.swift` and `ResultLineScanner.swift` beside it read them back.

/// `verdict score` JSON Lines (SPEC §6).
public struct JSONLinesSink: ResultSink {
    private let output: ByteOutput
    private let keys: MetricKeys

    /// `metadata`: what each line keeps of its conversation's `metadata` (SPEC 1.2 §6).
    public init(rules: RuleSet, output: ByteOutput, metadata: MetadataSelection = .all) {
        self.output = output
        keys = MetricKeys(rules.metrics.map(\.name), metadata: metadata)
    }

    public var writesMetadata: Bool { keys.metadata != .none }

    /// Each metric's `"name":{"status":` (with the comma before all but the first), encoded
    /// once per run instead of once per conversation.
    public struct MetricKeys: Sendable {
        let prefixes: [[UInt8]]
        /// Whole results that are the same every time, prefix included: `not_applicable` and
        /// `inactive` (no value, trigger or evidence).
        let notApplicable: [[UInt8]]
        let inactive: [[UInt8]]
        /// The start of an `ok` boolean result up to its `triggered_at` value.
        let okTrue: [[UInt8]]
        let okFalse: [[UInt8]]
        let metadata: MetadataSelection

        public init(_ names: [String], metadata: MetadataSelection = .all) {
            self.metadata = metadata
            prefixes = names.enumerated().map { i, name in
                var w = JSONWriter()
                if i > 0 { w.raw(",") }
                w.string(name)
                w.raw(":{\"status\":")
                return w.bytes
            }
            notApplicable = prefixes.map { $0 + Array(#""not_applicable","value":null,"triggered_at":null,"evidence":[]}"#.utf8) }
            inactive = prefixes.map { $0 + Array(#""inactive","value":null,"triggered_at":null,"evidence":[]}"#.utf8) }
            okTrue = prefixes.map { $0 + Array(#""ok","value":true,"triggered_at":"#.utf8) }
            okFalse = prefixes.map { $0 + Array(#""ok","value":false,"triggered_at":"#.utf8) }
        }
    }

    public var renderer: @Sendable (ScoredConversation) -> [UInt8] {
        { [keys] item in
            var w = JSONWriter(capacity: 128 + 96 * keys.prefixes.count)
            JSONLinesSink.encode(item, keys: keys, into: &w)
            w.bytes.append(0x0A)
            return w.bytes
        }
    }

    public mutating func write(_ line: [UInt8]) {
        output.write(line)
    }

    public mutating func finish() throws { try output.flush() }

    public mutating func inputStalled() { output.sendBuffered() }

    public static func encode(_ item: ScoredConversation, metricNames: [String], into w: inout JSONWriter) {
        encode(item, keys: MetricKeys(metricNames), into: &w)
    }

    public static func encode(_ item: ScoredConversation, keys: MetricKeys, into w: inout JSONWriter) {
        switch item.result {
        case let .failure(unreadable):
            w.raw("{\"source\":")
            w.string(item.source)
            w.raw(",\"id\":")
            if let id = unreadable.id { w.string(id) } else { w.raw("null") }
            w.raw(",\"error\":")
            w.string(unreadable.message)
            w.raw("}")
        case let .success(result):
            w.raw("{\"id\":")
            w.string(result.id)
            if let started = result.startedAt {
                w.raw(",\"started_at\":")
                w.string(started.text)
            }
            if let metadata = keys.metadata.kept(result.metadata) {
                // As read: keys in input order, numbers with their literal (SPEC 1.2 §6).
                w.raw(",\"metadata\":")
                w.value(metadata)
            }
            w.raw(",\"metrics\":{")
            for i in result.metrics.indices {
                let m = result.metrics[i]
                if m.error == nil && m.failedItems == nil && m.value == nil && m.triggeredAt == nil && m.evidence.isEmpty {
                    if m.status == .notApplicable {
                        w.raw(keys.notApplicable[i])
                        continue
                    }
                    if m.status == .inactive {
                        w.raw(keys.inactive[i])
                        continue
                    }
                }
                if m.status == .ok, case let .bool(b)? = m.value {
                    w.raw(b ? keys.okTrue[i] : keys.okFalse[i])
                } else {
                    w.raw(keys.prefixes[i])
                    switch m.status {
                    case .ok: w.raw("\"ok\",\"value\":")
                    default:
                        w.string(m.status.rawValue)
                        w.raw(",\"value\":")
                    }
                    switch m.value {
                    case nil: w.raw("null")
                    case let .bool(b)?: w.bool(b)
                    case let .label(l)?: w.string(l)
                    case let .number(d)?: w.raw(Array(JSONNumber.text(d).utf8))
                    }
                    w.raw(",\"triggered_at\":")
                }
                if let t = m.triggeredAt { w.int(t) } else { w.raw("null") }
                w.raw(",\"evidence\":")
                w.intArray(m.evidence)
                if let failed = m.failedItems {
                    w.raw(",\"failed_items\":")
                    w.intArray(failed)
                }
                if let e = m.error {
                    w.raw(",\"error\":")
                    w.string(e)
                }
                w.raw("}")
            }
            w.raw("},\"flows\":")
            w.stringArray(result.flows)
            w.raw(",\"functions\":")
            w.stringArray(result.functions)
            w.raw(",\"logged\":{")
            for (i, entry) in result.logged.enumerated() {
                if i > 0 { w.raw(",") }
                w.string(entry.name)
                w.raw(":")
                if entry.values.count == 1 { w.value(entry.values[0]) } else { w.value(.array(entry.values)) }
            }
            w.raw("}}")
        }
    }
}
