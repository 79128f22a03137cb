import Foundation

/// Reads a result line in one pass over its bytes, without a JSON tree, as the transcript
/// scanner does for conversations. Only the shape `verdict score` writes is read this way;
/// anything else (an error line, an unknown or repeated key, a number with a fraction where
/// an index belongs, invalid JSON) is handed to `ResultLine.parse`, the tree reading, which
/// defines what a line means and words every error. A differential test holds the two equal.
///
/// Lines of one run list the same metrics in the same order, so each metric name is compared
/// with the one at its position in the line before and that string reused: no string is made
/// for a name, and no set is built to find a repeated one, when the names are as before.
final class ResultLineScanner {
    /// Whether each result's `evidence` is read (the review page marks it); skipped, it is
    /// still checked as JSON, and the line reads as if it had none.
    let keepsEvidence: Bool
    private var previousNames: [String] = []
    /// Whether each previous name is written in JSON as its bytes alone (no character that
    /// needs an escape), so that equal bytes mean an equal name.
    private var previousPlain: [Bool] = []
    private static let statuses = MetricResult.Status.allCases.map(\.rawValue)
    private static let statusBytes = statuses.map { Array($0.utf8) }
    private static let topKeys: [[UInt8]] = ["id", "started_at", "metadata", "metrics", "flows", "functions", "logged"].map { Array($0.utf8) }
    private static let resultKeys: [[UInt8]] = ["status", "value", "triggered_at", "evidence", "error", "failed_items"].map { Array($0.utf8) }

    init(keepsEvidence: Bool = true) { self.keepsEvidence = keepsEvidence }

    func parse(_ bytes: [UInt8], source: String) -> Result<ResultLine, ResultLineError> {
        if let line = bytes.withUnsafeBufferPointer({ scan($0, source: source) }) { return .success(line) }
        var line = ResultLine.parse(bytes, source: source)
        if !keepsEvidence, case var .success(l) = line {
            for i in l.metrics.indices { l.metrics[i].outcome.evidence = [] }
            line = .success(l)
        }
        return line
    }

    private struct Fallback: Error {}

    /// The line, or nil when the tree reading must decide.
    func scan(_ bytes: UnsafeBufferPointer<UInt8>, source: String) -> ResultLine? {
        var p = JSONParser(bytes)
        var line = ResultLine(source: source, id: nil, startedAt: nil, metadata: nil, metrics: [], flows: [], functions: [], logged: [], error: nil)
        var seen = [Bool](repeating: false, count: ResultLineScanner.topKeys.count)
        do {
            p.skipWhitespace()
            guard p.position < bytes.count, bytes[p.position] == UInt8(ascii: "{"), try p.enterObject() else { return nil }
            repeat {
                try p.expectKey()
                guard let key = try p.readKey(among: ResultLineScanner.topKeys), !seen[key] else { return nil }
                seen[key] = true
                try p.skipColon()
                guard p.position < bytes.count else { return nil }
                let lead = bytes[p.position]
                switch key {
                case 0:
                    guard lead == UInt8(ascii: "\"") else { return nil }
                    line.id = try p.parseString()
                case 1:
                    guard lead == UInt8(ascii: "\"") else { return nil }
                    line.startedAt = try p.parseString()
                case 2:
                    let value = try p.parseValue()
                    line.metadata = value == .null ? nil : value
                case 3:
                    guard lead == UInt8(ascii: "{") else { return nil }
                    guard let metrics = try scanMetrics(&p) else { return nil }
                    line.metrics = metrics
                case 4, 5:
                    guard let strings = try scanStrings(&p) else { return nil }
                    if key == 4 { line.flows = strings } else { line.functions = strings }
                default:
                    guard lead == UInt8(ascii: "{") else { return nil }
                    guard let logged = try scanLogged(&p) else { return nil }
                    line.logged = logged
                }
            } while try !p.endOfMember(closing: UInt8(ascii: "}"))
            try p.expectEnd()
        } catch {
            return nil
        }
        guard line.id != nil, seen[3] else { return nil }
        return line
    }

