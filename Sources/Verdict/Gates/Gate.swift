import Foundation

/// A release gate (`--require EXPR` of `report`, `compare` and `diff`): a figure of a metric
/// compared with a threshold, or a metric that must not have moved significantly.
///
///     rate(Booking: completed) >= 80%
///     share(Call: outcome = solved) > 0.5
///     delta(rate(Booking: completed)) >= -2%
///     not significant(Auth: outcome)
///
/// Figures: `rate(NAME)` (boolean, among ok results), `share(NAME = LABEL)` (categorical),
/// `applied(NAME)` (share of calls where the metric applied), `n(NAME)` (ok results), `mean`,
/// `median`, `p90` (number). `delta(FIGURE)` is candidate − base (`compare`) or new − old
/// (`diff`). NAME is the metric's name as written, spaces and colons included; in `share`, the
/// last ` = ` separates it from the label. A threshold is a number or a percentage (`80%` is
/// 0.8); the comparison is one of `>=`, `>`, `<=`, `<`, `==`.
public struct Gate: Sendable {
    public enum Figure: String, Sendable, CaseIterable {
        case rate, share, applied, n, mean, median, p90
    }

    public enum Comparison: String, Sendable {
        case atLeast = ">=", more = ">", atMost = "<=", less = "<", equal = "=="

        func holds(_ x: Double, _ threshold: Double) -> Bool {
            switch self {
            case .atLeast: return x >= threshold
            case .more: return x > threshold
            case .atMost: return x <= threshold
            case .less: return x < threshold
            case .equal: return x == threshold
            }
        }
    }

    public enum Kind: Sendable {
        /// `FIGURE(NAME) OP THRESHOLD`, or of its `delta`.
        case figure(Figure, metric: String, label: String?, delta: Bool, comparison: Comparison, threshold: Double, percent: Bool)
        case notSignificant(metric: String)
    }

    /// As written.
    public let text: String
    public let kind: Kind

    public var metric: String {
        switch kind {
        case let .figure(_, metric, _, _, _, _, _): return metric
        case let .notSignificant(metric): return metric
        }
    }

    /// Parses `text`; the message says what is wrong.
    public static func parse(_ text: String) -> Result<Gate, GateError> {
        let t = text.trimmingCharacters(in: .whitespaces)
        func fail(_ why: String) -> Result<Gate, GateError> { .failure(GateError(message: "--require '\(text)': \(why)")) }
        if t.hasPrefix("not significant(") {
            guard t.hasSuffix(")") else { return fail("'not significant(NAME)' ends with ')'") }
            let name = String(t.dropFirst("not significant(".count).dropLast())
            guard !name.isEmpty else { return fail("name a metric") }
            return .success(Gate(text: text, kind: .notSignificant(metric: name)))
        }
        // The threshold and comparison follow the last ')'.
        guard let close = t.lastIndex(of: ")") else {
            return fail("expected FIGURE(NAME) OP THRESHOLD, such as 'rate(Booking: completed) >= 80%', or 'not significant(NAME)'")
        }
        var call = String(t[...close])
        let rest = t[t.index(after: close)...].trimmingCharacters(in: .whitespaces)
        guard let op = [Comparison.atLeast, .atMost, .equal, .more, .less].first(where: { rest.hasPrefix($0.rawValue) }) else {
            return fail("expected one of >=, >, <=, <, == after '\(call)'")
        }
        var number = rest.dropFirst(op.rawValue.count).trimmingCharacters(in: .whitespaces)
        let percent = number.hasSuffix("%")
        if percent { number.removeLast() }
        guard var threshold = Double(number), threshold.isFinite else { return fail("'\(rest.dropFirst(op.rawValue.count).trimmingCharacters(in: .whitespaces))' is not a number or a percentage") }
        if percent { threshold /= 100 }
        var delta = false
        if call.hasPrefix("delta(") && call.hasSuffix("))") {
            delta = true
            call = String(call.dropFirst("delta(".count).dropLast())
        }
        guard let open = call.firstIndex(of: "("), let figure = Figure(rawValue: String(call[..<open])) else {
            return fail("unknown figure in '\(call)'; one of " + Figure.allCases.map { "\($0.rawValue)(NAME)" }.joined(separator: ", ") + ", and delta(...) of them")
        }
        var name = String(call[call.index(after: open)..<call.index(before: call.endIndex)])
        var label: String?
        if figure == .share {
            let separator = name.range(of: " = ", options: .backwards) ?? name.range(of: "=", options: .backwards)
            guard let separator else { return fail("share takes NAME = LABEL") }
            label = String(name[separator.upperBound...])
            name = String(name[..<separator.lowerBound])
        }
        guard !name.isEmpty else { return fail("name a metric") }
        return .success(Gate(text: text, kind: .figure(figure, metric: name, label: label, delta: delta, comparison: op,
                                                       threshold: threshold, percent: percent)))
    }
}

