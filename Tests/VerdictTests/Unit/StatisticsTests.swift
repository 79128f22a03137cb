import Foundation
import Testing
@testable import Verdict

/// The statistics of `compare` and `diff`: textbook values here; thousands of seeded cases
/// against SciPy and statsmodels in `StatisticsReferenceTests`, run by scripts/stats-check.sh.
@Suite("Statistics")
struct StatisticsTests {
    static func close(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= tolerance * max(1, abs(b))
    }

    @Test("Fisher's exact test: the tea-tasting table and the table of SciPy's documentation")
    func fisher() {
        // Lady tasting tea, 3 of 4 right: p = 34/70.
        #expect(Self.close(Statistics.fisherExact(3, 1, 1, 3), 34.0 / 70))
        // Two tables at the same probability as the observed one count (the tolerance).
        #expect(Self.close(Statistics.fisherExact(8, 2, 1, 5), 0.034965034965034975))
        #expect(Statistics.fisherExact(0, 0, 3, 4) == 1)
        #expect(Statistics.fisherExact(5, 5, 5, 5) == 1)
    }

    @Test("Newcombe's hybrid score interval: the worked example of Newcombe (1998), 56/70 − 48/80")
    func newcombe() throws {
        let ci = try #require(Statistics.newcombe(56, 70, 48, 80))
        // Newcombe's table II, method 10: 0.0524 to 0.3339.
        #expect(abs(ci.low - 0.0524) < 5e-5 && abs(ci.high - 0.3339) < 5e-5, "\(ci)")
        #expect(Statistics.newcombe(0, 0, 1, 2) == nil)
    }

    @Test("chi-square: a 2 × 3 table by hand; empty columns dropped; one column gives no test")
    func chiSquare() throws {
        // Expected counts 10, 20, 30 on each side; each side is 5 off in the first and last column.
        let r = try #require(Statistics.chiSquare([15, 20, 25], [5, 20, 35]))
        let byHand: Double = 2 * (25.0 / 10 + 25.0 / 30)
        #expect(Self.close(r.statistic, byHand))
        #expect(r.df == 2)
        // Q(1, x/2) = e^{−x/2} for two degrees of freedom.
        #expect(Self.close(r.p, exp(-r.statistic / 2), 1e-12))
        #expect(Statistics.chiSquare([15, 0, 25], [5, 0, 35])?.df == 1)
        #expect(Statistics.chiSquare([4, 0], [7, 0]) == nil)
    }

    @Test("Mann–Whitney: U counts the pairs; no overlap gives the smallest p")
    func mannWhitney() throws {
        let r = try #require(Statistics.mannWhitney([1, 2, 3], [4, 5, 6]))
        #expect(r.u == 0)
        // z = (9 − 4.5 − 0.5) / sqrt(9·7/12): p = erfc(z/√2).
        let z = 4.0 / (9.0 * 7 / 12).squareRoot()
        #expect(Self.close(r.p, erfc(z / 2.0.squareRoot())))
        #expect(Statistics.mannWhitney([1, 1], [1, 1]) == nil)
        #expect(Statistics.mannWhitney([], [1]) == nil)
    }

    @Test("the exact binomial test at ½: by hand for small n; a balanced count gives 1")
    func binomial() {
        // 0 of 5: 2 × (1/32).
        #expect(Self.close(Statistics.binomialHalf(0, 5), 2.0 / 32))
        // 1 of 5: 2 × (1 + 5)/32.
        #expect(Self.close(Statistics.binomialHalf(1, 5), 12.0 / 32))
        #expect(Statistics.binomialHalf(3, 6) == 1)
        #expect(Statistics.binomialHalf(0, 0) == 1)
    }

    @Test("Holm: multiplied by the count of p-values not smaller, monotone, capped at 1; nil kept out")
    func holm() {
        let adjusted = Statistics.holm([0.01, nil, 0.04, 0.03, 0.5])
        #expect(adjusted.count == 5 && adjusted[1] == nil)
        #expect(Self.close(adjusted[0], 0.04) && Self.close(adjusted[3], 0.09) && Self.close(adjusted[2], 0.09) && Self.close(adjusted[4], 0.5))
    }
}

/// Every case of a reference file written by `Tests/Statistics/reference.py` (SciPy and
/// statsmodels), when `VERDICT_STATS_REFERENCE` names one: scripts/stats-check.sh sets it.
@Suite("Statistics against SciPy", .enabled(if: ProcessInfo.processInfo.environment["VERDICT_STATS_REFERENCE"] != nil))
struct StatisticsReferenceTests {
    @Test("every reference case agrees to 1e-9 (relative)")
    func reference() throws {
        let path = try #require(ProcessInfo.processInfo.environment["VERDICT_STATS_REFERENCE"])
        let cases = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [[String: Any]])
        #expect(cases.count > 1_000)
        func close(_ a: Double?, _ b: Any?, _ what: String) {
            guard let b = b as? Double else { return #expect(a == nil, "\(what): \(String(describing: a)) for no value") }
            #expect(StatisticsTests.close(a, b, 1e-9) || abs((a ?? .nan) - b) < 1e-15, "\(what): \(String(describing: a)) ≠ \(b)")
        }
        var counts: [String: Int] = [:]
        for c in cases {
            let kind = c["kind"] as! String
            counts[kind, default: 0] += 1
            switch kind {
            case "fisher":
                let t = c["table"] as! [Int]
                close(Statistics.fisherExact(t[0], t[1], t[2], t[3]), c["p"], "fisher \(t)")
            case "newcombe":
                let n = c["counts"] as! [Int]
                let ci = Statistics.newcombe(n[0], n[1], n[2], n[3])
                let w = c["wilson"] as! [Double]
                close(Statistics.wilson(n[0], n[1])?.low, w[0], "wilson \(n)")
                close(Statistics.wilson(n[0], n[1])?.high, w[1], "wilson \(n)")
                close(ci?.low, c["low"], "newcombe low \(n)")
                close(ci?.high, c["high"], "newcombe high \(n)")
            case "chi2":
                let r = Statistics.chiSquare(c["first"] as! [Int], c["second"] as! [Int])
                close(r?.statistic, c["statistic"], "chi2 statistic")
                #expect(r?.df == c["df"] as? Int)
                close(r?.p, c["p"], "chi2 p \(c["first"]!) \(c["second"]!)")
            case "mannwhitney":
                let r = Statistics.mannWhitney(c["x"] as! [Double], c["y"] as! [Double])
                close(r?.u, c["u"], "mann-whitney u")
                close(r?.p, c["p"], "mann-whitney p")
            case "binomial":
                close(Statistics.binomialHalf(c["k"] as! Int, c["n"] as! Int), c["p"], "binomial \(c["k"]!)/\(c["n"]!)")
            case "holm":
                let p = (c["p"] as! [Any]).map { $0 as? Double }
                let adjusted = Statistics.holm(p)
                for (a, b) in zip(adjusted, c["adjusted"] as! [Any]) { close(a, b, "holm \(p)") }
            default:
                Issue.record("unknown case kind \(kind)")
            }
        }
        #expect(counts.count == 6)
    }
}
