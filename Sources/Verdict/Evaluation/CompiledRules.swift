/// A rule set compiled for evaluation, once per run: the conditions as one flat program, the
/// leaves by id with the event kinds each can hit, the text patterns with their required
/// literals and one scanner for all of them. Immutable after `init`, so one instance is
/// shared by every worker thread; each thread brings its own `Evaluator` for the
/// per-conversation tables and PCRE2 scratch space.
public final class CompiledRules: Sendable {
    /// The rule set evaluated. Its leaf ids are renumbered when they are not 0..<leafCount,
    /// each once (a rule set assembled or edited by hand), so that no id indexes past a table.
    public let rules: RuleSet

    /// Every metric's conditions, compiled into one table.
    let nodes: Buffer<Program.Node>
    let children: Buffer<Int32>
    /// What the per-metric loop reads, as plain values: no reference counting per metric.
    let plans: Buffer<MetricPlan>
    /// The matchers of every `metadata` condition, by the index its node holds.
    let metadataMatchers: [Matcher]
    /// The text patterns of the metrics that have them (`MetricPlan.quietFirst`).
    let quietPatterns: Buffer<Int32>
    /// The body roots of every metric, `plans[m].bodyFirst ..< + bodyCount`.
    let bodyRoots: Buffer<Int32>
    /// What a metric's result is made of, read only when the result is built.
    let metricInfo: [MetricInfo]
    var metricCount: Int { metricInfo.count }
    /// The leaf ids of each metric's `applies_when`.
    let triggerLeafIDs: [[Int]]

    let leafCount: Int
    /// Each leaf by id, read in place when a (leaf, event) pair is first matched.
    let leaves: Buffer<Leaf>
    /// For each leaf id, the event kinds it can hit, one bit per `Event.Kind` raw value, so that
    /// most (leaf, event) pairs are ruled out by one AND before any field is read.
    let leafKinds: Buffer<UInt16>
    /// The distinct kind masks of the leaves, and each leaf's position among them.
    let masks: [UInt16]
    let leafMask: Buffer<Int32>
    /// The name a function, metric, state, intent or flow leaf compares (a flow leaf's flow),
    /// as bytes: `leafName(id)`. Read in place, where taking the leaf's own string would
    /// retain it on every check, from every scoring thread.
    private let leafNameStart: Buffer<Int32>
    private let leafNameBytes: Buffer<UInt8>
    /// Whether a `flow` leaf names a step.
    let leafHasStep: Buffer<Bool>
    /// Each leaf's kind without its payload, to switch on without copying the payload.
    let leafTag: Buffer<LeafTag>
    /// The matchers of a function, metric or state leaf, read in place (`LeafValueMatchers`);
    /// nil for other leaves and for those without matchers.
    let leafValueMatchers: Buffer<Unmanaged<LeafValueMatchers>?>
    private let valueMatchers: [LeafValueMatchers]
    /// For a `user`/`agent`/`said` leaf without modifiers, the index of its pattern in
    /// `textPatterns`; `Program.absent` for other leaves. Such leaves are matched straight on the text arena.
    let leafTextPattern: Buffer<Int32>
    /// For every `user`, `agent` or `said` leaf, modifiers or not, the index of its pattern in
    /// `textPatterns`, whose literals prefilter it; `Program.absent` for other leaves.
    let leafPrefilterPattern: Buffer<Int32>
    let textPatterns: [Pattern]
    /// The same patterns, unretained (`textPatterns` owns them): a matcher runs one without
    /// retaining it, as retains from every scoring thread would meet on its one shared count.
    let textPatternRefs: Buffer<Unmanaged<Pattern>>
    /// Every required literal (RequiredLiterals) of the text patterns, found in one pass per text.
    let scanner: LiteralScanner
    /// `scanner.words`, read without copying the scanner.
    let literalWords: Int
    /// Per text pattern p, its literal ids: literalIDs[literalStart[p] ..< literalStart[p + 1]];
    /// none when nothing is known, and then the pattern always runs.
    let literalStart: Buffer<Int32>
    let literalIDs: Buffer<Int32>
    /// For a text pattern with more literals than a set of found literals has words (a phrase
    /// list's), the same literals as a mask of `literalWords` words from
    /// `literalMasks[literalMaskStart[p]]`: whether a set holds one of them is then a test per
    /// word, not one per literal. -1 for the other patterns.
    let literalMaskStart: Buffer<Int32>
    let literalMasks: Buffer<UInt64>
    /// The branches of the text patterns that have them (phrase lists), by the literals they hold.
    let branches: BranchTable
    /// Per literal id, the text patterns with literals and without branches that hold it:
    /// patternsOfLiteral[patternsOfLiteralStart[k] ..< patternsOfLiteralStart[k + 1]]. The
    /// texts that may match such a pattern are found from the literals each text holds.
    let patternsOfLiteralStart: Buffer<Int32>
    let patternsOfLiteral: Buffer<Int32>
    /// Per leaf, whether it is a text leaf of such a pattern, and so visits only the events
    /// whose text holds one of the pattern's literals (`ConversationTables.mayMatch`).
    let leafReadsByLiteral: Buffer<Bool>
    /// Whether any leaf reads a `user` or `agent` text, and so whether texts go to the arena.
    let readsTexts: Bool
    /// The fields of events some rule reads beyond the ones every evaluation needs.
    public let decodeNeeds: DecodeNeeds

