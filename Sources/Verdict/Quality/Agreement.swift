/// `verdict test --agreement`: how often, and where, the rules agree with the values people
/// wrote in the fixtures' `expect`. Each comparable expectation is one pair (expected, actual)
/// of outcomes as the output writes them: `true`/`false`, a label, a number, or a status name.
/// An actual value that meets the expectation (numbers within SPEC §7's tolerance) counts as
/// the expected text. For a number metric the confusion matrix and kappa compare kinds ("a
/// value" or a status), while accuracy and the disagreements compare the numbers too, and the
/// mean absolute error is given over the pairs where both sides are numbers.
public struct Agreement: Sendable {
    public struct LabelScores: Sendable, Equatable {
        public var label: String
        /// How many pairs expected it, and how many the rules gave.
        public var expected: Int
        public var actual: Int
        /// nil where the denominator is 0.
        public var precision: Double?
        public var recall: Double?
        public var f1: Double?
    }

    public struct Disagreement: Sendable, Equatable {
        public var expected: String
        public var actual: String
        public var ids: [String]
    }

    public struct MetricAgreement: Sendable {
        public var metric: String
        public var n: Int
        public var agreed: Int
        /// Rows and columns of `confusion`: the metric's own outcomes in rule order, then
        /// statuses, then any other value in byte order.
        public var classes: [String]
        /// `confusion[e][a]`: pairs expecting `classes[e]` that got `classes[a]`.
        public var confusion: [[Int]]
        public var labels: [LabelScores]
        /// Cohen's kappa; nil when chance agreement is certain (every pair in one class).
        public var kappa: Double?
        /// Grouped by (expected, actual), most frequent first, then in class order.
        public var disagreements: [Disagreement]
        /// Number metrics: the mean of |expected − actual| where both are numbers.
        public var meanAbsoluteError: Double?

        public var accuracy: Double { n == 0 ? 0 : Double(agreed) / Double(n) }
    }

    /// Metrics with at least one expectation, in rule order.
    public var metrics: [MetricAgreement]

    /// Compares `results` (one per fixture, from `FixtureSet.score`) with the fixtures' expectations.
    public static func measure(_ fixtures: FixtureSet, rules: RuleSet, results: [ConversationResult]) -> Agreement {
        var pairs = Array(repeating: [Pair](), count: rules.metrics.count)
        for e in fixtures.expectations(for: rules) {
            let actual = results[e.fixture].metrics[e.metric]
            var pair = Pair(expected: e.text, actual: Expectation.shown(actual, against: e.value), id: results[e.fixture].id)
            if rules.metrics[e.metric].isNumber {
                if case let .number(x, _) = e.value { pair.numbers.expected = x }
                if actual.status == .ok, case let .number(y)? = actual.value { pair.numbers.actual = y }
            }
            pairs[e.metric].append(pair)
        }
        var out: [MetricAgreement] = []
        for (m, metric) in rules.metrics.enumerated() where !pairs[m].isEmpty {
            out.append(measure(metric, pairs[m]))
        }
        return Agreement(metrics: out)
    }

    struct Pair {
        var expected: String
        var actual: String
        var id: String
        var numbers: (expected: Double?, actual: Double?) = (nil, nil)

        /// What the confusion matrix compares: the outcome, or for a number "a value".
        var kinds: (expected: String, actual: String) {
            (numbers.expected == nil ? expected : "a value", numbers.actual == nil ? actual : "a value")
        }
    }

    static func measure(_ metric: Metric, _ pairs: [Pair]) -> MetricAgreement {
        var known: [String]
        switch metric.body {
        case .boolean: known = ["true", "false"]
        case let .categorical(labels, otherwise): known = labels.map(\.label) + (otherwise.map { [$0] } ?? [])
        case .number: known = ["a value"]
        }
        known += MetricResult.Status.allCases.filter { $0 != .ok }.map(\.rawValue)
        let seen = Set(pairs.flatMap { [ExactKey($0.kinds.expected), ExactKey($0.kinds.actual)] })
        var classes: [String] = []
        var placed: Set<ExactKey> = []
        for c in known where seen.contains(ExactKey(c)) && placed.insert(ExactKey(c)).inserted { classes.append(c) }
        let rest = seen.filter { !placed.contains($0) }.map(\.string).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        classes += rest
        var position: [ExactKey: Int] = [:]
        for (i, c) in classes.enumerated() { position[ExactKey(c)] = i }

        let k = classes.count
        var confusion = Array(repeating: Array(repeating: 0, count: k), count: k)
        var grouped: [ExactKey: [ExactKey: [String]]] = [:]
        var agreed = 0
        var errors: [Double] = []
        for p in pairs {
            confusion[position[ExactKey(p.kinds.expected)]!][position[ExactKey(p.kinds.actual)]!] += 1
            if p.expected.isExactly(p.actual) { agreed += 1 } else { grouped[ExactKey(p.expected), default: [:]][ExactKey(p.actual), default: []].append(p.id) }
            if let x = p.numbers.expected, let y = p.numbers.actual { errors.append(abs(x - y)) }
        }
        let n = pairs.count
        let rows = confusion.map { $0.reduce(0, +) }
        let columns = (0..<k).map { a in confusion.reduce(0) { $0 + $1[a] } }
        let chance = (0..<k).reduce(0.0) { $0 + Double(rows[$1]) * Double(columns[$1]) } / (Double(n) * Double(n))
        let observed = Double(agreed) / Double(n)
        let kappa: Double? = chance >= 1 ? nil : (observed - chance) / (1 - chance)
        var labels: [LabelScores] = []
        for (c, name) in classes.enumerated() {
            let tp = Double(confusion[c][c])
            let precision = columns[c] == 0 ? nil : tp / Double(columns[c])
            let recall = rows[c] == 0 ? nil : tp / Double(rows[c])
            var f1: Double?
            if let precision, let recall { f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }
            labels.append(LabelScores(label: name, expected: rows[c], actual: columns[c], precision: precision, recall: recall, f1: f1))
        }
        // Most frequent first; ties in class order, then by the text's bytes (numbers).
        func rank(_ text: String) -> (Int, [UInt8]) { (position[ExactKey(text)] ?? k, Array(text.utf8)) }
        var disagreements: [Disagreement] = []
        for (e, row) in grouped { for (a, list) in row { disagreements.append(Disagreement(expected: e.string, actual: a.string, ids: list)) } }
        disagreements.sort { x, y in
            if x.ids.count != y.ids.count { return x.ids.count > y.ids.count }
            let (ex, ey) = (rank(x.expected), rank(y.expected))
            if ex.0 != ey.0 { return ex.0 < ey.0 }
            if ex.1 != ey.1 { return ex.1.lexicographicallyPrecedes(ey.1) }
            let (ax, ay) = (rank(x.actual), rank(y.actual))
            if ax.0 != ay.0 { return ax.0 < ay.0 }
            return ax.1.lexicographicallyPrecedes(ay.1)
        }
        return MetricAgreement(metric: metric.name, n: n, agreed: agreed, classes: classes, confusion: confusion, labels: labels,
                               kappa: kappa, disagreements: disagreements,
                               meanAbsoluteError: errors.isEmpty ? nil : errors.reduce(0, +) / Double(errors.count))
    }
}
