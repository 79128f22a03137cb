/// Scores conversations against compiled rules (SPEC §4, §5): the evaluation stage, after the
/// flow machine's replay. One evaluator per thread: its leaf matcher owns the PCRE2 scratch
/// space and the per-conversation tables; the compiled rules are shared.
///
/// The walks live beside this file: `Evaluator+Triggers.swift` finds where `applies_when`
/// first holds, `Evaluator+Conditions.swift` decides conditions over a window, and
/// `NumberValues.swift` computes value expressions. All of them ask the `LeafMatcher` whether
/// a leaf hits an event, which matches each (leaf, event) pair at most once per conversation.
/// An `EvaluationObserver`, when one is given, hears what the walks decide.
public final class Evaluator {
    public let compiled: CompiledRules
    public var rules: RuleSet { compiled.rules }
    /// The flow stage: replays each conversation before its metrics are evaluated.
    public let flows: FlowMachine
    let matcher: LeafMatcher
    /// Whoever listens to the evaluation under way (see `evaluate(_:observer:)`), and the same
    /// while a metric it watches is walked: the walks report to `observer` when it is set.
    private var listener: EvaluationObserver?
    private(set) var observer: EvaluationObserver?

    var conversation: Conversation { matcher.conversation }
    var eventCount: Int { matcher.tables.eventCount }
    /// The `sequence`s of the `applies_when` being searched (see `trigger`).
    var sequences: [SequenceProgress] = []
    /// Scratch for deciding a `sequence` over a window: its steps' hits end to end, where
    /// each step's start, and the chain search's cursors (see `appendFirstChain`).
    var sequenceHits: [Int] = []
    var sequenceStarts: [Int] = []
    var sequenceCursors: [Int] = []
    /// Scratch for a metric's evidence (see `evaluate(metricAt:)`): it keeps its memory from one
    /// metric to the next, so the evidence of most results, none, one or two events (kept
    /// inline in the result), costs no array.
    private var evidenceScratch: [Int] = []
    /// Per metric, the shared part of each of its labels, then of `otherwise` (see
    /// `MetricResult.SharedLabel`): this evaluator's own, so that only its thread counts
    /// their references.
    private let sharedLabels: [[MetricResult.SharedLabel]]
    /// The steps trigger searches have taken since this evaluator was made: one per leaf
    /// looked at on an event, sequence step advanced and node decided on a prefix. A test
    /// counts them to hold the search linear in the events.
    var triggerSteps = 0
    /// Per metric, its result on a conversation in which none of its text patterns occurs,
    /// once one has been evaluated (see `CompiledRules.MetricPlan.quietCount`): it is the same
    /// on every such conversation, so it is evaluated once per evaluator and then reused.
    private var quietResults: [MetricResult?]
    /// Per metric, whether its quiet result is known and false from the start (the commonest):
    /// then it is made afresh instead of copied from `quietResults`.
    private var quietIsFalseFromStart: [Bool]
    /// Off, every metric is evaluated on every conversation (the soundness test compares).
    var reusesQuietResults = true
    /// How many results were reused so; a test counts them.
    private(set) var quietResultsReused = 0

    /// An evaluator for `rules`, compiled for it alone. To score on several threads, compile
    /// once and give each thread `init(compiled:limits:)`.
    public convenience init(rules: RuleSet, limits: EvaluationLimits = EvaluationLimits()) {
        self.init(compiled: CompiledRules(rules), limits: limits)
    }

    public init(compiled: CompiledRules, limits: EvaluationLimits = EvaluationLimits()) {
        self.compiled = compiled
        flows = FlowMachine(compiled.rules.flows)
        matcher = LeafMatcher(compiled: compiled, flows: flows, limits: limits)
        quietResults = [MetricResult?](repeating: nil, count: compiled.metricCount)
        quietIsFalseFromStart = [Bool](repeating: false, count: compiled.metricCount)
        sharedLabels = compiled.metricInfo.map { info in ((info.labels ?? []) + (info.otherwise.map { [$0] } ?? [])).map(MetricResult.SharedLabel.init) }
    }

    /// Scores one conversation: replays its flows, then evaluates every metric in rule order.
    public func evaluate(_ conversation: Conversation) -> ConversationResult {
        replayFlows(conversation)
        return evaluateMetrics()
    }

    /// The same, telling `observer` how each metric it watches was decided.
    func evaluate(_ conversation: Conversation, observer: EvaluationObserver) -> ConversationResult {
        listener = observer
        defer { listener = nil }
        return evaluate(conversation)
    }

    /// Stage 2 of scoring: loads `conversation` and replays it through the flow machine, whose
    /// record (`flows`) then describes it.
    public func replayFlows(_ conversation: Conversation) {
        matcher.load(conversation)
        matcher.borrowingEvents { flows.replay(conversation, leaves: matcher) }
        // Flow leaves (not allowed in `enter_when`, so never read during the replay) hit only
        // where a flow is entered.
        matcher.flowsReplayed()
    }