    /// Whether `found` (a set of found literals, `literalWords` words) holds one of text
    /// pattern `p`'s literals; false for a pattern without literals.
    @inline(__always)
    func holdsLiteral(ofPattern p: Int, in found: UnsafePointer<UInt64>) -> Bool {
        let mask = Int(literalMaskStart[p])
        if mask >= 0 {
            let bits = literalMasks.base + mask
            for w in 0..<literalWords where bits[w] & found[w] != 0 { return true }
            return false
        }
        let first = Int(literalStart[p]), end = Int(literalStart[p + 1])
        return LiteralScanner.holdsAny(UnsafeBufferPointer(start: literalIDs.base + first, count: end - first), in: found)
    }

    /// Where a metric's compiled conditions start (`applies` is `Program.absent` without `applies_when`; the
    /// body is the `when` root, or one root per label), and what decides its walk.
    struct MetricPlan: Sendable {
        var applies: Int32
        var bodyFirst: Int32
        var bodyCount: Int32
        var conversationScope: Bool
        var isNumber: Bool
        var isCategorical: Bool
        var hasActiveFrom: Bool
        /// Whether the metric reads flow state (a `flow` leaf or `in_flow`).
        var usesFlows: Bool
        /// The text patterns of a metric whose every leaf is a prefiltered text leaf, and which
        /// reads nothing else of the conversation (no flows, metadata, `active_from` or
        /// value): `quietPatterns[quietFirst ..< + quietCount]`; `quietCount` is -1 for any
        /// other metric. When none of them occurs in a conversation that has events, every
        /// leaf hits nowhere, so the result is the same on every such conversation.
        var quietFirst: Int32 = 0
        var quietCount: Int32 = -1
    }

    /// What evaluation reads of each metric, kept apart so that the metric is not copied.
    struct MetricInfo: Sendable {
        var activeFrom: Timestamp?
        /// nil for a boolean metric.
        var labels: [String]?
        var otherwise: String?
        /// Set for a number metric.
        var expression: ValueExpression?
    }

    /// Leaf `id`'s name (see `leafNameStart`), valid while these rules live.
    @inline(__always)
    func leafName(_ id: Int) -> UnsafeBufferPointer<UInt8> {
        let start = Int(leafNameStart[id])
        return UnsafeBufferPointer(start: leafNameBytes.base + start, count: Int(leafNameStart[id + 1]) - start)
    }

