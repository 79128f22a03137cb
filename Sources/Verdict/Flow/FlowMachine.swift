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
    public private(set) var entries: [FlowEntry] = []
    /// Entries at each event index (most events have none).
    public private(set) var entriesAt: [[FlowEntry]] = []
    /// The current flow at each event index: the flow of the latest entry at or before it.
    public private(set) var currentFlow: [String?] = []
    /// Flows in order of first entry.
    public private(set) var flowsEntered: [String] = []
    /// Functions in order of first call.
    public private(set) var functionsCalled: [String] = []
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
        flowsEntered = []
        functionsCalled = []
        failure = nil
        // These keep their memory from the last conversation (unless a caller holds a copy):
        // an array made anew costs an allocation at each doubling, and a lookup of its type's
        // metadata under a lock.
        entries.removeAll(keepingCapacity: true)
        entriesAt.removeAll(keepingCapacity: true)
        entriesAt.append(contentsOf: repeatElement([], count: n))
        currentFlow.removeAll(keepingCapacity: true)
        currentFlow.append(contentsOf: repeatElement(nil, count: n))
        // Events are read in place: copying one would retain each of its fields.
        conversation.events.withUnsafeBufferPointer { events in
            for i in events.indices where events[i].kind == .flow {
                entriesAt[i].append(FlowEntry(index: i, flow: events[i].name ?? "", step: events[i].step, derived: false))
            }
        }
        for flow in definitions where n > 0 {
            do throws(LocatedMatchLimit) {
                hits.removeAll(keepingCapacity: true)
                for leaf in flow.enterWhen { _ = try leaves.appendHits(leaf.id, from: 0, to: n - 1, into: &hits) }
                Evaluator.sortUnique(&hits, from: 0)
                for i in hits { entriesAt[i].append(FlowEntry(index: i, flow: flow.name, step: nil, derived: true)) }
            } catch {
                if failure == nil { failure = error.flowError(flow.name) }
            }
        }
        var current: String?
        // A conversation enters few flows and calls few functions: a list beats a set here.
        conversation.events.withUnsafeBufferPointer { events in
            for i in 0..<n {
                for entry in entriesAt[i] {
                    entries.append(entry)
                    current = entry.flow
                    if !flowsEntered.contains(where: { $0.isExactly(entry.flow) }) { FlowMachine.append(entry.flow, to: &flowsEntered) }
                }
                currentFlow[i] = current
                if events[i].kind == .function, let name = events[i].name, !functionsCalled.contains(where: { $0.isExactly(name) }) {
                    FlowMachine.append(name, to: &functionsCalled)
                }
            }
        }
    }

    /// Appends to a list of names that starts empty with every conversation (the conversation's
    /// result keeps it): room for a few at the first, rather than growing one at a time.
    private static func append(_ name: String, to list: inout [String]) {
        if list.isEmpty { list.reserveCapacity(4) }
        list.append(name)
    }

    /// Leaves `entryMark` in `kinds` (one per event) where a flow is entered.
    func markEntries(in kinds: UnsafeMutablePointer<UInt16>) {
        for i in entriesAt.indices where !entriesAt[i].isEmpty { kinds[i] |= Self.entryMark }
    }

    /// Whether the flow named by `flow`'s bytes (and `step`, when given: explicit entries
    /// only) is entered at event `i`.
    func enters(_ flow: UnsafeBufferPointer<UInt8>, step: String?, at i: Int) -> Bool {
        entriesAt[i].withUnsafeBufferPointer { entries in
            for k in entries.indices where entries[k].flow.isExactly(flow) {
                guard let step else { return true }
                if !entries[k].derived && (entries[k].step?.isExactly(step) ?? false) { return true }
            }
            return false
        }
    }
}