    /// Stage 3 of scoring: every metric of the conversation last replayed, in rule order.
    public func evaluateMetrics() -> ConversationResult {
        matcher.borrowingEvents(evaluateMetricsBorrowing)
    }

    private func evaluateMetricsBorrowing() -> ConversationResult {
        let metricCount = compiled.metricCount
        var results: [MetricResult] = []
        results.reserveCapacity(metricCount)
        let quiet = reusesQuietResults && eventCount > 0
        for m in 0..<metricCount {
            let failure = compiled.plans[m].usesFlows ? flows.failure : nil
            guard let listener, listener.begin(metric: m) else {
                if quiet && isQuiet(m) {
                    if quietIsFalseFromStart[m] {
                        quietResultsReused &+= 1
                        results.append(.falseFromStart)
                    } else if let known = quietResults[m] {
                        quietResultsReused &+= 1
                        results.append(known)
                    } else {
                        let result = evaluate(metricAt: m)
                        quietResults[m] = result
                        quietIsFalseFromStart[m] = result.isFalseFromStart
                        results.append(result)
                    }
                    continue
                }
                results.append(evaluate(metricAt: m, flowFailure: failure))
                continue
            }
            observer = listener
            let result = evaluate(metricAt: m, flowFailure: failure)
            observer = nil
            listener.finished(metric: m, result)
            results.append(result)
        }
        var logged: [(name: String, values: [JSONValue])] = []
        // A conversation logs few metrics: their names are looked up in the list, and a table
        // is made only once there are many.
        var position: [String: Int]?
        // By index: copying an Event would retain each of its fields.
        let events = conversation.events
        for i in events.indices where events[i].kind == .metric {
            let name = events[i].name ?? ""
            if let p = position != nil ? position![name] : logged.firstIndex(where: { $0.name == name }) {
                logged[p].values.append(events[i].value ?? .null)
            } else {
                logged.append((name, [events[i].value ?? .null]))
                if position != nil {
                    position![name] = logged.count - 1
                } else if logged.count == 16 {
                    position = Dictionary(uniqueKeysWithValues: logged.indices.map { (logged[$0].name, $0) })
                }
            }
        }
        return ConversationResult(id: conversation.id, startedAt: conversation.startedAt, metadata: conversation.metadata, metrics: results,
                                  flows: flows.flowsEntered, functions: flows.functionsCalled, logged: logged)
    }

    /// Whether metric `m` reads only text patterns, none of which occurs in the conversation.
    @inline(__always)
    private func isQuiet(_ m: Int) -> Bool {
        let plan = compiled.plans.base + m
        let count = Int(plan.pointee.quietCount)
        if count < 0 { return false }
        let patterns = compiled.quietPatterns.base + Int(plan.pointee.quietFirst)
        let absent = matcher.tables.patternAbsent.base
        for k in 0..<count where !absent[Int(patterns[k])] { return false }
        return true
    }

    /// Every leaf's hits on `conversation`, all matched now, as `evaluate(_:knownHits:except:)`
    /// takes them; nil when a pattern stops at its match limit.
    func knownHits(_ conversation: Conversation) -> [UInt8]? {
        replayFlows(conversation)
        let last = eventCount - 1
        do {
            for leaf in compiled.rules.allLeaves where last >= 0 { _ = try matcher.hits(leaf.id, from: 0, to: last) }
        } catch {
            return nil
        }
        return Array(UnsafeBufferPointer(start: matcher.tables.memo.base, count: compiled.leafCount * eventCount))
    }

    /// Scores `conversation` with the hits of every leaf but `except` taken from `known`, found
    /// by `knownHits` on the same conversation with leaves of the same ids and definitions
    /// (`verdict mutate` runs thousands of mutants of one metric that differ in one leaf at most).
    func evaluate(_ conversation: Conversation, knownHits known: [UInt8], except: Int?) -> ConversationResult {
        matcher.seed = (known, except)
        defer { matcher.seed = nil }
        return evaluate(conversation)
    }

