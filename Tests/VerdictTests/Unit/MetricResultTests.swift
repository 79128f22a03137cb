import Testing
@testable import Verdict

/// A result keeps its commonest shapes as plain values and the rest in one shared part; every
/// field must read back as it was given and as it was last set, whichever part holds it.
@Suite("Metric results")
struct MetricResultTests {
    static let values: [MetricResult.Value?] = [nil, .bool(true), .bool(false), .number(2.5), .label("verified"), .label("")]
    /// Event indices past Int32's range are kept in the shared part.
    static let evidences: [[Int]] = [[], [0], [7], [1, 4], [2, 3, 9], [Int(Int32.max) + 1], [1, Int(Int32.max) + 5]]
    static let errors: [String?] = [nil, "too many steps"]
    static let failed: [[Int]?] = [nil, [], [0, 2]]

    @Test("every combination of fields reads back as given")
    func fieldsReadBack() {
        var seen = 0
        for value in Self.values {
            for evidence in Self.evidences {
                for error in Self.errors {
                    for failedItems in Self.failed {
                        let r = MetricResult(status: .ok, value: value, triggeredAt: evidence.first, evidence: evidence, error: error,
                                             failedItems: failedItems)
                        #expect(r.value == value && r.evidence == evidence && r.error == error && r.failedItems == failedItems)
                        #expect(r.triggeredAt == evidence.first && r.status == .ok)
                        // A label is kept in the shared part, with its evidence.
                        let inline = (1...2).contains(evidence.count) && evidence.allSatisfy { $0 <= Int(Int32.max) } && error == nil
                            && failedItems == nil && !Self.isLabel(value)
                        #expect(r.inlineEvidence?.first == (inline ? evidence[0] : nil))
                        #expect(r.inlineEvidence?.second == (inline && evidence.count == 2 ? evidence[1] : nil))
                        seen += 1
                    }
                }
            }
        }
        #expect(seen == 252)
    }

    @Test("setting one field keeps the others, and equality follows every field")
    func settingFields() {
        var r = MetricResult(status: .ok, value: .bool(false), triggeredAt: 0)
        #expect(r.isFalseFromStart && !r.isBare)
        r.evidence = [3]
        #expect(r.evidence == [3] && r.value == .bool(false) && !r.isFalseFromStart)
        r.value = .label("partial")
        #expect(r.value == .label("partial") && r.evidence == [3])
        r.evidence = [3, 5]
        r.error = "x"
        r.failedItems = [1]
        #expect(r.value == .label("partial") && r.evidence == [3, 5] && r.error == "x" && r.failedItems == [1])
        var s = r
        s.error = nil
        #expect(s != r && r.error == "x" && s.evidence == [3, 5])
        s.error = "x"
        #expect(s == r)
        s.failedItems = nil
        s.value = nil
        s.evidence = []
        s.error = nil
        s.triggeredAt = nil
        s.status = .notApplicable
        #expect(s.isBare && s == MetricResult(status: .notApplicable))
        #expect(MetricResult(status: .ok, value: .bool(true), evidence: [1]) != MetricResult(status: .ok, value: .bool(true), evidence: [2]))
        #expect(MetricResult(status: .ok, value: .label("a")) != MetricResult(status: .ok, value: .label("b")))
    }

    /// An evaluator's label results share one part per label; each must read back as the same
    /// result made field by field, its evidence inline when it is one or two events.
    @Test("a result made with a shared label is the same as one made with the label")
    func sharedLabel() {
        let shared = MetricResult.SharedLabel("partial")
        for evidence in Self.evidences {
            let r = MetricResult(label: shared, triggeredAt: 4, evidence: evidence)
            #expect(r == MetricResult(status: .ok, value: .label("partial"), triggeredAt: 4, evidence: evidence))
            #expect(r.value == .label("partial") && r.evidence == evidence && r.error == nil && r.failedItems == nil)
            let inline = (1...2).contains(evidence.count) && evidence.allSatisfy { $0 <= Int(Int32.max) }
            #expect(r.inlineEvidence?.first == (inline ? evidence[0] : nil))
            #expect(!r.isBare && !r.isFalseFromStart)
            // Setting a field gives the result a part of its own; the shared one is unchanged.
            var changed = r
            changed.error = "x"
            #expect(changed.value == .label("partial") && changed.evidence == evidence && changed.error == "x")
            #expect(MetricResult(label: shared, triggeredAt: 4, evidence: evidence).error == nil)
        }
    }

    static func isLabel(_ value: MetricResult.Value?) -> Bool {
        if case .label? = value { return true }
        return false
    }
}
