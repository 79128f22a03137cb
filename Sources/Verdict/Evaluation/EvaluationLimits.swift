/// The bounds on pattern matching: steps per match, and steps per metric and conversation.
public struct EvaluationLimits: Sendable {
    public var matchLimit: UInt32
    public var matchBudget: UInt64

    public init(matchLimit: UInt32 = MatchScratch.defaultMatchLimit, matchBudget: UInt64 = MatchScratch.defaultBudget) {
        self.matchLimit = matchLimit
        self.matchBudget = matchBudget
    }
}
