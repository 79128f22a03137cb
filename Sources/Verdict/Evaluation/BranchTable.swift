/// The branches of the text patterns that have them (phrase lists, `Pattern.branches`), indexed
/// for confirming one text against only the branches whose literals it holds. A 1,000-phrase
/// list then costs a PCRE2 search per phrase that may occur in a text, not one search of a
/// 1,000-way alternation at every position of every text.
///
/// Branches are numbered across all patterns. Those of text pattern p are
/// `start[p] ..< start[p + 1]`, the ones without required literals first (`free[p]` of them:
/// they always run); the branches holding literal id k are `byLiteral[byLiteralStart[k] ..< byLiteralStart[k + 1]]`.
final class BranchTable: Sendable {
    /// Each branch's pattern, compiled by each matcher when it first runs it.
    let sources: [String]
    let start: Buffer<Int32>
    let free: Buffer<Int32>
    let owner: Buffer<Int32>
    let byLiteralStart: Buffer<Int32>
    let byLiteral: Buffer<Int32>
    /// Per branch, the further literal sets it needs one of each of before PCRE2 runs:
    /// also[alsoStart[b] ..< alsoStart[b + 1]] holds, for each set, its size and then its
    /// literal ids.
    let alsoStart: Buffer<Int32>
    let also: Buffer<Int32>

    var count: Int { sources.count }

    /// Indexes the branches of `textPatterns`; `literals` gives the scanner's id of each
    /// literal, numbering the ones it lacks.
    init(_ textPatterns: [Pattern], literals: inout LiteralIDs) {
        var sources: [String] = [], starts: [Int32] = [0], free: [Int32] = [], owner: [Int32] = []
        var holders: [[Int32]] = []
        var alsoStarts: [Int32] = [0], also: [Int32] = []
        for (p, pattern) in textPatterns.enumerated() {
            let ordered = pattern.branches.filter { $0.requiredLiterals == nil } + pattern.branches.filter { $0.requiredLiterals != nil }
            free.append(Int32(pattern.branches.count { $0.requiredLiterals == nil }))
            for branch in ordered {
                let b = Int32(sources.count)
                sources.append(branch.source)
                owner.append(Int32(p))
                for literal in branch.requiredLiterals ?? [] {
                    let id = literals.id(of: literal)
                    while holders.count <= Int(id) { holders.append([]) }
                    holders[Int(id)].append(b)
                }
                for set in branch.alsoRequired {
                    also.append(Int32(set.count))
                    for literal in set { also.append(literals.id(of: literal)) }
                }
                alsoStarts.append(Int32(also.count))
            }
            starts.append(Int32(sources.count))
        }
        while holders.count < literals.all.count { holders.append([]) }
        var byStart: [Int32] = [0], by: [Int32] = []
        for list in holders {
            by += list
            byStart.append(Int32(by.count))
        }
        self.sources = sources
        start = Buffer(starts)
        self.free = Buffer(free)
        self.owner = Buffer(owner)
        byLiteralStart = Buffer(byStart)
        byLiteral = Buffer(by)
        alsoStart = Buffer(alsoStarts)
        self.also = Buffer(also)
    }

    /// Whether text pattern p has branches to confirm with.
    @inline(__always) func has(_ p: Int) -> Bool { start[p] < start[p + 1] }
}

/// The literals the scanner looks for, each numbered once however many patterns and branches
/// need it.
struct LiteralIDs {
    private(set) var all: [[UInt8]] = []
    private var ids: [[UInt8]: Int32] = [:]

    /// `literal`'s id, numbering it when it is new.
    mutating func id(of literal: [UInt8]) -> Int32 {
        if let known = ids[literal] { return known }
        let id = Int32(all.count)
        ids[literal] = id
        all.append(literal)
        return id
    }
}