public struct GateError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// What a gate reads of one side: one metric's figures.
public struct GateFigures: Sendable {
    public var type: String
    public var rate: Double?
    /// The 95% interval of the rate, when there is one.
    public var interval: (low: Double, high: Double)?
    public var labels: [(label: String, share: Double?)]
    public var applied: Double?
    public var n: Int
    public var mean: Double?
    public var median: Double?
    public var p90: Double?

    func value(_ figure: Gate.Figure, label: String?) -> Double? {
        switch figure {
        case .rate: return rate
        case .share: return labels.first { $0.label.isExactly(label ?? "") }?.share ?? (n > 0 ? 0 : nil)
        case .applied: return applied
        case .n: return Double(n)
        case .mean: return mean
        case .median: return median
        case .p90: return p90
        }
    }
}

/// How a gate came out, with the value found (and its interval, where there is one).
public struct GateOutcome: Sendable {
    public var gate: Gate
    public var passed: Bool
    public var found: String
}

/// Where gates are evaluated: one side's figures per metric (`report`), or two (`compare`,
/// `diff`) with a significance per metric.
public struct GateContext: Sendable {
    /// The figures gates read (the candidate's, or NEW's), by metric name's bytes.
    var figures: [ExactKey: GateFigures]
    /// The base's (OLD's), for `delta`; nil in `report`.
    var base: [ExactKey: GateFigures]?
    /// Whether each metric moved significantly; nil in `report`.
    var significant: [ExactKey: Bool]?
    /// The difference's interval per boolean metric (`compare`'s; none for `diff`'s paired calls).
    var differenceInterval: [ExactKey: (low: Double, high: Double)] = [:]

    init(figures: [ExactKey: GateFigures], base: [ExactKey: GateFigures]? = nil, significant: [ExactKey: Bool]? = nil) {
        self.figures = figures
        self.base = base
        self.significant = significant
    }

    private func lookup(_ name: String, in table: [ExactKey: GateFigures]) -> GateFigures? { table[ExactKey(name)] }

    /// Checks that every gate names metrics, labels and figures this context has; the messages
    /// of those that do not ("did you mean").
    public func problems(_ gates: [Gate]) -> [String] {
        var out: [String] = []
        let names = figures.keys.map(\.string)
        for gate in gates {
            guard let f = lookup(gate.metric, in: figures) else {
                out.append("--require '\(gate.text)': " + Suggestion.noSuch("metric named", gate.metric, in: "the results", among: names))
                continue
            }
            switch gate.kind {
            case .notSignificant:
                if significant == nil { out.append("--require '\(gate.text)': 'not significant' needs two sides (compare or diff)") }
            case let .figure(figure, _, label, delta, _, _, _):
                if delta && base == nil { out.append("--require '\(gate.text)': 'delta' needs two sides (compare or diff)") }
                let wanted: [Gate.Figure: String] = [.rate: "boolean", .share: "categorical", .mean: "number", .median: "number", .p90: "number"]
                if let type = wanted[figure], f.type != type {
                    out.append("--require '\(gate.text)': \(figure.rawValue) is for \(type) metrics; '\(gate.metric)' is \(f.type)")
                } else if figure == .share, let label, !f.labels.contains(where: { $0.label.isExactly(label) }) {
                    out.append("--require '\(gate.text)': " + Suggestion.noSuch("label", label, in: "'\(gate.metric)'", among: f.labels.map(\.label), listed: 20))
                }
            }
        }
        return out
    }

    /// Each gate's outcome; call `problems` first. A figure with no value fails its gate.
    public func evaluate(_ gates: [Gate]) -> [GateOutcome] {
        gates.map { gate in
            switch gate.kind {
            case let .notSignificant(metric):
                let moved = significant?[ExactKey(metric)] ?? false
                return GateOutcome(gate: gate, passed: !moved, found: moved ? "significant" : "not significant")
            case let .figure(figure, metric, label, delta, comparison, threshold, percent):
                let after = lookup(metric, in: figures)?.value(figure, label: label)
                var value = after
                if delta { value = after.flatMap { a in base.flatMap { lookup(metric, in: $0) }?.value(figure, label: label).map { a - $0 } } }
                guard let value else { return GateOutcome(gate: gate, passed: false, found: "no value") }
                func shown(_ x: Double) -> String { percent ? NumberText.decimal(x * 100, places: 2) + "%" : NumberText.decimal(x, places: 4) }
                var found = shown(value)
                if figure == .rate {
                    let interval = delta ? differenceInterval[ExactKey(metric)] : lookup(metric, in: figures)?.interval
                    if let interval { found += " [\(shown(interval.low)), \(shown(interval.high))]" }
                }
                return GateOutcome(gate: gate, passed: comparison.holds(value, threshold), found: found)
            }
        }
    }
}