    private func scanMetrics(_ p: inout JSONParser) throws(JSONSyntaxError) -> [(name: String, outcome: ResultLine.Outcome)]? {
        var metrics: [(name: String, outcome: ResultLine.Outcome)] = []
        metrics.reserveCapacity(previousNames.count)
        var asBefore = true
        if try p.enterObject() {
            repeat {
                try p.expectKey()
                let i = metrics.count
                let name: String
                if i < previousNames.count, previousPlain[i], p.keyEquals(previousNames[i]) {
                    name = previousNames[i]
                } else {
                    asBefore = false
                    name = try p.parseString()
                }
                try p.skipColon()
                guard p.position < p.bytes.count, p.bytes[p.position] == UInt8(ascii: "{"), let outcome = try scanOutcome(&p) else { return nil }
                metrics.append((name, outcome))
            } while try !p.endOfMember(closing: UInt8(ascii: "}"))
        }
        if !(asBefore && metrics.count == previousNames.count) {
            // New names: a repeated one is for the tree reading (its first place, last value).
            var unique = Set<ExactKey>()
            for m in metrics where !unique.insert(ExactKey(m.name)).inserted { return nil }
            previousNames = metrics.map(\.name)
            previousPlain = previousNames.map { $0.utf8.allSatisfy { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") } }
        }
        return metrics
    }

    private func scanOutcome(_ p: inout JSONParser) throws(JSONSyntaxError) -> ResultLine.Outcome? {
        var outcome = ResultLine.Outcome(status: "", value: nil, failedItems: nil)
        var hasStatus = false
        guard try p.enterObject() else { return nil }
        repeat {
            try p.expectKey()
            let key = try p.readKey(among: ResultLineScanner.resultKeys)
            try p.skipColon()
            guard p.position < p.bytes.count else { return nil }
            let lead = p.bytes[p.position]
            switch key {
            case 0?:
                guard lead == UInt8(ascii: "\"") else { return nil }
                if let k = try p.readKey(among: ResultLineScanner.statusBytes) {
                    outcome.status = ResultLineScanner.statuses[k]
                } else {
                    // Not one of Verdict's statuses: its text, as the tree reading keeps it.
                    return nil
                }
                hasStatus = true
            case 1?:
                let value = try p.parseValue()
                outcome.value = value == .null ? nil : value
            case 2?:
                if lead == UInt8(ascii: "n") {
                    try p.expectWord("null")
                    outcome.triggeredAt = nil
                } else {
                    guard let k = p.scanIndex() else { return nil }
                    outcome.triggeredAt = k
                }
            case 3?:
                if !keepsEvidence {
                    try p.skipValue()
                    continue
                }
                guard lead == UInt8(ascii: "["), let items = try scanIndices(&p) else { return nil }
                outcome.evidence = items
            case 4?:
                guard lead == UInt8(ascii: "\"") else { return nil }
                outcome.error = try p.parseString()
            case 5?:
                if lead == UInt8(ascii: "n") {
                    try p.expectWord("null")
                    outcome.failedItems = nil
                } else {
                    guard lead == UInt8(ascii: "["), let items = try scanIndices(&p), items.allSatisfy({ $0 < 1 << 31 }) else { return nil }
                    outcome.failedItems = items
                }
            default:
                try p.skipValue()
            }
        } while try !p.endOfMember(closing: UInt8(ascii: "}"))
        return hasStatus ? outcome : nil
    }

    /// An array of whole numbers written as plain digits; nil for anything else.
    private func scanIndices(_ p: inout JSONParser) throws(JSONSyntaxError) -> [Int]? {
        var out: [Int] = []
        guard try p.enterArray() else { return out }
        repeat {
            p.skipWhitespace()
            guard let k = p.scanIndex() else { return nil }
            out.append(k)
        } while try !p.endOfMember(closing: UInt8(ascii: "]"))
        return out
    }

    private func scanStrings(_ p: inout JSONParser) throws(JSONSyntaxError) -> [String]? {
        guard p.bytes[p.position] == UInt8(ascii: "[") else { return nil }
        var out: [String] = []
        guard try p.enterArray() else { return out }
        repeat {
            p.skipWhitespace()
            guard p.position < p.bytes.count, p.bytes[p.position] == UInt8(ascii: "\"") else { return nil }
            out.append(try p.parseString())
        } while try !p.endOfMember(closing: UInt8(ascii: "]"))
        return out
    }

    private func scanLogged(_ p: inout JSONParser) throws(JSONSyntaxError) -> [(name: String, value: JSONValue)]? {
        var out: [(name: String, value: JSONValue)] = []
        guard try p.enterObject() else { return out }
        repeat {
            try p.expectKey()
            let name = try p.parseString()
            // A repeated name keeps its first place and last value: the tree reading's to do.
            if out.contains(where: { $0.name.isExactly(name) }) { return nil }
            try p.skipColon()
            out.append((name, try p.parseValue()))
        } while try !p.endOfMember(closing: UInt8(ascii: "}"))
        return out
    }
}

extension JSONParser {
    /// At a string key: whether its bytes are exactly `name`'s, consuming it when they are;
    /// otherwise the position is left at the key. Only for a name with no character JSON
    /// escapes (quote, backslash, control characters), whose bytes then say the same.
    mutating func keyEquals(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { n -> Bool in
            let start = position + 1, end = start + n.count
            guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return false }
            if n.count > 0, memcmp(bytes.baseAddress! + start, n.baseAddress!, n.count) != 0 { return false }
            position = end + 1
            return true
        }
    }

    /// A whole number of plain digits (no sign, fraction, exponent or leading zero) of at most
    /// 2^53 (where reading it as a double, as the tree reading does, would round), consumed;
    /// nil otherwise, the position unchanged.
    mutating func scanIndex() -> Int? {
        var q = position, value = 0
        while q < bytes.count, bytes[q] >= 0x30, bytes[q] <= 0x39 {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int(bytes[q] - 0x30))
            guard !o1, !o2 else { return nil }
            value = s
            q += 1
        }
        let digits = q - position
        guard digits > 0, !(digits > 1 && bytes[position] == 0x30), value <= 1 << 53 else { return nil }
        if q < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[q]) { return nil }
        position = q
        return value
    }

    /// At an array's '[': enters it; false when it is empty (then read to its end).
    mutating func enterArray() throws(JSONSyntaxError) -> Bool {
        try enter()
        position += 1
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return false
        }
        return true
    }
}
