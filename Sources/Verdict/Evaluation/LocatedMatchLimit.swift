/// A match limit hit while evaluating, with the event it happened on: how a metric's or a
/// flow's `error` names what stopped it.
struct LocatedMatchLimit: Error {
    let pattern: String
    let message: String
    let event: Int

    var eventDescription: String { "event \(event)" }
}
