/// A match limit hit while evaluating, with the event it happened on. Its two messages are
/// the only wording of a match limit in results: a metric's `error`, and a flow's.
struct LocatedMatchLimit: Error {
    let pattern: String
    let message: String
    /// The event it stopped on; nil for a `metadata` condition.
    let event: Int?

    /// A metric's `error`: "pattern 'P' stopped on event N: WHY" (or "on the metadata").
    var metricError: String { "pattern '\(pattern)' stopped on \(event.map { "event \($0)" } ?? "the metadata"): \(message)" }

    /// The error of every metric that reads flow state when flow `flow`'s `enter_when` stops:
    /// "flow 'F' enter_when: pattern 'P' stopped on event N: WHY".
    func flowError(_ flow: String) -> String { "flow '\(flow)' enter_when: " + metricError }
}
