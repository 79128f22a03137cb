import Foundation

/// The tests and intervals `compare` and `diff` report, computed here, deterministically, with
/// no dependency; each is checked against SciPy in CI (`scripts/stats-check.sh`).
/// - `wilson`: the Wilson score interval of one proportion (95%).
/// - `newcombe`: the hybrid score interval of a difference of two proportions (Newcombe 1998,
///   method 10), built from the two Wilson intervals.
/// - `fisherExact`: Fisher's exact test, two-sided, conditional on the margins: the sum of the
///   probabilities of the tables at most as probable as the observed one (relative tolerance
///   1e-7, as R and SciPy count ties).
/// - `chiSquare`: Pearson's test of independence on a 2 × L table, no continuity correction.
/// - `mannWhitney`: the two-sided Mann–Whitney U test, normal approximation with tie and
///   continuity correction (SciPy's `method="asymptotic", use_continuity=True`).
/// - `binomialHalf`: the exact two-sided binomial test at ½ (McNemar's exact test on the
///   discordant pairs; the sign test on nonzero paired differences).
/// - `holm`: Holm–Bonferroni adjusted p-values.
public enum Statistics {
    /// The 0.975 quantile of the standard normal distribution.
    static let z95 = 1.959963984540054

    /// The 95% Wilson score interval for `successes` out of `n`; nil when n is 0.
    public static func wilson(_ successes: Int, _ n: Int) -> (low: Double, high: Double)? {
        guard n > 0 else { return nil }
        let z = z95, p = Double(successes) / Double(n), nn = Double(n)
        let denominator = 1 + z * z / nn
        let center = (p + z * z / (2 * nn)) / denominator
        let half = z * (p * (1 - p) / nn + z * z / (4 * nn * nn)).squareRoot() / denominator
        return (max(0, center - half), min(1, center + half))
    }

    /// The 95% interval of p1 − p2 (x1 of n1 against x2 of n2) by Newcombe's hybrid score
    /// method; nil when either side has no trial.
    public static func newcombe(_ x1: Int, _ n1: Int, _ x2: Int, _ n2: Int) -> (low: Double, high: Double)? {
        guard let (l1, u1) = wilson(x1, n1), let (l2, u2) = wilson(x2, n2) else { return nil }
        let p1 = Double(x1) / Double(n1), p2 = Double(x2) / Double(n2), d = p1 - p2
        let low = d - ((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2)).squareRoot()
        let high = d + ((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2)).squareRoot()
        return (max(-1, low), min(1, high))
    }

