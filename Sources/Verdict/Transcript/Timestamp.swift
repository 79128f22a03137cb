/// An instant read from RFC 3339 text (or a bare date, meaning midnight UTC), kept exactly:
/// whole seconds since 1970 plus the fraction's digits, so that comparisons never round.
public struct Timestamp: Sendable, Comparable, CustomStringConvertible {
    public let seconds: Int64
    /// Fraction-of-a-second digits with trailing zeros removed ("" for none).
    public let fraction: String
    public let text: String

    public var description: String { text }

    public static func < (a: Timestamp, b: Timestamp) -> Bool {
        if a.seconds != b.seconds { return a.seconds < b.seconds }
        let n = max(a.fraction.utf8.count, b.fraction.utf8.count)
        func padded(_ s: String) -> [UInt8] { Array(s.utf8) + Array(repeating: UInt8(ascii: "0"), count: n - s.utf8.count) }
        return padded(a.fraction).lexicographicallyPrecedes(padded(b.fraction))
    }

    public static func == (a: Timestamp, b: Timestamp) -> Bool {
        a.seconds == b.seconds && a.fraction == b.fraction
    }

    /// RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`; `t`/`z` and a space
    /// for `T` are accepted as RFC 3339 allows.
    public static func parseDateTime(_ text: String) -> Timestamp? {
        let b = Array(text.utf8)
        guard b.count >= 20, let date = parseDate(b), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == 0x20,
              let hh = number(b, 11, 2), b[13] == UInt8(ascii: ":"), let mm = number(b, 14, 2),
              b[16] == UInt8(ascii: ":"), let ss = number(b, 17, 2),
              hh <= 23, mm <= 59, ss <= 60 else { return nil }
        var i = 19
        var fraction: [UInt8] = []
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { fraction.append(b[i]); i += 1 }
            if fraction.isEmpty { return nil }
        }
        guard i < b.count else { return nil }
        var offset: Int64 = 0
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            guard i + 6 == b.count, let oh = number(b, i + 1, 2), b[i + 3] == UInt8(ascii: ":"),
                  let om = number(b, i + 4, 2), oh <= 23, om <= 59 else { return nil }
            offset = Int64(oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "+") ? 1 : -1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        while fraction.last == UInt8(ascii: "0") { fraction.removeLast() }
        let secs = date * 86_400 + Int64(hh * 3600 + mm * 60 + ss) - offset
        return Timestamp(seconds: secs, fraction: String(decoding: fraction, as: UTF8.self), text: text)
    }

    /// A bare `YYYY-MM-DD` (midnight UTC) or an RFC 3339 date-time.
    public static func parseDateOrDateTime(_ text: String) -> Timestamp? {
        let b = Array(text.utf8)
        if b.count == 10, let days = parseDate(b) {
            return Timestamp(seconds: days * 86_400, fraction: "", text: text)
        }
        return parseDateTime(text)
    }

    /// Days since 1970-01-01 of the `YYYY-MM-DD` at the start of `b`.
    private static func parseDate(_ b: [UInt8]) -> Int64? {
        guard b.count >= 10, let y = number(b, 0, 4), b[4] == UInt8(ascii: "-"), let m = number(b, 5, 2),
              b[7] == UInt8(ascii: "-"), let d = number(b, 8, 2), (1...12).contains(m), d >= 1 else { return nil }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard d <= lengths[m - 1] else { return nil }
        return Int64(daysFromCivil(y, m, d))
    }

    // Civil (proleptic Gregorian) dates and day counts since 1970-01-01, after Howard
    // Hinnant's published algorithms.

    /// Proleptic Gregorian date of a day count since 1970-01-01.
    public static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Day count since 1970-01-01 of a proleptic Gregorian date.
    public static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = m > 2 ? m - 3 : m + 9
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func number(_ b: [UInt8], _ at: Int, _ width: Int) -> Int? {
        guard at + width <= b.count else { return nil }
        var v = 0
        for i in at..<(at + width) {
            guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
            v = v * 10 + Int(b[i] - 0x30)
        }
        return v
    }
}
