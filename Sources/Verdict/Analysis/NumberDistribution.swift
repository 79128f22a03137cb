import Foundation

/// The values of a number metric, summarised in bounded memory. Count, sum (so the mean),
/// minimum and maximum are always exact. Quantiles (median, p90, by the nearest-rank method:
/// the value at rank ⌈p/100 × n⌉ of the sorted values) and the histogram are exact while at
/// most `exactLimit` values have been seen; past that the values move into a log-bucket sketch
/// (as DDSketch does) whose quantiles are within 1% of the true value (relative error), and
/// `isExact` turns false.
struct NumberDistribution: Sendable {
    private(set) var count = 0
    private var sum = FiniteSum()
    private(set) var min = Double.infinity
    private(set) var max = -Double.infinity
    private var values: [Double] = []
    private var sketch: LogSketch?
    let exactLimit: Int
    /// Whether every value is a whole number (counts, turns): their histogram then has whole
    /// bins, so that no bar stands for 1.8 turns.
    private(set) var allWhole = true

    init(exactLimit: Int) { self.exactLimit = exactLimit }

    var isExact: Bool { sketch == nil }
    var mean: Double? { count > 0 ? Swift.min(max, Swift.max(min, sum.mean(count: count))) : nil }

    mutating func add(_ x: Double) {
        guard x.isFinite else { return }
        if allWhole && (x != x.rounded() || abs(x) >= 1e15) { allWhole = false }
        count += 1
        sum.add(x)
        min = Swift.min(min, x)
        max = Swift.max(max, x)
        if var s = sketch {
            sketch = nil
            s.add(x)
            sketch = s
            return
        }
        values.append(x)
        if values.count > exactLimit {
            var s = LogSketch()
            for v in values { s.add(v) }
            values = []
            sketch = s
        }
    }

    /// Adds `other`'s values (a cohort added into `(other)`): exactly while both are exact
    /// and the values fit, else through the sketch.
    mutating func merge(_ other: NumberDistribution) {
        if let otherSketch = other.sketch {
            var s = sketch ?? LogSketch()
            if sketch == nil { for v in values { s.add(v) } }
            values = []
            s.merge(otherSketch)
            sketch = s
            count += other.count
            sum.merge(other.sum)
            min = Swift.min(min, other.min)
            max = Swift.max(max, other.max)
            allWhole = allWhole && other.allWhole
            return
        }
        for v in other.values { add(v) }
        allWhole = allWhole && other.allWhole
    }

    /// The nearest-rank p-th percentile (0 < p ≤ 100); nil with no values.
    func percentile(_ p: Double) -> Double? {
        guard count > 0 else { return nil }
        if let sketch { return Swift.min(max, Swift.max(min, sketch.value(atRank: NumberDistribution.rank(p, of: count)))) }
        return NumberDistribution.nearestRank(values.sorted(), p)
    }

    /// The nearest rank of the p-th percentile among `count` values: ⌈p/100 × count⌉, at least 1.
    static func rank(_ p: Double, of count: Int) -> Int { Swift.max(1, Int((p / 100 * Double(count)).rounded(.up))) }

    /// The nearest-rank p-th percentile of values already sorted; nil when there are none.
    static func nearestRank(_ sorted: [Double], _ p: Double) -> Double? {
        sorted.isEmpty ? nil : sorted[rank(p, of: sorted.count) - 1]
    }

    /// `bins` equal-width bins from the minimum to the maximum: (lower bound, count). Values
    /// near the ends of the double range (a span such as 1e308 − (−1e308) that is itself not
    /// finite) still get finite bins and bounds.
    func histogram(bins requested: Int = 10) -> [(lower: Double, count: Int)] {
        guard count > 0 else { return [] }
        if allWhole && max > min { return wholeHistogram(bins: requested) }
        let bins = requested
        let spread = max > min
        var counts = [Int](repeating: 0, count: spread ? bins : 1)
        func bin(_ x: Double) -> Int {
            guard spread else { return 0 }
            let t = NumberDistribution.fraction(x, from: min, to: max)
            return Swift.min(bins - 1, Swift.max(0, Int(t * Double(bins))))
        }
        if let sketch {
            for (value, n) in sketch.buckets() { counts[bin(Swift.min(max, Swift.max(min, value)))] += n }
        } else {
            for v in values { counts[bin(v)] += 1 }
        }
        let width = (max - min) / Double(bins)
        return counts.enumerated().map { i, n in
            let k = Double(i)
            if width.isFinite { return (min + k * width, n) }
            // The span overflows: the bound as a weighted mean of the ends, finite by construction.
            return (min * (1 - k / Double(bins)) + max * (k / Double(bins)), n)
        }
    }

