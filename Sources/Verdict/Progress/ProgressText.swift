/// The words of a progress display. Pure functions of the counts, so tests pin them.
public enum ProgressText {
    /// The line shown while reading: `12,345 conversations, 4,120/s, 81.2 MB of 204 MB (39%), 0:30 left`.
    /// `rate` and `byteRate` are per second, nil until there is enough to measure them. With no
    /// total and no bytes yet (a database being read), the bytes are left out.
    public static func status(_ reading: ProgressMeter.Reading, rate: Double?, byteRate: Double?) -> String {
        var parts = [NumberText.count(reading.records, "conversation")]
        if let rate { parts.append(NumberText.grouped(Int(rate.rounded())) + "/s") }
        if let total = reading.totalBytes, total > 0 {
            let shown = min(reading.bytes, total)
            parts.append("\(bytes(shown)) of \(bytes(total)) (\(shown * 100 / total)%)")
            if let byteRate, byteRate > 0, shown < total {
                parts.append(duration(Double(total - shown) / byteRate) + " left")
            }
        } else if reading.bytes > 0 {
            parts.append(bytes(reading.bytes) + " read")
        }
        return parts.joined(separator: ", ")
    }

    /// The line left at the end when progress is written as lines (not to a terminal):
    /// `30 conversations, 12.4 kB in 0.8 s (37/s)`; a minute or more as `2:05`.
    public static func summary(_ reading: ProgressMeter.Reading, seconds: Double) -> String {
        let time = seconds < 59.95 ? fixed(seconds, 1) + " s" : duration(seconds)
        var text = "\(NumberText.count(reading.records, "conversation")), \(bytes(reading.bytes)) in \(time)"
        if seconds >= 0.001 { text += " (\(NumberText.grouped(Int((Double(reading.records) / seconds).rounded())))/s)" }
        return text
    }


    /// Decimal units with three significant figures: `512 B`, `1.23 kB`, `45.6 MB`, `204 GB`.
    static func bytes(_ n: Int) -> String {
        if n < 1000 { return "\(n) B" }
        var value = Double(n)
        var unit = 0
        let units = ["B", "kB", "MB", "GB", "TB", "PB"]
        // 999.6 kB would round to 1000 kB: it is shown as 1.00 MB.
        while unit < units.count - 1 && value >= 999.5 {
            value /= 1000
            unit += 1
        }
        let text: String
        if value < 9.995 {
            text = fixed(value, 2)
        } else if value < 99.95 {
            text = fixed(value, 1)
        } else {
            text = String(Int(value.rounded()))
        }
        return "\(text) \(units[unit])"
    }

    /// Seconds as `0:07`, `12:05` or `3:02:11`.
    static func duration(_ seconds: Double) -> String {
        let s = max(0, Int(seconds.rounded()))
        let two = { (n: Int) in n < 10 ? "0\(n)" : "\(n)" }
        if s >= 3600 { return "\(s / 3600):\(two(s / 60 % 60)):\(two(s % 60))" }
        return "\(s / 60):\(two(s % 60))"
    }

    private static func fixed(_ value: Double, _ places: Int) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = Int((value * scale).rounded())
        let whole = scaled / Int(scale), fraction = String(scaled % Int(scale))
        return "\(whole)." + String(repeating: "0", count: places - fraction.count) + fraction
    }
}
