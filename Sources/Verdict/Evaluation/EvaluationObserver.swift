/// What the evaluator's walk reports while it decides a metric, to whoever shows how it was
/// decided (ripgrep's searcher and its sinks): `Explanation` listens, and `explain`, the review
/// page's condition trees and `test --coverage` read what it heard. Nothing evaluates a
/// condition a second time to show it. Without an observer the walk reports nothing.
///
/// For each watched metric the walk reports, in order: the `applies_when` tree over events
/// 0...trigger (the whole conversation when it never holds), the window, then one tree per
/// body part (the `when`; each label, all of them, the chosen one first decided; the value
/// expression's leaves), then the result. A tree arrives depth first: `enter` and `leave`
/// around each combinator (`all`, `any`, `not`, `sequence`), `leaf` for each leaf and
/// sequence step.
protocol EvaluationObserver: AnyObject {
    /// Whether metric `m` is to be reported; when it is, the reports that follow, up to
    /// `finished`, are of it.
    func begin(metric m: Int) -> Bool
    func beginTree(_ part: ObservedPart)
    func enter()
    func leaf(holds: Bool, hits: ArraySlice<Int>)
    func leave(holds: Bool, hits: ArraySlice<Int>)
    func endTree()
    func window(_ lower: Int, _ upper: Int)
    /// A label looked at only to be shown (after the one chosen) stopped at a match limit.
    func problem(_ message: String)
    func finished(metric m: Int, _ result: MetricResult)
}

/// Which of a metric's conditions a reported tree is.
enum ObservedPart: Equatable {
    case appliesWhen
    case when
    case label(Int)
    /// A number metric's value expression: a node over the leaves it reads.
    case value
}
