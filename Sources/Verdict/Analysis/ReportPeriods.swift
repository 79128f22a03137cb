import Foundation

/// Trend periods: a line's period from its `started_at`, and one period's point of a trend
/// (a metric's, or one cohort's).
extension ReportBuilder {
    /// One period's point of a metric's trend (or of one cohort's).
    static func trendPoint(_ key: String, _ p: PeriodTally, type: String, labels: [String]) -> Report.TrendPoint {
        func share(_ n: Int, _ total: Int) -> Double { total > 0 ? Double(n) / Double(total) : 0 }
        let okLabelCount = p.labels.values.reduce(0, +)
        return Report.TrendPoint(
            period: key, conversations: p.conversations, applied: p.applied,
            rate: type == "boolean" && p.okCount > 0 ? share(p.trueCount, p.okCount) : nil,
            trueCount: p.trueCount, okCount: p.okCount,
            labels: type == "categorical" ? labels.map { Report.Share(name: $0, count: p.labels[ExactKey($0)] ?? 0, share: share(p.labels[ExactKey($0)] ?? 0, okLabelCount)) } : [],
            median: type == "number" ? p.distribution?.percentile(50) : nil)
    }

    /// "2026-03-12" for a day, ISO 8601 "2026-W11" for a week, both in UTC.
    static func periodKey(_ t: Timestamp, _ period: Report.Period) -> String {
        let days = Int(floor(Double(t.seconds) / 86_400))
        let (y, m, d) = Timestamp.civil(fromDays: days)
        switch period {
        case .day:
            return String(format: "%04d-%02d-%02d", y, m, d)
        case .week:
            // ISO week: the week with the year's first Thursday is week 1; weeks start Monday.
            let weekday = ((days % 7) + 7 + 3) % 7  // Monday = 0 (1970-01-01 was a Thursday)
            let thursday = days - weekday + 3
            let (ty, _, _) = Timestamp.civil(fromDays: thursday)
            let jan1 = Timestamp.daysFromCivil(ty, 1, 1)
            let week = (thursday - jan1) / 7 + 1
            return String(format: "%04d-W%02d", ty, week)
        }
    }
}
