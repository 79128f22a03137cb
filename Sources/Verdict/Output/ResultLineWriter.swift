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

    /// Each metric's `"name":{"status":` (with the comma before all but the first), and the
    /// whole results that are the same every time, encoded once per run instead of once per
    /// conversation. All of them lie end to end in one byte array, each a range of it, so that
    /// writing one copies bytes and counts no reference.
    public struct MetricKeys: Sendable {
        let bytes: [UInt8]
        let prefixes: [Range<Int>]
        /// `not_applicable` and `inactive` results (no value, trigger or evidence), prefix included.
        let notApplicable: [Range<Int>]
        let inactive: [Range<Int>]
        /// The start of an `ok` boolean result up to its `triggered_at` value.
        let okTrue: [Range<Int>]
        let okFalse: [Range<Int>]
        /// The whole of the most common result of all, false from the first event on with no
        /// evidence (a metric whose words the call lacks).
        let okFalseFromStart: [Range<Int>]
        let metadata: MetadataSelection

        public init(_ names: [String], metadata: MetadataSelection = .all) {
            self.metadata = metadata
            var bytes: [UInt8] = []
            func add(_ piece: [UInt8]) -> Range<Int> {
                bytes += piece
                return (bytes.count - piece.count)..<bytes.count
            }
            let heads = names.enumerated().map { i, name in
                var w = JSONWriter()
                if i > 0 { w.raw(",") }
                w.string(name)
                w.raw(":{\"status\":")
                return w.bytes
            }
            prefixes = heads.map { add($0) }
            notApplicable = heads.map { add($0 + Array(#""not_applicable","value":null,"triggered_at":null,"evidence":[]}"#.utf8)) }
            inactive = heads.map { add($0 + Array(#""inactive","value":null,"triggered_at":null,"evidence":[]}"#.utf8)) }
            okTrue = heads.map { add($0 + Array(#""ok","value":true,"triggered_at":"#.utf8)) }
            okFalse = heads.map { add($0 + Array(#""ok","value":false,"triggered_at":"#.utf8)) }
            okFalseFromStart = heads.map { add($0 + Array(#""ok","value":false,"triggered_at":0,"evidence":[]}"#.utf8)) }
            self.bytes = bytes
        }
    }

    public var renderer: @Sendable (ScoredConversation) -> [UInt8] {
        { [keys] item in
            var w = JSONWriter(capacity: 128 + 96 * keys.prefixes.count)
            JSONLinesSink.encode(item, keys: keys, into: &w)
            w.append(0x0A)
            return w.take()
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
            keys.bytes.withUnsafeBufferPointer { keyBytes in
                // In place: copying a result would retain its evidence and strings.
                result.metrics.withUnsafeBufferPointer { metrics in
                    var i = 0
                    while i < metrics.count {
                        // Consecutive metrics false from the start (most of a large rule set's,
                        // on a call without their words) lie end to end in the key bytes: one copy.
                        if metrics[i].isFalseFromStart {
                            var end = i + 1
                            while end < metrics.count && metrics[end].isFalseFromStart { end += 1 }
                            w.raw(keyBytes, keys.okFalseFromStart[i].lowerBound..<keys.okFalseFromStart[end - 1].upperBound)
                            i = end
                            continue
                        }
                        encode(metrics.baseAddress! + i, i, keys, keyBytes, into: &w)
                        i += 1
                    }
                }
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

    /// Metric `i`'s result, its key included; a result false from the start is written by
    /// the caller, with its neighbours of the same kind.
    @inline(__always)
    private static func encode(_ result: UnsafePointer<MetricResult>, _ i: Int, _ keys: MetricKeys, _ keyBytes: UnsafeBufferPointer<UInt8>,
                               into w: inout JSONWriter) {
        if result.pointee.isBare {
            if result.pointee.status == .notApplicable {
                w.raw(keyBytes, keys.notApplicable[i])
                return
            }
            if result.pointee.status == .inactive {
                w.raw(keyBytes, keys.inactive[i])
                return
            }
        }
        if result.pointee.status == .ok, case let .bool(b)? = result.pointee.value {
            w.raw(keyBytes, b ? keys.okTrue[i] : keys.okFalse[i])
        } else {
            w.raw(keyBytes, keys.prefixes[i])
            switch result.pointee.status {
            case .ok: w.raw("\"ok\",\"value\":")
            default:
                w.string(result.pointee.status.rawValue)
                w.raw(",\"value\":")
            }
            switch result.pointee.value {
            case nil: w.raw("null")
            case let .bool(b)?: w.bool(b)
            case let .label(l)?: w.string(l)
            case let .number(d)?: w.raw(Array(JSONNumber.text(d).utf8))
            }
            w.raw(",\"triggered_at\":")
        }
        if let t = result.pointee.triggeredAt { w.int(t) } else { w.raw("null") }
        w.raw(",\"evidence\":")
        if let (first, second) = result.pointee.inlineEvidence {
            w.raw("[")
            w.int(first)
            if let second {
                w.raw(",")
                w.int(second)
            }
            w.raw("]")
        } else {
            w.intArray(result.pointee.evidence)
        }
        if let failed = result.pointee.failedItems {
            w.raw(",\"failed_items\":")
            w.intArray(failed)
        }
        if let e = result.pointee.error {
            w.raw(",\"error\":")
            w.string(e)
        }
        w.raw("}")
    }
}