    /// `keepingMetadata`: decode each conversation's `metadata` even when no rule reads it
    /// (result lines write it, SPEC 1.2 §6).
    public init(_ given: RuleSet, keepingMetadata: Bool = false) {
        let rules = CompiledRules.withUsableLeafIDs(given)
        self.rules = rules
        let count = max(1, rules.leafCount)
        leafCount = rules.leafCount
        triggerLeafIDs = rules.metrics.map { ($0.appliesWhen?.leaves ?? []).map(\.id) }

        var table = [Leaf?](repeating: nil, count: count)
        var kinds = [UInt16](repeating: 0, count: count)
        for leaf in rules.allLeaves {
            kinds[leaf.id] = CompiledRules.kindMask(leaf.kind)
            table[leaf.id] = leaf
        }
        var distinct: [UInt16] = [], maskOf = [Int32](repeating: 0, count: count)
        for id in 0..<count {
            if let known = distinct.firstIndex(of: kinds[id]) { maskOf[id] = Int32(known) } else {
                maskOf[id] = Int32(distinct.count)
                distinct.append(kinds[id])
            }
        }
        masks = distinct
        leafKinds = Buffer(kinds)
        leafMask = Buffer(maskOf)
        leaves = Buffer(table.enumerated().map { id, leaf in leaf ?? Leaf(kind: .handoff(nil), id: id) })
        var nameStart: [Int32] = [0], nameBytes: [UInt8] = [], hasStep: [Bool] = []
        for leaf in table {
            switch leaf?.kind {
            case let .function(name, _, _, _)?, let .metric(name, _)?, let .state(name, _)?, let .intent(name)?, let .flow(name, _)?:
                nameBytes += name.utf8
            default: break
            }
            nameStart.append(Int32(nameBytes.count))
            if case .flow(_, _?)? = leaf?.kind { hasStep.append(true) } else { hasStep.append(false) }
        }
        leafNameStart = Buffer(nameStart)
        leafNameBytes = Buffer(nameBytes)
        leafHasStep = Buffer(hasStep)
        leafTag = Buffer(table.map { LeafTag($0?.kind ?? .handoff(nil)) })
        var owned: [LeafValueMatchers] = []
        leafValueMatchers = Buffer(table.map { leaf -> Unmanaged<LeafValueMatchers>? in
            let made: LeafValueMatchers
            switch leaf?.kind {
            case let .function(_, args, result, failed)? where args != nil || result != nil || failed != nil:
                made = LeafValueMatchers(args: args, result: result, failed: failed)
            case let .metric(_, value?)?, let .state(_, value?)?: made = LeafValueMatchers(args: value, result: nil, failed: nil)
            default: return nil
            }
            owned.append(made)
            return Unmanaged.passUnretained(made)
        })
        valueMatchers = owned

        var textPattern = [Int32](repeating: Program.absent, count: count)
        var prefilterPattern = [Int32](repeating: Program.absent, count: count)
        var patterns: [Pattern] = [], starts: [Int32] = [0], ids: [Int32] = []
        var literals = LiteralIDs()
        var patternIndex: [ObjectIdentifier: Int32] = [:]
        for case let leaf? in table {
            let pattern: Pattern
            switch leaf.kind {
            case let .user(p), let .agent(p), let .said(p): pattern = p
            default: continue
            }
            let plain = leaf.inFlow == nil && leaf.turns == nil && leaf.seconds == nil
            if let known = patternIndex[ObjectIdentifier(pattern)] {
                if plain { textPattern[leaf.id] = known }
                prefilterPattern[leaf.id] = known
                continue
            }
            let index = Int32(patterns.count)
            patternIndex[ObjectIdentifier(pattern)] = index
            if plain { textPattern[leaf.id] = index }
            prefilterPattern[leaf.id] = index
            patterns.append(pattern)
            for literal in pattern.requiredLiterals ?? [] { ids.append(literals.id(of: literal)) }
            starts.append(Int32(ids.count))
        }
        readsTexts = table.contains { leaf in
            switch leaf?.kind {
            case .user?, .agent?, .said?: return true
            default: return false
            }
        }
        var needs = CompiledRules.needs(of: rules)
        if keepingMetadata || rules.metrics.contains(where: { $0.conditions.contains(where: \.readsMetadata) }) { needs.metadata = true }
        decodeNeeds = needs
        leafTextPattern = Buffer(textPattern)
        leafPrefilterPattern = Buffer(prefilterPattern)
        textPatterns = patterns
        textPatternRefs = Buffer(patterns.map { Unmanaged.passUnretained($0) })
        literalStart = Buffer(starts)
        literalIDs = Buffer(ids)
        branches = BranchTable(patterns, literals: &literals)
        scanner = LiteralScanner(literals.all)
        literalWords = scanner.words
        var maskStart: [Int32] = [], masks: [UInt64] = []
        for p in patterns.indices {
            let own = ids[Int(starts[p])..<Int(starts[p + 1])]
            guard own.count > scanner.words else {
                maskStart.append(-1)
                continue
            }
            maskStart.append(Int32(masks.count))
            masks += repeatElement(0, count: scanner.words)
            for id in own { masks[Int(maskStart[p]) + Int(id) >> 6] |= 1 << UInt64(id & 63) }
        }
        literalMaskStart = Buffer(maskStart)
        literalMasks = Buffer(masks)
        var branched: [Bool] = []
        for p in patterns.indices { branched.append(branches.has(p)) }
        var holders = [[Int32]](repeating: [], count: scanner.words * 64)
        for p in patterns.indices where !branched[p] {
            for id in ids[Int(starts[p])..<Int(starts[p + 1])] { holders[Int(id)].append(Int32(p)) }
        }
        patternsOfLiteralStart = Buffer(holders.reduce(into: [Int32(0)]) { $0.append($0.last! + Int32($1.count)) })
        patternsOfLiteral = Buffer(holders.flatMap { $0 })
        leafReadsByLiteral = Buffer(textPattern.map { p in p != Program.absent && starts[Int(p)] < starts[Int(p) + 1] && !branched[Int(p)] })

        var compiled = Program()
        var plans: [MetricPlan] = [], roots: [Int32] = []
        metricInfo = rules.metrics.map { metric in
            let applies = metric.appliesWhen.map { compiled.add($0) } ?? Program.absent
            let first = Int32(roots.count)
            let info: MetricInfo
            switch metric.body {
            case let .boolean(when):
                roots.append(compiled.add(when))
                info = MetricInfo(activeFrom: metric.activeFrom)
            case let .categorical(labels, otherwise):
                roots += labels.map { compiled.add($0.when) }
                info = MetricInfo(activeFrom: metric.activeFrom, labels: labels.map(\.label), otherwise: otherwise)
            case let .number(expression, _):
                info = MetricInfo(activeFrom: metric.activeFrom, expression: expression)
            }
            plans.append(MetricPlan(applies: applies, bodyFirst: first, bodyCount: Int32(roots.count) - first,
                                    conversationScope: metric.scope == .conversation, isNumber: info.expression != nil,
                                    isCategorical: info.labels != nil, hasActiveFrom: metric.activeFrom != nil,
                                    usesFlows: metric.conditions.contains { $0.leaves.contains(where: \.usesFlows) }))
            return info
        }
        var quiet: [Int32] = []
        for m in plans.indices {
            let plan = plans[m]
            guard !plan.isNumber, !plan.hasActiveFrom, !plan.usesFlows else { continue }
            var found: [Int32] = []
            let walked = (plan.applies == Program.absent ? [] : [plan.applies]) + roots[Int(plan.bodyFirst)..<Int(plan.bodyFirst + plan.bodyCount)]
            guard walked.allSatisfy({ CompiledRules.collectTextPatterns($0, compiled, prefilterPattern, into: &found) }) else { continue }
            found = Array(Set(found)).sorted()
            plans[m].quietFirst = Int32(quiet.count)
            plans[m].quietCount = Int32(found.count)
            quiet += found
        }
        quietPatterns = Buffer(quiet)
        self.plans = Buffer(plans)
        bodyRoots = Buffer(roots)
        nodes = Buffer(compiled.nodes)
        children = Buffer(compiled.children)
        metadataMatchers = compiled.metadataMatchers
    }

