public enum MetricScope: String, Sendable {
    case afterTrigger = "after_trigger"
    case conversation
}

public struct Label: Sendable {
    public var label: String
    public var when: Condition
}

public struct Metric: Sendable {
    public enum Body: Sendable {
        case boolean(Condition)
        case categorical(labels: [Label], otherwise: String?)
        /// A number metric: its value expression and, for people, its unit.
        case number(ValueExpression, unit: String?)
    }

    public var name: String
    public var definition: String
    public var appliesWhen: Condition?
    public var scope: MetricScope
    public var activeFrom: Timestamp?
    public var body: Body
    public var location: SourceLocation
    /// Where its parts stand in the rule file, for coverage and mutation reports.
    public var locations = MetricLocations()

    public var isBoolean: Bool {
        if case .boolean = body { return true }
        return false
    }

    public var isNumber: Bool {
        if case .number = body { return true }
        return false
    }

    /// "boolean", "categorical" or "number", as rule files write it.
    public var typeName: String {
        switch body {
        case .boolean: return "boolean"
        case .categorical: return "categorical"
        case .number: return "number"
        }
    }

    /// Every condition of the metric: applies-when first, then the body.
    public var conditions: [Condition] {
        var all: [Condition] = appliesWhen.map { [$0] } ?? []
        switch body {
        case let .boolean(c): all.append(c)
        case let .categorical(labels, _): all += labels.map(\.when)
        case let .number(expression, _): all += expression.leaves.map { .leaf($0) }
        }
        return all
    }
}

/// Where the parts of a metric stand in its rule file.
public struct MetricLocations: Sendable {
    /// One per condition node, in the order `Metric.conditions` lists the conditions and, within
    /// each, depth first: a combinator before its items, a `sequence` before its leaves.
    public var nodes: [SourceLocation] = []
    /// One per label, in order.
    public var labels: [SourceLocation] = []
    /// The `otherwise`, `scope` and `applies_when` keys, when written.
    public var otherwise: SourceLocation?
    public var scope: SourceLocation?
    public var appliesWhen: SourceLocation?

    public init() {}
}

/// Every rule file merged: flows in the order they were declared, metrics in rule order.
public struct RuleSet: Sendable {
    public var flows: [FlowDefinition]
    public var metrics: [Metric]
    /// The files read, in the order they were read.
    public var files: [String]
    /// Number of distinct leaves; leaf ids run from 0 to this.
    public var leafCount: Int
    /// The `lint:` sections of every file, merged.
    public var lint = LintSettings()
    /// Every phrase list declared under `phrases:`, in the order read.
    public var phraseLists: [PhraseList] = []

    public init(flows: [FlowDefinition] = [], metrics: [Metric] = [], files: [String] = [], leafCount: Int = 0) {
        self.flows = flows
        self.metrics = metrics
        self.files = files
        self.leafCount = leafCount
    }

    public func metric(named name: String) -> Metric? {
        metrics.first { $0.name.isExactly(name) }
    }
}

/// What the `lint:` section of a rule file says: checks turned off, and synonym groups
/// added to the built-in ones.
public struct LintSettings: Sendable {
    public var disabled: [String] = []
    public var synonyms: [[String]] = []

    public init(disabled: [String] = [], synonyms: [[String]] = []) {
        self.disabled = disabled
        self.synonyms = synonyms
    }
}


