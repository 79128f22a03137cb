/// Numbers Verdict computes, written as SPEC 1.1 §6 says: the shortest decimal that reads
/// back as the same 64-bit value; an integer of magnitude below 2^53 without fraction or
/// exponent (`3`, not `3.0`); negative zero as `0`.
public enum JSONNumber {
    public static func text(_ d: Double) -> String {
        if d == 0 { return "0" }
        if d == d.rounded(), abs(d) < 9_007_199_254_740_992 { return String(Int64(d)) }
        // Swift's description is the shortest round-trip form (`2.1999999999999997`, `1e-07`).
        return d.description
    }
}