    /// log C(n, k).
    static func logChoose(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n) + 1) - lgamma(Double(k) + 1) - lgamma(Double(n - k) + 1)
    }

    /// Fisher's exact test on [[a, b], [c, d]], two-sided.
    public static func fisherExact(_ a: Int, _ b: Int, _ c: Int, _ d: Int) -> Double {
        let row1 = a + b, col1 = a + c, n = a + b + c + d
        guard row1 > 0, n - row1 > 0, col1 > 0, n - col1 > 0 else { return 1 }
        let low = max(0, row1 - (n - col1)), high = min(row1, col1)
        func logP(_ x: Int) -> Double { logChoose(col1, x) + logChoose(n - col1, row1 - x) - logChoose(n, row1) }
        let observed = logP(a)
        // At most as probable as the observed table, with SciPy's and R's tolerance.
        let bound = observed + log1p(1e-7)
        var sum = 0.0
        for x in low...high {
            let lp = logP(x)
            if lp <= bound { sum += exp(lp) }
        }
        return min(1, sum)
    }

    /// Pearson's chi-square test of independence on a 2 × L table (`first[j]`, `second[j]` the
    /// counts of label j): columns empty on both sides are dropped; nil with fewer than two
    /// columns left or a side with no count.
    public static func chiSquare(_ first: [Int], _ second: [Int]) -> (statistic: Double, df: Int, p: Double)? {
        let columns = zip(first, second).filter { $0.0 + $0.1 > 0 }
        guard columns.count >= 2 else { return nil }
        let r1 = Double(columns.reduce(0) { $0 + $1.0 }), r2 = Double(columns.reduce(0) { $0 + $1.1 })
        guard r1 > 0, r2 > 0 else { return nil }
        let n = r1 + r2
        var statistic = 0.0
        for (o1, o2) in columns {
            let c = Double(o1 + o2)
            let e1 = r1 * c / n, e2 = r2 * c / n
            statistic += (Double(o1) - e1) * (Double(o1) - e1) / e1 + (Double(o2) - e2) * (Double(o2) - e2) / e2
        }
        let df = columns.count - 1
        return (statistic, df, upperGamma(Double(df) / 2, statistic / 2))
    }

    /// The two-sided Mann–Whitney U test of `x` against `y`; nil when either is empty or all
    /// values are tied.
    public static func mannWhitney(_ x: [Double], _ y: [Double]) -> (u: Double, p: Double)? {
        let n1 = x.count, n2 = y.count
        guard n1 > 0, n2 > 0 else { return nil }
        let n = n1 + n2
        // Ranks over both samples, ties given their average rank; x's rank sum.
        let all = (x.map { ($0, true) } + y.map { ($0, false) }).sorted { $0.0 < $1.0 }
        var rankSumX = 0.0, tieTerm = 0.0
        var i = 0
        while i < n {
            var j = i
            while j + 1 < n && all[j + 1].0 == all[i].0 { j += 1 }
            let rank = Double(i + j + 2) / 2
            for k in i...j where all[k].1 { rankSumX += rank }
            let t = Double(j - i + 1)
            tieTerm += t * t * t - t
            i = j + 1
        }
        let u1 = rankSumX - Double(n1 * (n1 + 1)) / 2
        let u = max(u1, Double(n1) * Double(n2) - u1)
        let mu = Double(n1) * Double(n2) / 2
        let nn = Double(n)
        let variance = Double(n1) * Double(n2) / 12 * ((nn + 1) - tieTerm / (nn * (nn - 1)))
        guard variance > 0 else { return nil }
        let z = (u - mu - 0.5) / variance.squareRoot()
        return (u1, min(1, max(0, erfc(z / 2.0.squareRoot()))))
    }

    /// The exact two-sided binomial test of k successes in n trials at ½; 1 when n is 0.
    public static func binomialHalf(_ k: Int, _ n: Int) -> Double {
        guard n > 0 else { return 1 }
        let low = min(k, n - k)
        if 2 * low == n { return 1 }
        // 2 × P(X ≤ low), the distribution being symmetric. Up to n = 1000 the binomial
        // coefficients are summed as doubles (exact below 2^53) and scaled by 2^−n exactly;
        // beyond, in logarithms.
        var sum = 0.0
        if n <= 1000 {
            var coefficient = 1.0
            for i in 0...low {
                sum += coefficient
                coefficient = coefficient * Double(n - i) / Double(i + 1)
            }
            return min(1, 2 * scalbn(sum, -n))
        }
        let logHalf = Double(n) * log(0.5)
        for i in 0...low { sum += exp(logChoose(n, i) + logHalf) }
        return min(1, 2 * sum)
    }

    /// Holm–Bonferroni: each p multiplied by the number of p-values not smaller than it, made
    /// monotone and at most 1; nil stays nil and is not counted.
    public static func holm(_ p: [Double?]) -> [Double?] {
        let present = p.enumerated().compactMap { i, v in v.map { (i, $0) } }
            .sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
        var out = [Double?](repeating: nil, count: p.count)
        var running = 0.0
        for (rank, (i, value)) in present.enumerated() {
            running = max(running, min(1, Double(present.count - rank) * value))
            out[i] = running
        }
        return out
    }

    /// Holm-adjusted p-values, each with whether it is below `alpha` (nil: not significant).
    public static func holm(_ p: [Double?], alpha: Double) -> [(adjusted: Double?, significant: Bool)] {
        holm(p).map { ($0, $0.map { $0 < alpha } ?? false) }
    }

    /// The regularized upper incomplete gamma function Q(a, x): a series below a + 1, a
    /// continued fraction (modified Lentz) above.
    static func upperGamma(_ a: Double, _ x: Double) -> Double {
        guard x > 0 else { return 1 }
        let logPrefix = a * log(x) - x - lgamma(a)
        if x < a + 1 {
            var term = 1 / a, sum = term, k = a
            for _ in 0..<10_000 {
                k += 1
                term *= x / k
                sum += term
                if abs(term) < abs(sum) * 1e-16 { break }
            }
            return max(0, 1 - exp(logPrefix) * sum)
        }
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            h *= step
            if abs(step - 1) < 1e-16 { break }
        }
        return min(1, exp(logPrefix) * h)
    }
}
