import Foundation

/// Numbers as people read them, the same on every machine: shared by reports, diffs and
/// explanations.
enum NumberText {
    /// "71.4%": one decimal, rounded half away from zero, the same on every machine.
    static func percent(_ x: Double) -> String {
        let tenths = (x * 1000).rounded()
        return "\(Int(tenths) / 10).\(abs(Int(tenths)) % 10)%"
    }

    /// "48,696": a whole number with a comma between each group of three digits.
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// "1 conversation", "48,696 conversations": a count with its noun, singular for one.
    static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        grouped(n) + " " + (n == 1 ? singular : plural ?? singular + "s")
    }

    /// `x` rounded to `places` decimals, trailing zeros dropped. A finite magnitude of 1e15 or
    /// more has no digits after the point worth showing and is written with six significant
    /// digits (`1e+308`, `-8e+307`), so that values near the ends of the double range stay
    /// numbers. Infinity and NaN come out as `inf` and `nan`, which JSON writers turn into null.
    static func decimal(_ x: Double, places: Int = 4) -> String {
        if x.isFinite, abs(x) >= 1e15 { return String(format: "%.6g", x) }
        let scale = pow(10, Double(places))
        let v = (x * scale).rounded() / scale
        var s = String(format: "%.\(places)f", v)
        while s.contains("."), s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }

    func rightPadded(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
