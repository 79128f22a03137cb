/// An entry into a flow: an explicit `flow` event, or an event hit by a declared flow's `enter_when`.
public struct FlowEntry: Sendable, Equatable {
    public var index: Int
    public var flow: String
    /// The step of an explicit entry, when the event names one.
    public var step: String?
    public var derived: Bool
}

/// The flow state machine's record of one conversation (SPEC §4): every entry, the current
/// flow at each event, and what was reached in order.
public struct FlowReplay: Sendable {
    /// All entries, by index, then declaration order for derived entries at the same index.
    public private(set) var entries: [FlowEntry] = []
    /// Entries at each event index (most events have none).
    public private(set) var entriesAt: [[FlowEntry]]
    /// The current flow at each event index: the flow of the latest entry at or before it.
    public private(set) var currentFlow: [String?]
    /// Flows in order of first entry.
    public private(set) var flowsEntered: [String] = []
    /// Functions in order of first call.
    public private(set) var functionsCalled: [String] = []
    /// Set when a declared flow's `enter_when` could not be evaluated on some event.
    public private(set) var failure: String?

    /// Replays `conversation`. `derivedHits(flowIndex)` gives the indices hit by the
    /// `enter_when` of `rules.flows[flowIndex]` over the whole conversation.
    init(conversation: Conversation, rules: RuleSet, derivedHits: (Int) throws(LocatedMatchLimit) -> [Int]) {
        let n = conversation.events.count
        entriesAt = Array(repeating: [], count: n)
        currentFlow = Array(repeating: nil, count: n)
        // Events are read in place: copying one would retain each of its fields.
        conversation.events.withUnsafeBufferPointer { events in
            for i in events.indices where events[i].kind == .flow {
                entriesAt[i].append(FlowEntry(index: i, flow: events[i].name ?? "", step: events[i].step, derived: false))
            }
        }
        for (f, flow) in rules.flows.enumerated() {
            do {
                for i in try derivedHits(f) {
                    entriesAt[i].append(FlowEntry(index: i, flow: flow.name, step: nil, derived: true))
                }
            } catch {
                if failure == nil {
                    failure = "flow '\(flow.name)' enter_when: pattern '\(error.pattern)' stopped on event \(error.event): \(error.message)"
                }
            }
        }
        var current: String?
        // A conversation enters few flows and calls few functions: a list beats a set here.
        conversation.events.withUnsafeBufferPointer { events in
            for i in 0..<n {
                for entry in entriesAt[i] {
                    entries.append(entry)
                    current = entry.flow
                    if !flowsEntered.contains(where: { $0.isExactly(entry.flow) }) { flowsEntered.append(entry.flow) }
                }
                currentFlow[i] = current
                if events[i].kind == .function, let name = events[i].name, !functionsCalled.contains(where: { $0.isExactly(name) }) {
                    functionsCalled.append(name)
                }
            }
        }
    }
}