    /// Metric `m` of the conversation last replayed. `flowFailure`: why the flow state this
    /// metric reads could not be computed, if so.
    func evaluate(metricAt m: Int, flowFailure: String? = nil) -> MetricResult {
        let plan = compiled.plans[m]
        let program = ProgramView(compiled)
        if plan.hasActiveFrom, let from = compiled.metricInfo[m].activeFrom, let started = conversation.startedAt, from > started {
            showAppliesWhen(of: plan, in: program)
            return MetricResult(status: .inactive)
        }
        if let flowFailure {
            showAppliesWhen(of: plan, in: program)
            return MetricResult(status: .error, error: flowFailure)
        }
        matcher.scratch.resetBudget()
        let body = compiled.bodyRoots.base + Int(plan.bodyFirst)
        let last = eventCount - 1
        var triggeredAt: Int?
        do {
            let k: Int
            if plan.applies != Program.absent {
                let found = try trigger(node: plan.applies, metric: m, in: program)
                if let observer {
                    // The trigger search decides prefix by prefix; what is shown is the
                    // condition over the prefix it chose.
                    var evidence: [Int] = []
                    observer.beginTree(.appliesWhen)
                    _ = try holds(node: plan.applies, from: 0, to: found ?? last, into: &evidence, in: program)
                    observer.endTree()
                }
                guard let found else { return MetricResult(status: .notApplicable) }
                k = found
            } else {
                k = 0
            }
            triggeredAt = k
            let lower = plan.conversationScope ? 0 : k
            observer?.window(lower, last)
            if plan.isNumber, let expression = compiled.metricInfo[m].expression {
                if let observer { try observeValue(expression, from: lower, to: last, observer) }
                return try number(expression, from: lower, to: last, triggeredAt: k)
            }
            // Taken out while in use, so that it is not shared and keeps its memory when emptied;
            // a result with three or more events of evidence keeps the array, and the next
            // metric's is then a new one.
            var evidence = evidenceScratch
            evidenceScratch = []
            evidence.removeAll(keepingCapacity: true)
            defer { evidenceScratch = evidence }
            if !plan.isCategorical {
                observer?.beginTree(.when)
                defer { observer?.endTree() }
                let root = program.nodes[Int(body[0])]
                if root.kind == .all {
                    // The same walk as `holds` on the `all`, keeping which items failed.
                    observer?.enter()
                    var failed: [Int] = []
                    for c in 0..<Int(root.count) {
                        let child = program.children[Int(root.first) + c]
                        if try !holds(node: child, from: lower, to: last, into: &evidence, in: program) { failed.append(c) }
                    }
                    if failed.isEmpty {
                        Evaluator.sortUnique(&evidence, from: 0)
                        observer?.leave(holds: true, hits: evidence[...])
                        return MetricResult(status: .ok, value: .bool(true), triggeredAt: k, evidence: evidence)
                    }
                    observer?.leave(holds: false, hits: [])
                    return MetricResult(status: .ok, value: .bool(false), triggeredAt: k, failedItems: failed)
                }
                let holds = try self.holds(node: body[0], from: lower, to: last, into: &evidence, in: program)
                return MetricResult(status: .ok, value: .bool(holds), triggeredAt: k, evidence: evidence)
            }
            for j in 0..<Int(plan.bodyCount) {
                observer?.beginTree(.label(j))
                let holds = try self.holds(node: body[j], from: lower, to: last, into: &evidence, in: program)
                observer?.endTree()
                if holds {
                    if let observer { showLabels(after: j, of: plan, from: lower, to: last, observer) }
                    return MetricResult(label: sharedLabels[m][j], triggeredAt: k, evidence: evidence)
                }
            }
            if compiled.metricInfo[m].otherwise != nil { return MetricResult(label: sharedLabels[m][Int(plan.bodyCount)], triggeredAt: k, evidence: []) }
            return MetricResult(status: .unmatched, triggeredAt: k)
        } catch {
            return MetricResult(status: .error, triggeredAt: triggeredAt, error: error.metricError)
        }
    }

    /// For a metric that is not evaluated (inactive, or its flow state unknown): its
    /// `applies_when` over the whole conversation, shown for what it would see.
    private func showAppliesWhen(of plan: CompiledRules.MetricPlan, in program: ProgramView) {
        guard let observer, plan.applies != Program.absent else { return }
        matcher.scratch.resetBudget()
        var evidence: [Int] = []
        observer.beginTree(.appliesWhen)
        do throws(LocatedMatchLimit) {
            _ = try holds(node: plan.applies, from: 0, to: eventCount - 1, into: &evidence, in: program)
        } catch {
            observer.problem(error.metricError)
        }
        observer.endTree()
    }

    /// The labels after the chosen one, walked only to be shown: a match limit there is
    /// reported to the observer and leaves the result as it is.
    private func showLabels(after chosen: Int, of plan: CompiledRules.MetricPlan, from lower: Int, to upper: Int, _ observer: EvaluationObserver) {
        let program = ProgramView(compiled)
        let body = compiled.bodyRoots.base + Int(plan.bodyFirst)
        do throws(LocatedMatchLimit) {
            for j in (chosen + 1)..<Int(plan.bodyCount) {
                var evidence: [Int] = []
                observer.beginTree(.label(j))
                _ = try holds(node: body[j], from: lower, to: upper, into: &evidence, in: program)
                observer.endTree()
            }
        } catch {
            observer.problem(error.metricError)
        }
    }

    /// Reports a value expression as a node over its leaves' hits in the window; its own
    /// holds/hits are the value's (`NumberValues.swift`).
    private func observeValue(_ expression: ValueExpression, from lower: Int, to upper: Int, _ observer: EvaluationObserver) throws(LocatedMatchLimit) {
        observer.beginTree(.value)
        observer.enter()
        for leaf in expression.leaves {
            let hits = try matcher.hits(leaf, from: lower, to: upper)
            observer.leaf(holds: !hits.isEmpty, hits: hits[...])
        }
        let computed = try value(of: expression, from: lower, to: upper)
        if let (value, evidence) = computed, value.isFinite {
            observer.leave(holds: true, hits: evidence[...])
        } else {
            observer.leave(holds: false, hits: [])
        }
        observer.endTree()
    }
}