    /// Whole-number values in bins of a whole width: one bin per value when there are at most
    /// `bins` of them, else the smallest whole width that needs no more than `bins` bins.
    /// The width of `histogram`'s bins when the values are whole numbers (and differ).
    func wholeBinWidth(bins: Int = 10) -> Double? {
        guard count > 0, allWhole, max > min else { return nil }
        return ((max - min + 1) / Double(bins)).rounded(.up)
    }

    private func wholeHistogram(bins: Int) -> [(lower: Double, count: Int)] {
        let span = max - min + 1
        let width = wholeBinWidth(bins: bins)!
        let n = Int((span / width).rounded(.up))
        var counts = [Int](repeating: 0, count: n)
        func bin(_ x: Double) -> Int { Swift.min(n - 1, Swift.max(0, Int(((x - min) / width).rounded(.down)))) }
        if let sketch {
            for (value, k) in sketch.buckets() { counts[bin(Swift.min(max, Swift.max(min, value)).rounded())] += k }
        } else {
            for v in values { counts[bin(v)] += 1 }
        }
        return counts.enumerated().map { i, k in (min + Double(i) * width, k) }
    }

    /// Where x lies between low and high, from 0 to 1, computed on halves so that the span of
    /// two values near the ends of the double range does not overflow.
    static func fraction(_ x: Double, from low: Double, to high: Double) -> Double {
        guard high > low else { return 0 }
        let span = high - low
        let t = span.isFinite ? (x - low) / span : (x / 2 - low / 2) / (high / 2 - low / 2)
        return t.isFinite ? Swift.min(1, Swift.max(0, t)) : 0
    }
}

/// A sum of finite values whose mean stays finite when the sum itself would overflow: beside
/// the plain sum it keeps one scaled by 2^-64, which cannot overflow for fewer than 2^63 values.
struct FiniteSum: Sendable {
    private var plain = 0.0
    private var scaled = 0.0
    private static let scale = 0x1p-64, unscale = 0x1p64

    mutating func add(_ x: Double) {
        plain += x
        scaled += x * FiniteSum.scale
    }

    mutating func merge(_ other: FiniteSum) {
        plain += other.plain
        scaled += other.scaled
    }

    /// The mean of `count` values: the plain quotient while the sum is finite.
    func mean(count: Int) -> Double {
        guard count > 0 else { return 0 }
        if plain.isFinite { return plain / Double(count) }
        let m = scaled / Double(count) * FiniteSum.unscale
        return m.isFinite ? m : (m > 0 ? Double.greatestFiniteMagnitude : -Double.greatestFiniteMagnitude)
    }
}

/// A log-bucket quantile sketch with relative accuracy 1%: a value x > 0 falls in bucket
/// ⌈log_γ x⌉ with γ = 1.01 / 0.99, and the bucket's value estimate is within 1% of x.
struct LogSketch: Sendable {
    static let alpha = 0.01
    static let gamma = (1 + alpha) / (1 - alpha)
    private static let logGamma = Foundation.log(gamma)
    private var positive: [Int: Int] = [:]
    private var negative: [Int: Int] = [:]
    private var zeros = 0
    private(set) var count = 0

    mutating func add(_ x: Double) {
        count += 1
        if x == 0 || abs(x) < 1e-300 {
            zeros += 1
        } else if x > 0 {
            positive[LogSketch.index(x), default: 0] += 1
        } else {
            negative[LogSketch.index(-x), default: 0] += 1
        }
    }

    private static func index(_ x: Double) -> Int { Int((Foundation.log(x) / logGamma).rounded(.up)) }
    private static func estimate(_ i: Int) -> Double { 2 * Foundation.pow(gamma, Double(i)) / (gamma + 1) }

    mutating func merge(_ other: LogSketch) {
        count += other.count
        zeros += other.zeros
        for (k, v) in other.positive { positive[k, default: 0] += v }
        for (k, v) in other.negative { negative[k, default: 0] += v }
    }

    /// Every bucket's value estimate and count, in increasing value order.
    func buckets() -> [(Double, Int)] {
        var out: [(Double, Int)] = []
        for i in negative.keys.sorted(by: >) { out.append((-LogSketch.estimate(i), negative[i]!)) }
        if zeros > 0 { out.append((0, zeros)) }
        for i in positive.keys.sorted() { out.append((LogSketch.estimate(i), positive[i]!)) }
        return out
    }

    /// The estimate of the value at `rank` (from 1) of the sorted values.
    func value(atRank rank: Int) -> Double {
        var seen = 0
        for (value, n) in buckets() {
            seen += n
            if seen >= rank { return value }
        }
        return buckets().last?.0 ?? 0
    }
}
