// Longer than the house's 500 lines, on purpose: the evaluator's hot loops (leaf matching,
// trigger search, condition walks) share raw per-conversation tables that are private to
// this class, so that no copy-on-write or exclusivity check runs in them. Splitting it means
// giving those tables an owning type of their own first.

/// Scores conversations against a rule set (SPEC §4, §5). One evaluator per thread: it owns the
/// PCRE2 scratch space and per-conversation caches it reuses from one conversation to the next.
public final class Evaluator {
    public let rules: RuleSet
    private let scratch: MatchScratch
    /// Whether each metric reads flow state (a `flow` leaf or `in_flow`).
    private let metricUsesFlows: [Bool]
    /// The leaves of each metric's `applies_when`, gathered once.
    private let triggerLeaves: [[Leaf]]

    /// Every metric's conditions, compiled into one table.
    private let program: ProgramView
    private let metricRoots: [MetricRoots]
    /// What evaluation reads of each metric, kept apart so that the metric is not copied.
    private struct MetricInfo {
        var activeFrom: Timestamp?
        var scope: MetricScope
        /// nil for a boolean metric.
        var labels: [String]?
        var otherwise: String?
        /// Set for a number metric.
        var expression: ValueExpression?
    }
    private let metricInfo: [MetricInfo]
    private let triggerLeafIDs: [[Int]]
    /// Each leaf by id, read in place when a (leaf, event) pair is first matched.
    private let leafTable: UnsafeMutablePointer<Leaf>
    /// For a `user`/`agent`/`said` leaf without modifiers, the index of its pattern in
    /// `textPatterns`; -1 for other leaves. Such leaves are matched straight on the text arena.
    private let leafTextPattern: UnsafeMutablePointer<Int32>
    private let textPatterns: [Pattern]
    /// Every required literal (RequiredLiterals) of the text patterns, found in one pass per text.
    private let scanner: LiteralScanner
    /// Per text pattern p, its literal ids: literalIDs[literalStart[p] ..< literalStart[p + 1]];
    /// none when nothing is known, and then the pattern always runs.
    private let literalStart: [Int32]
    private let literalIDs: [Int32]
    /// The conversation's texts as written; event i's text is bytes textStart[i] ..< textStart[i + 1].
    private var textBytes: UnsafeMutablePointer<UInt8>
    private var textCapacity = 0
    private var textStart: UnsafeMutablePointer<Int>
    /// Per event, the literals its text holds (`scanner.words` words each), and whether the
    /// prefilter may be used on it at all (see `RequiredLiterals.mayFoldToASCII`).
    private var foundLiterals: UnsafeMutablePointer<UInt64>
    private var prefilterUsable: UnsafeMutablePointer<Bool>
    /// For each leaf id, the event kinds it can hit, one bit per `Event.Kind` raw value, so that
    /// most (leaf, event) pairs are ruled out by one AND before any field is read.
    private let leafKinds: UnsafeMutablePointer<UInt16>

    // Per-conversation state. The hot tables are raw buffers owned by the evaluator: no
    // copy-on-write or exclusivity checks in the inner loops.
    private var conversation = Conversation(id: "", events: [])
    /// The conversation last loaded, for the walks kept in other files.
    var currentConversation: Conversation { conversation }
    private var replay: FlowReplay?
    /// leafCount × events: 0 not yet known, 1 hit, 2 no hit.
    private var memo: UnsafeMutablePointer<UInt8>
    private var memoCapacity = 0
    /// The kind bit of each event of the conversation.
    private var eventKinds: UnsafeMutablePointer<UInt16>
    private var eventKindsCapacity = 0
    /// The distinct kind masks of the leaves, and each leaf's position among them.
    private let masks: [UInt16]
    private let leafMask: UnsafeMutablePointer<Int32>
    /// Per mask, the events it admits, in order: candidates[m * eventCount ..< + candidateCount[m]].
    /// A leaf walks only these, not every event of its window.
    private var candidates: UnsafeMutablePointer<Int32>
    private var candidatesCapacity = 0
    private let candidateCount: UnsafeMutablePointer<Int>
    /// Hits of each leaf in events 0...k while `trigger` walks k upwards, indexed by leaf id.
    private let prefixCounts: UnsafeMutablePointer<Int>
    private var eventCount = 0

