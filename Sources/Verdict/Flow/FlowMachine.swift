/// The flow state machine (SPEC §4): the second stage of scoring, between decoding a
/// conversation and evaluating its metrics.
///
/// A conversation is in at most one flow at a time. It enters a flow on an explicit `flow`
/// event, or on any event hit by the `enter_when` of a flow declared under `flows:`; the latest
/// entry at or before an event is the current flow there. The machine records every entry,
/// the current flow at each event, and the flows and functions reached in order. Metrics read
/// that record through `flow` leaves (an entry at the event) and `in_flow` (the current flow).
///
/// The machine does not match patterns itself: it asks a `LeafHits` view (the evaluator's leaf
/// matcher) where each `enter_when` leaf hits, so a leaf is matched once per conversation
/// whether a flow or a metric reads it.

/// A flow declared under `flows`, entered wherever its `enter_when` hits.
public struct FlowDefinition: Sendable {
    public var name: String
    /// A single leaf, or the leaves of an `any`.
    public var enterWhen: [Leaf]
    public var location: SourceLocation
}

/// An entry into a flow: an explicit `flow` event, or an event hit by a declared flow's `enter_when`.
public struct FlowEntry: Sendable, Equatable {
    public var index: Int
    public var flow: String
    /// The step of an explicit entry, when the event names one.
    public var step: String?
    public var derived: Bool
}

/// Where leaves hit in the conversation being replayed: what the flow machine needs of the
/// leaf matcher.
protocol LeafHits {
    /// Appends the events in `lower...upper` that leaf `id` hits to `out`, in order.
    func appendHits(_ id: Int, from lower: Int, to upper: Int, into out: inout [Int]) throws(LocatedMatchLimit) -> Int
}

/// One machine per thread, reused from one conversation to the next; its properties describe
/// the conversation last replayed.
public final class FlowMachine {
    /// The declared flows, in declaration order.
    public let definitions: [FlowDefinition]

    /// All entries, by index, then declaration order for derived entries at the same index.
    public var entries: [FlowEntry] { allEntries }
    /// Entries at each event index (most events have none).
    public var entriesAt: [[FlowEntry]] { entriesByEvent }
    /// The current flow at each event index: the flow of the latest entry at or before it.
    public var currentFlow: [String?] { flowByEvent }
    /// Flows in order of first entry.
    public var flowsEntered: [String] { flowNames }
    /// Functions in order of first call.
    public var functionsCalled: [String] { functionNames }

    // What the properties above read. Private, so that the compiler sees every access and
    // checks exclusivity when it builds, not at each access as it must for a public stored
    // property of a class: the replay and `enters` read them per event.
    private var allEntries: [FlowEntry] = []
    private var entriesByEvent: [[FlowEntry]] = []
    private var flowByEvent: [String?] = []
    private var flowNames: [String] = []
    private var functionNames: [String] = []
    /// Set when a declared flow's `enter_when` could not be evaluated on some event; every
    /// metric that reads flow state then reports it as its error.
    public private(set) var failure: String?
    /// Whether the properties above describe the conversation being evaluated: false while
    /// `replay` runs, when no leaf may read flow state yet.
    private(set) var hasReplayed = false
    /// Scratch: where a declared flow's `enter_when` hits.
    private var hits: [Int] = []

    /// The mark the machine leaves in an event's kind bits where a flow is entered: what a
    /// `flow` leaf's kind mask admits.
    static let entryMark: UInt16 = 1 << 15

    public init(_ definitions: [FlowDefinition]) {
        self.definitions = definitions
    }

    /// Replays `conversation`, asking `leaves` where each `enter_when` hits.
    func replay(_ conversation: Conversation, leaves: some LeafHits) {
        let n = conversation.events.count
        hasReplayed = false
        defer { hasReplayed = true }
        failure = nil
        // Built in locals, moved out of the machine and back: an access to a property of a
        // class that a call may reach (the leaves' hits) is checked while the program runs,
        // and this loop makes several per event. The arrays keep their memory from the last
        // conversation (unless a caller holds a copy): an array made anew costs an allocation
        // at each doubling, and a lookup of its type's metadata under a lock.
        var all = allEntries, byEvent = entriesByEvent, flowAt = flowByEvent, found = hits
        allEntries = []
        entriesByEvent = []
        flowByEvent = []
        hits = []
        var names: [String] = [], functions: [String] = []
        all.removeAll(keepingCapacity: true)
        byEvent.removeAll(keepingCapacity: true)
        byEvent.append(contentsOf: repeatElement([], count: n))
        flowAt.removeAll(keepingCapacity: true)
        flowAt.append(contentsOf: repeatElement(nil, count: n))
        // Events are read in place: copying one would retain each of its fields.
        conversation.events.withUnsafeBufferPointer { events in
            for i in events.indices where events[i].kind == .flow {
                byEvent[i].append(FlowEntry(index: i, flow: events[i].name ?? "", step: events[i].step, derived: false))
            }
        }
        for flow in definitions where n > 0 {
            do throws(LocatedMatchLimit) {
                found.removeAll(keepingCapacity: true)
                for leaf in flow.enterWhen { _ = try leaves.appendHits(leaf.id, from: 0, to: n - 1, into: &found) }
                Evaluator.sortUnique(&found, from: 0)
                for i in found { byEvent[i].append(FlowEntry(index: i, flow: flow.name, step: nil, derived: true)) }
            } catch {
                if failure == nil { failure = error.flowError(flow.name) }
            }
        }
        var current: String?
        // A conversation enters few flows and calls few functions: a list beats a set here.
        conversation.events.withUnsafeBufferPointer { events in
            for i in 0..<n {
                for entry in byEvent[i] {
                    all.append(entry)
                    current = entry.flow
                    if !names.contains(where: { $0.isExactly(entry.flow) }) { FlowMachine.append(entry.flow, to: &names) }
                }
                flowAt[i] = current
                if events[i].kind == .function, let name = events[i].name, !functions.contains(where: { $0.isExactly(name) }) {
                    FlowMachine.append(name, to: &functions)
                }
            }
        }
        allEntries = all
        entriesByEvent = byEvent
        flowByEvent = flowAt
        flowNames = names
        functionNames = functions
        hits = found
    }

    /// Appends to a list of names that starts empty with every conversation (the conversation's
    /// result keeps it): room for a few at the first, rather than growing one at a time.
    private static func append(_ name: String, to list: inout [String]) {
        if list.isEmpty { list.reserveCapacity(4) }
        list.append(name)
    }

    /// Leaves `entryMark` in `kinds` (one per event) where a flow is entered.
    func markEntries(in kinds: UnsafeMutablePointer<UInt16>) {
        for i in entriesByEvent.indices where !entriesByEvent[i].isEmpty { kinds[i] |= Self.entryMark }
    }

    /// Whether the flow named by `flow`'s bytes (and `step`, when given: explicit entries
    /// only) is entered at event `i`.
    func enters(_ flow: UnsafeBufferPointer<UInt8>, step: String?, at i: Int) -> Bool {
        entriesByEvent[i].withUnsafeBufferPointer { entries in
            for k in entries.indices where entries[k].flow.isExactly(flow) {
                guard let step else { return true }
                if !entries[k].derived && (entries[k].step?.isExactly(step) ?? false) { return true }
            }
            return false
        }
    }
}