    /// Adds the text pattern of every leaf under `index` to `found`; false when some leaf has
    /// none (not a text leaf) or a node reads something other than leaves (`metadata`).
    private static func collectTextPatterns(_ index: Int32, _ program: Program, _ prefilter: [Int32], into found: inout [Int32]) -> Bool {
        let node = program.nodes[Int(index)]
        let children = program.children[Int(node.first)..<Int(node.first + node.count)]
        func add(_ leaf: Int32) -> Bool {
            let p = prefilter[Int(leaf)]
            guard p != Program.absent else { return false }
            found.append(p)
            return true
        }
        switch node.kind {
        case .metadata: return false
        case .leaf: return add(node.leaf)
        // A sequence's children are leaf ids.
        case .sequence: return children.allSatisfy(add)
        case .all, .any, .not:
            return children.allSatisfy { collectTextPatterns($0, program, prefilter, into: &found) }
        }
    }

    /// What of `args`, `result` and state `value` some leaf or value expression reads
    /// (`metadata`, which `metadata` conditions read, is decided by the caller).
    static func needs(of rules: RuleSet) -> DecodeNeeds {
        // Only the named function's or key's values are read: a leaf checks the name first.
        var argsRead: [String] = [], resultsRead: [String] = [], states: [String] = []
        func add(_ name: String, to names: inout [String]) {
            if !names.contains(where: { $0.isExactly(name) }) { names.append(name) }
        }
        for leaf in rules.allLeaves {
            switch leaf.kind {
            case let .function(name, args, result, _):
                if args != nil { add(name, to: &argsRead) }
                if result != nil { add(name, to: &resultsRead) }
            case let .state(key, value) where value != nil:
                add(key, to: &states)
            default: break
            }
        }
        for metric in rules.metrics {
            guard case let .number(.valueOf(leaf, path), _) = metric.body else { continue }
            switch leaf.kind {
            case let .function(name, _, _, _):
                if path.first == "args" { add(name, to: &argsRead) } else { add(name, to: &resultsRead) }
            case let .state(key, _):
                add(key, to: &states)
            default: break
            }
        }
        // A field is kept at all when some function or key has it read.
        return DecodeNeeds(metadata: false, functionArgs: !argsRead.isEmpty, functionResult: !resultsRead.isEmpty, stateValues: !states.isEmpty,
                           argsRead: argsRead, resultsRead: resultsRead, statesRead: states)
    }