    public init(rules: RuleSet, limits: EvaluationLimits = EvaluationLimits()) {
        self.rules = rules
        scratch = MatchScratch(matchLimit: limits.matchLimit, budget: limits.matchBudget)
        metricUsesFlows = rules.metrics.map { m in m.conditions.contains { $0.leaves.contains(where: \.usesFlows) } }
        triggerLeaves = rules.metrics.map { $0.appliesWhen?.leaves ?? [] }
        let count = max(1, rules.leafCount)
        leafKinds = .allocate(capacity: count)
        leafKinds.initialize(repeating: 0, count: count)
        prefixCounts = .allocate(capacity: count)
        prefixCounts.initialize(repeating: 0, count: count)
        memo = .allocate(capacity: 1)
        eventKinds = .allocate(capacity: 1)
        let leaves = rules.metrics.flatMap { $0.conditions.flatMap(\.leaves) } + rules.flows.flatMap(\.enterWhen)
        var table = [Leaf?](repeating: nil, count: count)
        for leaf in leaves {
            leafKinds[leaf.id] = Evaluator.kindMask(leaf.kind)
            table[leaf.id] = leaf
        }
        var distinct: [UInt16] = []
        leafMask = .allocate(capacity: count)
        leafMask.initialize(repeating: 0, count: count)
        for id in 0..<count {
            let mask = leafKinds[id]
            if let known = distinct.firstIndex(of: mask) { leafMask[id] = Int32(known) } else {
                leafMask[id] = Int32(distinct.count)
                distinct.append(mask)
            }
        }
        masks = distinct
        candidates = .allocate(capacity: 1)
        candidateCount = .allocate(capacity: max(1, distinct.count))
        candidateCount.initialize(repeating: 0, count: max(1, distinct.count))
        leafTable = .allocate(capacity: count)
        for id in 0..<count {
            (leafTable + id).initialize(to: table[id] ?? Leaf(kind: .handoff(nil), id: id))
        }
        leafTextPattern = .allocate(capacity: count)
        leafTextPattern.initialize(repeating: -1, count: count)
        var patterns: [Pattern] = [], starts: [Int32] = [0], ids: [Int32] = []
        var literalID: [[UInt8]: Int32] = [:], literals: [[UInt8]] = []
        var patternIndex: [ObjectIdentifier: Int32] = [:]
        for case let leaf? in table where leaf.inFlow == nil && leaf.turns == nil && leaf.seconds == nil {
            let pattern: Pattern
            switch leaf.kind {
            case let .user(p), let .agent(p), let .said(p): pattern = p
            default: continue
            }
            if let known = patternIndex[ObjectIdentifier(pattern)] {
                leafTextPattern[leaf.id] = known
                continue
            }
            let index = Int32(patterns.count)
            patternIndex[ObjectIdentifier(pattern)] = index
            leafTextPattern[leaf.id] = index
            patterns.append(pattern)
            for literal in RequiredLiterals.of(pattern.source) ?? [] {
                if let id = literalID[literal] {
                    ids.append(id)
                } else {
                    literalID[literal] = Int32(literals.count)
                    ids.append(Int32(literals.count))
                    literals.append(literal)
                }
            }
            starts.append(Int32(ids.count))
        }
        textPatterns = patterns
        literalStart = starts
        literalIDs = ids
        scanner = LiteralScanner(literals)
        textBytes = .allocate(capacity: 1)
        textStart = .allocate(capacity: 1)
        foundLiterals = .allocate(capacity: 1)
        prefilterUsable = .allocate(capacity: 1)
        var compiled = Program()
        metricRoots = rules.metrics.map { metric in
            let applies = metric.appliesWhen.map { compiled.add($0) } ?? -1
            switch metric.body {
            case let .boolean(when): return MetricRoots(applies: applies, body: [compiled.add(when)])
            case let .categorical(labels, _): return MetricRoots(applies: applies, body: labels.map { compiled.add($0.when) })
            case .number: return MetricRoots(applies: applies, body: [])
            }
        }
        triggerLeafIDs = triggerLeaves.map { $0.map(\.id) }
        metricInfo = rules.metrics.map { metric in
            switch metric.body {
            case .boolean: return MetricInfo(activeFrom: metric.activeFrom, scope: metric.scope)
            case let .categorical(labels, otherwise):
                return MetricInfo(activeFrom: metric.activeFrom, scope: metric.scope, labels: labels.map(\.label), otherwise: otherwise)
            case let .number(expression, _):
                return MetricInfo(activeFrom: metric.activeFrom, scope: metric.scope, expression: expression)
            }
        }
        let nodes = UnsafeMutablePointer<Program.Node>.allocate(capacity: max(1, compiled.nodes.count))
        nodes.initialize(from: compiled.nodes, count: compiled.nodes.count)
        let children = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, compiled.children.count))
        children.initialize(from: compiled.children, count: compiled.children.count)
        program = ProgramView(nodes: nodes, children: children)
    }

    deinit {
        leafTable.deinitialize(count: max(1, rules.leafCount))
        leafTable.deallocate()
        UnsafeMutablePointer(mutating: program.nodes).deallocate()
        UnsafeMutablePointer(mutating: program.children).deallocate()
        leafKinds.deallocate()
        leafTextPattern.deallocate()
        leafMask.deallocate()
        candidates.deallocate()
        candidateCount.deallocate()
        textBytes.deallocate()
        foundLiterals.deallocate()
        textStart.deallocate()
        prefilterUsable.deallocate()
        prefixCounts.deallocate()
        memo.deallocate()
        eventKinds.deallocate()
    }

    /// Set in `eventKinds` for events where a flow is entered, once the replay is known.
    private static let flowEntryBit: UInt16 = 1 << 15

    private static func kindMask(_ kind: Leaf.Kind) -> UInt16 {
        func bit(_ k: Event.Kind) -> UInt16 { 1 << UInt16(k.rawValue) }
        switch kind {
        case .user, .intent: return bit(.user)
        case .agent: return bit(.agent)
        case .said: return bit(.user) | bit(.agent)
        case .function: return bit(.function)
        case .metric: return bit(.metric)
        case .state: return bit(.state)
        case .handoff: return bit(.handoff)
        case .flow: return flowEntryBit
        }
    }

    /// Scores one conversation against every metric, in rule order.
    public func evaluate(_ conversation: Conversation) -> ConversationResult {
        load(conversation)
        let replay = self.replay!
        var results: [MetricResult] = []
        results.reserveCapacity(rules.metrics.count)
        for m in rules.metrics.indices {
            results.append(evaluate(metricAt: m, flowFailure: metricUsesFlows[m] ? replay.failure : nil))
        }
        var logged: [(name: String, values: [JSONValue])] = []
        var position: [String: Int] = [:]
        for e in conversation.events where e.kind == .metric {
            let name = e.name!
            if let p = position[name] {
                logged[p].values.append(e.value ?? .null)
            } else {
                position[name] = logged.count
                logged.append((name, [e.value ?? .null]))
            }
        }
        return ConversationResult(id: conversation.id, startedAt: conversation.startedAt, metrics: results,
                                  flows: replay.flowsEntered, functions: replay.functionsCalled, logged: logged)
    }

    /// Replays `conversation` through the flow state machine and resets the caches.
    func load(_ conversation: Conversation) {
        self.conversation = conversation
        eventCount = conversation.events.count
        let size = rules.leafCount * eventCount
        if memoCapacity < size {
            memo.deallocate()
            memoCapacity = max(size, memoCapacity * 2)
            memo = .allocate(capacity: memoCapacity)
        }
        memo.initialize(repeating: 0, count: size)
        if eventKindsCapacity < eventCount {
            eventKinds.deallocate()
            eventKindsCapacity = max(eventCount, eventKindsCapacity * 2)
            eventKinds = .allocate(capacity: eventKindsCapacity)
        }
        conversation.events.withUnsafeBufferPointer { events in
            for i in events.indices { eventKinds[i] = 1 << UInt16(events[i].kind.rawValue) }
        }
        if !textPatterns.isEmpty { loadTexts(conversation.events) }
        if candidatesCapacity < masks.count * eventCount {
            candidates.deallocate()
            candidatesCapacity = max(masks.count * eventCount, candidatesCapacity * 2)
            candidates = .allocate(capacity: candidatesCapacity)
        }
        for m in masks.indices { collectCandidates(m) }
        let last = eventCount - 1
        scratch.resetBudget()
        replay = nil
        replay = FlowReplay(conversation: conversation, rules: rules) { (f) throws(LocatedMatchLimit) -> [Int] in
            var hits: [Int] = []
            for leaf in rules.flows[f].enterWhen where last >= 0 {
                _ = try self.appendHits(leaf.id, from: 0, to: last, into: &hits)
            }
            Evaluator.sortUnique(&hits, from: 0)
            return hits
        }
        // Flow leaves (not allowed in `enter_when`, so never read above) hit only where a
        // flow is entered.
        if let entries = replay?.entriesAt {
            for i in entries.indices where !entries[i].isEmpty { eventKinds[i] |= Evaluator.flowEntryBit }
        }
        for m in masks.indices where masks[m] & Evaluator.flowEntryBit != 0 { collectCandidates(m) }
    }

    /// Lists the events that mask `m` admits.
    private func collectCandidates(_ m: Int) {
        let mask = masks[m], list = candidates + m * eventCount
        var n = 0
        for i in 0..<eventCount where eventKinds[i] & mask != 0 {
            list[n] = Int32(i)
            n += 1
        }
        candidateCount[m] = n
    }

    /// Copies the events' texts into the arena and notes which literals each one holds.
    private func loadTexts(_ events: [Event]) {
        textStart.deallocate()
        prefilterUsable.deallocate()
        foundLiterals.deallocate()
        let words = scanner.words
        textStart = .allocate(capacity: events.count + 1)
        prefilterUsable = .allocate(capacity: max(1, events.count))
        foundLiterals = .allocate(capacity: max(1, events.count * words))
        var total = 0
        for i in events.indices { total += events[i].text?.utf8.count ?? 0 }
        if textCapacity < total {
            textBytes.deallocate()
            textCapacity = max(total, textCapacity * 2)
            textBytes = .allocate(capacity: textCapacity)
        }
        var offset = 0
        for i in events.indices {
            textStart[i] = offset
            prefilterUsable[i] = false
            guard var text = events[i].text else { continue }
            text.withUTF8 { utf8 in
                guard let base = utf8.baseAddress, !utf8.isEmpty else { return }
                (textBytes + offset).update(from: base, count: utf8.count)
                if words > 0 && !RequiredLiterals.mayFoldToASCII(base, count: utf8.count) {
                    prefilterUsable[i] = true
                    scanner.scan(base, count: utf8.count, into: foundLiterals + i * words)
                }
                offset += utf8.count
            }
        }
        textStart[events.count] = offset
    }

    /// Matches text pattern `p` on event `i`'s text, unless the prefilter rules it out.
    @inline(__always)
    private func matchText(_ p: Int, at i: Int) throws(MatchLimitError) -> Bool {
        let first = Int(literalStart[p]), end = Int(literalStart[p + 1])
        if first < end && prefilterUsable[i] {
            let found = foundLiterals + i * scanner.words
            var any = false
            for k in first..<end {
                let id = Int(literalIDs[k])
                if found[id >> 6] & (1 << UInt64(id & 63)) != 0 {
                    any = true
                    break
                }
            }
            if !any { return false }
        }
        let start = textStart[i]
        return try textPatterns[p].matches(textBytes + start, count: textStart[i + 1] - start, using: scratch)
    }

    /// The flow record of the conversation last loaded.
    var flowReplay: FlowReplay { replay! }

    /// `flowFailure`: why the flow state this metric reads could not be computed, if so.
    func evaluate(metricAt m: Int, flowFailure: String? = nil) -> MetricResult {
        let metric = metricInfo[m]
        if let from = metric.activeFrom, let started = conversation.startedAt, from > started {
            return MetricResult(status: .inactive)
        }
        if let flowFailure { return MetricResult(status: .error, error: flowFailure) }
        scratch.resetBudget()
        let roots = metricRoots[m]
        var triggeredAt: Int?
        do {
            let k: Int
            if roots.applies >= 0 {
                guard let found = try trigger(node: roots.applies, leaves: triggerLeafIDs[m], in: program) else {
                    return MetricResult(status: .notApplicable)
                }
                k = found
            } else {
                k = 0
            }
            triggeredAt = k
            let lower = metric.scope == .conversation ? 0 : k
            if let expression = metric.expression {
                return try number(expression, from: lower, to: eventCount - 1, triggeredAt: k)
            }
            let upper = eventCount - 1
            var evidence: [Int] = []
            switch metric.labels {
            case nil:
                let root = program.nodes[Int(roots.body[0])]
                if root.kind == .all {
                    // The same walk as `holds` on the `all`, keeping which items failed.
                    var failed: [Int] = []
                    for c in 0..<Int(root.count) {
                        let child = program.children[Int(root.first) + c]
                        if try !holds(node: child, from: lower, to: upper, into: &evidence, in: program) { failed.append(c) }
                    }
                    if failed.isEmpty {
                        Evaluator.sortUnique(&evidence, from: 0)
                        return MetricResult(status: .ok, value: .bool(true), triggeredAt: k, evidence: evidence)
                    }
                    return MetricResult(status: .ok, value: .bool(false), triggeredAt: k, failedItems: failed)
                }
                let holds = try self.holds(node: roots.body[0], from: lower, to: upper, into: &evidence, in: program)
                return MetricResult(status: .ok, value: .bool(holds), triggeredAt: k, evidence: evidence)
            case let labels?:
                for (j, root) in roots.body.enumerated() {
                    if try holds(node: root, from: lower, to: upper, into: &evidence, in: program) {
                        return MetricResult(status: .ok, value: .label(labels[j]), triggeredAt: k, evidence: evidence)
                    }
                }
                if let otherwise = metric.otherwise { return MetricResult(status: .ok, value: .label(otherwise), triggeredAt: k) }
                return MetricResult(status: .unmatched, triggeredAt: k)
            }
        } catch {
            return MetricResult(status: .error, triggeredAt: triggeredAt,
                                error: "pattern '\(error.pattern)' stopped on \(error.eventDescription): \(error.message)")
        }
    }

    // MARK: Programs

    /// Where a metric's compiled conditions start: `applies` is -1 without `applies_when`;
    /// `body` holds the `when` root, or one root per label.
    struct MetricRoots {
        var applies: Int32
        var body: [Int32]
    }

    /// A compiled program seen through raw pointers, for the recursive walks below.
    struct ProgramView {
        let nodes: UnsafePointer<Program.Node>
        let children: UnsafePointer<Int32>
    }

    /// Runs `body` with a view of a program compiled from `condition` (for callers that hold a
    /// condition rather than a compiled metric: tests, explanations).
    private func withProgram<R>(_ condition: Condition, _ body: (Int32, ProgramView) throws(LocatedMatchLimit) -> R) throws(LocatedMatchLimit) -> R {
        var compiled = Program()
        let root = compiled.add(condition)
        let nodes = compiled.nodes, children = compiled.children + [0]
        let result: Result<R, LocatedMatchLimit> = nodes.withUnsafeBufferPointer { n in
            children.withUnsafeBufferPointer { c in
                do throws(LocatedMatchLimit) {
                    return .success(try body(root, ProgramView(nodes: n.baseAddress!, children: c.baseAddress!)))
                } catch { return .failure(error) }
            }
        }
        return try result.get()
    }

    // MARK: Triggers

    /// The smallest k such that `condition`, seeing only events 0...k, holds.
    func trigger(_ condition: Condition, leaves: [Leaf]? = nil) throws(LocatedMatchLimit) -> Int? {
        let ids = (leaves ?? condition.leaves).map(\.id)
        return try withProgram(condition) { (root, view) throws(LocatedMatchLimit) in try trigger(node: root, leaves: ids, in: view) }
    }

    /// Each step matches every leaf on event k (so the same events are examined as when
    /// evaluating every prefix in turn), keeps running hit counts, and decides the prefix
    /// from them.
    private func trigger(node root: Int32, leaves: [Int], in program: ProgramView) throws(LocatedMatchLimit) -> Int? {
        let node = program.nodes[Int(root)]
        if node.kind == .leaf && node.atLeast < 0 {
            // The common `applies_when`, one leaf without `count`: the trigger is its first hit.
            let id = Int(node.leaf)
            let m = Int(leafMask[id])
            let list = candidates + m * eventCount
            for c in 0..<candidateCount[m] where try hit(id, at: Int(list[c])) { return Int(list[c]) }
            return nil
        }
        for id in leaves { prefixCounts[id] = 0 }
        sequences.removeAll(keepingCapacity: true)
        collectSequences(root, in: program)
        for k in 0..<eventCount {
            for id in leaves where try hit(id, at: k) { prefixCounts[id] += 1 }
            for s in sequences.indices { try advance(&sequences[s], to: k, in: program) }
            if try prefixHolds(root, through: k, in: program) { return k }
        }
        return nil
    }

    /// What the trigger search knows of one `sequence` in `applies_when` after events 0...k.
    /// A sequence holds on a prefix once some chain ends in it, and then on every longer one,
    /// so it is followed incrementally: `latestStart[j]` is the latest first hit of a chain of
    /// steps 0...j seen so far (the latest start gives a chain ending at a given event its
    /// shortest turn span). One step per event: linear in the events, not quadratic.
    struct SequenceProgress {
        var node: Int32
        var latestStart: [Int]
        var holds = false
    }
    private var sequences: [SequenceProgress] = []

    private func collectSequences(_ index: Int32, in program: ProgramView) {
        let node = program.nodes[Int(index)]
        switch node.kind {
        case .leaf: return
        case .sequence:
            sequences.append(SequenceProgress(node: index, latestStart: [Int](repeating: -1, count: Int(node.count))))
        case .all, .any, .not:
            for c in 0..<Int(node.count) { collectSequences(program.children[Int(node.first) + c], in: program) }
        }
    }

    private func advance(_ progress: inout SequenceProgress, to k: Int, in program: ProgramView) throws(LocatedMatchLimit) {
        if progress.holds { return }
        let node = program.nodes[Int(progress.node)]
        let steps = Int(node.count), children = program.children + Int(node.first)
        // Last step first, so that each step extends chains that ended before event k.
        for j in stride(from: steps - 1, through: 0, by: -1) where try hit(Int(children[j]), at: k) {
            let start = j == 0 ? k : progress.latestStart[j - 1]
            guard start >= 0 else { continue }
            if j == steps - 1, node.within < 0 || conversation.turns[k] - conversation.turns[start] <= Int(node.within) {
                progress.holds = true
            }
            progress.latestStart[j] = max(progress.latestStart[j], start)
        }
    }

    private func prefixHolds(_ index: Int32, through k: Int, in program: ProgramView) throws(LocatedMatchLimit) -> Bool {
        let node = program.nodes[Int(index)]
        let children = program.children + Int(node.first)
        switch node.kind {
        case .leaf:
            return node.holds(prefixCounts[Int(node.leaf)])
        case .all:
            for c in 0..<Int(node.count) where try !prefixHolds(children[c], through: k, in: program) { return false }
            return true
        case .any:
            for c in 0..<Int(node.count) where try prefixHolds(children[c], through: k, in: program) { return true }
            return false
        case .not:
            return try !prefixHolds(children[0], through: k, in: program)
        case .sequence:
            return sequences.first { $0.node == index }?.holds ?? false
        }
    }

    // MARK: Conditions

    struct Outcome {
        var holds: Bool
        var evidence: [Int]
    }

    /// Evaluates a condition with leaves restricted to events `from...to` (empty when to < from).
    func holds(_ condition: Condition, from lower: Int, to upper: Int) throws(LocatedMatchLimit) -> Outcome {
        try withProgram(condition) { (root, view) throws(LocatedMatchLimit) in
            var evidence: [Int] = []
            let ok = try holds(node: root, from: lower, to: upper, into: &evidence, in: view)
            return Outcome(holds: ok, evidence: evidence)
        }
    }

    /// Whether node `index` holds over events `lower...upper`. When it holds, its evidence is
    /// appended to `evidence`; when it does not, `evidence` is left as it was. Every child of
    /// `all` and `any` is evaluated, so a match-limit error anywhere is reported.
    private func holds(node index: Int32, from lower: Int, to upper: Int, into evidence: inout [Int],
                       in program: ProgramView) throws(LocatedMatchLimit) -> Bool {
        let node = program.nodes[Int(index)]
        let children = program.children + Int(node.first)
        let start = evidence.count
        switch node.kind {
        case .leaf:
            let n = try appendHits(Int(node.leaf), from: lower, to: upper, into: &evidence)
            if node.holds(n) { return true }
            evidence.removeSubrange(start...)
            return false
        case .all:
            var ok = true
            for c in 0..<Int(node.count) where try !holds(node: children[c], from: lower, to: upper, into: &evidence, in: program) {
                ok = false
            }
            if ok {
                Evaluator.sortUnique(&evidence, from: start)
            } else {
                evidence.removeSubrange(start...)
            }
            return ok
        case .any:
            var ok = false
            for c in 0..<Int(node.count) where try holds(node: children[c], from: lower, to: upper, into: &evidence, in: program) {
                ok = true
            }
            Evaluator.sortUnique(&evidence, from: start)
            return ok
        case .not:
            let inner = try holds(node: children[0], from: lower, to: upper, into: &evidence, in: program)
            evidence.removeSubrange(start...)
            return !inner
        case .sequence:
            var lists: [[Int]] = []
            for c in 0..<Int(node.count) { lists.append(try hits(Int(children[c]), from: lower, to: upper)) }
            guard let chain = Evaluator.firstChain(lists, turns: conversation.turns, within: node.within < 0 ? nil : Int(node.within)) else {
                return false
            }
            evidence += chain
            return true
        }
    }

    /// The first chain h1 < h2 < ... (hk from lists[k]) whose turn span is within the bound.
    /// For a given h1, taking the earliest later hit at each step ends the chain as early as
    /// possible, so trying each h1 in order finds a chain whenever one exists. Those greedy
    /// chains only move forward as h1 does, so each list is walked once: linear in the hits.
    static func firstChain(_ lists: [[Int]], turns: [Int], within: Int?) -> [Int]? {
        guard let first = lists.first else { return nil }
        var cursors = [Int](repeating: 0, count: lists.count)
        var chain = [Int](repeating: 0, count: lists.count)
        for start in first {
            chain[0] = start
            var previous = start
            for k in 1..<lists.count {
                let list = lists[k]
                var c = cursors[k]
                while c < list.count && list[c] <= previous { c += 1 }
                cursors[k] = c
                guard c < list.count else { return nil }
                previous = list[c]
                chain[k] = previous
            }
            if let within, turns[previous] - turns[start] > within { continue }
            return chain
        }
        return nil
    }

    /// Sorts `a[from...]` and removes repeats from it.
    static func sortUnique(_ a: inout [Int], from start: Int) {
        if a.count - start < 2 { return }
        a[start...].sort()
        var write = start + 1
        for read in (start + 1)..<a.count where a[read] != a[write - 1] {
            a[write] = a[read]
            write += 1
        }
        a.removeSubrange(write...)
    }

    /// Indices in `from...to` that `leaf` hits (modifiers applied, `count` not).
    func hits(_ leaf: Leaf, from lower: Int, to upper: Int) throws(LocatedMatchLimit) -> [Int] {
        try hits(leaf.id, from: lower, to: upper)
    }

    private func hits(_ id: Int, from lower: Int, to upper: Int) throws(LocatedMatchLimit) -> [Int] {
        var result: [Int] = []
        _ = try appendHits(id, from: lower, to: upper, into: &result)
        return result
    }

    /// Appends the hits of leaf `id` in `lower...upper` to `out`; returns how many.
    private func appendHits(_ id: Int, from lower: Int, to upper: Int, into out: inout [Int]) throws(LocatedMatchLimit) -> Int {
        guard lower <= upper else { return 0 }
        var n = 0
        let row = memo + id * eventCount
        let m = Int(leafMask[id])
        let list = candidates + m * eventCount, count = candidateCount[m]
        var c = 0
        while c < count && Int(list[c]) < lower { c += 1 }
        while c < count {
            let i = Int(list[c])
            if i > upper { break }
            c += 1
            switch row[i] {
            case 1:
                out.append(i)
                n += 1
            case 2: break
            default:
                if try hit(id, at: i) {
                    out.append(i)
                    n += 1
                }
            }
        }
        return n
    }

    /// Whether leaf `id` hits event `i`, matched once per conversation and then remembered.
    @inline(__always)
    private func hit(_ id: Int, at i: Int) throws(LocatedMatchLimit) -> Bool {
        if leafKinds[id] & eventKinds[i] == 0 { return false }
        let slot = id * eventCount + i
        switch memo[slot] {
        case 1: return true
        case 2: return false
        default:
            let hit: Bool
            do {
                let p = leafTextPattern[id]
                hit = p >= 0 ? try matchText(Int(p), at: i) : try isHit(leafTable[id], at: i)
            } catch {
                throw LocatedMatchLimit(pattern: error.pattern, message: error.message, event: i)
            }
            memo[slot] = hit ? 1 : 2
            return hit
        }
    }

    private func isHit(_ leaf: borrowing Leaf, at i: Int) throws(MatchLimitError) -> Bool {
        // Read the event in place: copying an Event would retain each of its fields.
        let result: Result<Bool, MatchLimitError> = conversation.events.withUnsafeBufferPointer { events in
            do throws(MatchLimitError) { return .success(try isHit(leaf, events, at: i)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    private func isHit(_ leaf: borrowing Leaf, _ events: UnsafeBufferPointer<Event>, at i: Int) throws(MatchLimitError) -> Bool {
        // Cheap tests first: the kind of event, then the modifiers, then patterns and matchers.
        switch leaf.kind {
        case .user, .intent: if events[i].kind != .user { return false }
        case .agent: if events[i].kind != .agent { return false }
        case .said: if !events[i].isSpoken { return false }
        case .function: if events[i].kind != .function { return false }
        case .metric: if events[i].kind != .metric { return false }
        case .state: if events[i].kind != .state { return false }
        case .handoff: if events[i].kind != .handoff { return false }
        case .flow: break
        }
        if let flow = leaf.inFlow {
            guard let current = replay?.currentFlow[i], current.isExactly(flow) else { return false }
        }
        if let t = leaf.turns {
            let turn = Double(conversation.turns[i])
            if turn < t.lower { return false }
            if let upper = t.upper, turn > upper { return false }
        }
        if let s = leaf.seconds {
            guard let at = events[i].at, at >= s.lower else { return false }
            if let upper = s.upper, at > upper { return false }
        }
        switch leaf.kind {
        case let .user(p), let .agent(p), let .said(p):
            return try p.matches(events[i].text!, using: scratch)
        case let .intent(name):
            return events[i].intents.contains { $0.isExactly(name) }
        case let .function(name, args, result, failed):
            guard events[i].name!.isExactly(name) else { return false }
            if let failed, (events[i].error != nil) != failed { return false }
            if let args, try !args.matches(events[i].args, using: scratch) { return false }
            if let result, try !result.matches(events[i].result, using: scratch) { return false }
            return true
        case let .flow(name, step):
            guard let entries = replay?.entriesAt[i] else { return false }
            return entries.contains { entry in
                guard entry.flow.isExactly(name) else { return false }
                guard let step else { return true }
                return !entry.derived && (entry.step?.isExactly(step) ?? false)
            }
        case let .metric(name, value), let .state(name, value):
            guard events[i].name!.isExactly(name) else { return false }
            if let value { return try value.matches(events[i].value, using: scratch) }
            return true
        case let .handoff(pattern):
            guard let pattern else { return true }
            return try pattern.matches(events[i].destination ?? "", using: scratch)
        }
    }
}

/// A match limit hit, with the event it happened on.
struct LocatedMatchLimit: Error {
    let pattern: String
    let message: String
    let event: Int

    var eventDescription: String { "event \(event)" }
}
