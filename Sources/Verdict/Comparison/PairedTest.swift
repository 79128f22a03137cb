/// `diff`'s test of whether a metric moved, on the same calls before and after: over the calls
/// whose metric is `ok` on both sides,
/// - boolean: McNemar's exact test — b calls went true → false, c false → true, p the two-sided
///   binomial test of b among b + c at ½;
/// - categorical: the same test per label on "this label or not", the metric's p the smallest
///   of those times the number of labels (at most 1);
/// - number: the exact two-sided sign test on the paired differences (zeros dropped).
/// No pair gives no p; pairs that never disagree give p 1.
struct PairedTally: Sendable {
    private(set) var pairs = 0
    private var trueToFalse = 0, falseToTrue = 0
    private var labelOrder: [String] = []
    private var labelMoves: [ExactKey: (lost: Int, gained: Int)] = [:]
    private var increases = 0, decreases = 0
    private var kind: String?

    /// One call's `ok` value before (`x`) and after (`y`); values of different kinds are passed over.
    mutating func add(_ x: JSONValue, _ y: JSONValue) {
        switch (x, y) {
        case let (.bool(a), .bool(b)):
            kind = kind ?? "boolean"
            if a && !b { trueToFalse += 1 }
            if !a && b { falseToTrue += 1 }
        case let (.string(a), .string(b)):
            kind = kind ?? "categorical"
            for label in [a, b] where labelMoves[ExactKey(label)] == nil {
                labelMoves[ExactKey(label)] = (0, 0)
                labelOrder.append(label)
            }
            if !a.isExactly(b) {
                labelMoves[ExactKey(a)]!.lost += 1
                labelMoves[ExactKey(b)]!.gained += 1
            }
        case let (.number(a, _), .number(b, _)):
            kind = kind ?? "number"
            if b > a { increases += 1 } else if b < a { decreases += 1 }
        default:
            return
        }
        pairs += 1
    }

    /// "mcnemar" or "sign"; nil without a pair.
    var test: String? {
        switch kind {
        case "boolean"?, "categorical"?: return "mcnemar"
        case "number"?: return "sign"
        default: return nil
        }
    }

    var p: Double? {
        guard pairs > 0 else { return nil }
        switch kind {
        case "boolean"?:
            return Statistics.binomialHalf(trueToFalse, trueToFalse + falseToTrue)
        case "categorical"?:
            let smallest = labelOrder.map { label -> Double in
                let m = labelMoves[ExactKey(label)]!
                return Statistics.binomialHalf(m.lost, m.lost + m.gained)
            }.min() ?? 1
            return min(1, smallest * Double(labelOrder.count))
        case "number"?:
            return Statistics.binomialHalf(increases, increases + decreases)
        default:
            return nil
        }
    }
}