    static func kindMask(_ kind: Leaf.Kind) -> UInt16 {
        func bit(_ k: Event.Kind) -> UInt16 { 1 << UInt16(k.rawValue) }
        switch kind {
        case .user, .intent: return bit(.user)
        case .agent: return bit(.agent)
        case .said: return bit(.user) | bit(.agent)
        case .function: return bit(.function)
        case .metric: return bit(.metric)
        case .state: return bit(.state)
        case .handoff: return bit(.handoff)
        case .flow: return FlowMachine.entryMark
        }
    }

    /// `rules` itself when every leaf id is distinct and below `leafCount` (as the loader
    /// numbers them); otherwise a copy with the leaves numbered 0, 1, ... in walk order.
    /// Whether every leaf id is in 0..<leafCount and used once, so that compiling keeps them.
    static func hasUsableLeafIDs(_ rules: RuleSet) -> Bool {
        var seen = [Bool](repeating: false, count: max(0, rules.leafCount))
        for leaf in rules.allLeaves {
            guard leaf.id >= 0, leaf.id < seen.count, !seen[leaf.id] else { return false }
            seen[leaf.id] = true
        }
        return true
    }

    static func withUsableLeafIDs(_ rules: RuleSet) -> RuleSet {
        if hasUsableLeafIDs(rules) { return rules }
        var next = 0
        func number(_ leaf: Leaf) -> Leaf {
            var copy = leaf
            copy.id = next
            next += 1
            return copy
        }
        func number(_ condition: Condition) -> Condition {
            switch condition {
            case let .leaf(leaf): return .leaf(number(leaf))
            case let .all(parts): return .all(parts.map(number))
            case let .any(parts): return .any(parts.map(number))
            case let .not(inner): return .not(number(inner))
            case let .sequence(leaves, within): return .sequence(leaves.map(number), withinTurns: within)
            case .metadata: return condition
            }
        }
        var copy = rules
        for m in copy.metrics.indices {
            copy.metrics[m].appliesWhen = copy.metrics[m].appliesWhen.map(number)
            switch copy.metrics[m].body {
            case let .boolean(when): copy.metrics[m].body = .boolean(number(when))
            case let .categorical(labels, otherwise):
                copy.metrics[m].body = .categorical(labels: labels.map { Label(label: $0.label, when: number($0.when)) }, otherwise: otherwise)
            case let .number(expression, unit): copy.metrics[m].body = .number(number(expression), unit: unit)
            }
        }
        for f in copy.flows.indices { copy.flows[f].enterWhen = copy.flows[f].enterWhen.map(number) }
        copy.leafCount = next
        return copy

        func number(_ expression: ValueExpression) -> ValueExpression {
            switch expression {
            case let .hits(leaf): return .hits(number(leaf))
            case let .turnsBetween(a, b): return .turnsBetween(number(a), number(b))
            case let .secondsBetween(a, b): return .secondsBetween(number(a), number(b))
            case let .valueOf(leaf, path): return .valueOf(number(leaf), path: path)
            case .duration: return .duration
            }
        }
    }
}

extension RuleSet {
    /// Every leaf of every metric (conditions and value expression) and every flow's `enter_when`.
    var allLeaves: [Leaf] {
        metrics.flatMap { $0.conditions.flatMap(\.leaves) } + flows.flatMap(\.enterWhen)
    }
}

/// A function leaf's `args`, `result` and `failed` (a metric or state leaf's value matcher is
/// `args`), in an object the rules own, so that a check reads them where they are: copying
/// them out of the leaf counted a reference to each on every check, on every scoring thread.
final class LeafValueMatchers: Sendable {
    let args: Matcher?
    let result: Matcher?
    let failed: Bool?

    init(args: Matcher?, result: Matcher?, failed: Bool?) {
        self.args = args
        self.result = result
        self.failed = failed
    }
}

/// A leaf's kind without its payload.
enum LeafTag: UInt8 {
    case user, agent, said, intent, function, flow, metric, state, handoff

    init(_ kind: Leaf.Kind) {
        switch kind {
        case .user: self = .user
        case .agent: self = .agent
        case .said: self = .said
        case .intent: self = .intent
        case .function: self = .function
        case .flow: self = .flow
        case .metric: self = .metric
        case .state: self = .state
        case .handoff: self = .handoff
        }
    }
}
