import CPCRE2
import Synchronization

/// A pattern that PCRE2 refused to compile.
public struct PatternCompileError: Error, Sendable, Equatable {
    /// PCRE2's error code.
    public let code: Int32
    /// PCRE2's own message for `code`.
    public let message: String
    /// Offset in the pattern (in bytes) where PCRE2 gave up.
    public let offset: Int
    /// The pattern as written.
    public let pattern: String
}

/// A match that PCRE2 abandoned because it ran into one of its limits.
public struct MatchLimitError: Error, Sendable, Equatable {
    public let code: Int32
    public let message: String
    public let pattern: String
}

/// A compiled PCRE2 pattern. Owns its `pcre2_code` and frees it; the compiled code is
/// read-only after compilation, which PCRE2 documents as safe to share between threads.
/// Matching needs a `MatchScratch`, which is per thread.
///
/// The JIT compiles a pattern just before its first match, not with the pattern: of a rule
/// set's patterns many never run (the prefilter rules them out on every text), and a phrase
/// list's whole alternation runs only where its branches cannot serve, while JIT-compiling a
/// 1,000-phrase alternation costs more than compiling it. Every match still runs JIT code
/// where the JIT is available (its match limits count steps as the JIT does), and the JIT
/// runs once, under a lock, before any thread matches (`jitted`).
///
/// A pattern built from alternatives (`init(alternatives:)`, for phrase lists) is one
/// alternation; when PCRE2 finds it too large to compile as one, it is compiled in parts, and
/// it matches where any part does, which is where the whole alternation would.
public final class Pattern: @unchecked Sendable {
    public let source: String
    private let code: OpaquePointer
    /// The other parts of an alternation too large for one compiled pattern; usually none.
    private let moreCodes: [OpaquePointer]
    /// What `RequiredLiterals.of` finds in the source, worked out once with the pattern: every
    /// rule set compiled from it (one per mutant in `verdict mutate`) reads it again.
    let requiredLiterals: [[UInt8]]?
    /// For an alternation built with `branches` (a phrase list): each alternative on its own,
    /// with its required literals. The pattern matches a text exactly where one of them does,
    /// so the evaluator may run only the branches whose literals the text holds, instead of
    /// the whole alternation, which PCRE2 tries at nearly every position of every text. Each
    /// is compiled by whoever first needs it (`Pattern(branch.source)`): most of a long list's
    /// phrases never occur. Empty for other patterns.
    let branches: [Branch]
    /// Whether the JIT has run on `code` and `moreCodes` (whether or not it could compile
    /// them): set, under `jitLock`, before any match.
    private let jitted = Atomic<Bool>(false)
    private let jitLock = Mutex(())

    struct Branch: Sendable {
        let source: String
        let requiredLiterals: [[UInt8]]?
        /// Further literal sets a match holds one of each of (`RequiredLiterals.analysis`).
        let alsoRequired: [[[UInt8]]]

        init(source: String) {
            self.init(source: source, analysis: RequiredLiterals.analysis(source))
        }

        /// A branch whose analysis is known (`PhrasePattern.pattern`): what
        /// `RequiredLiterals.analysis(source)` finds.
        init(source: String, analysis: (literals: [[UInt8]], alsoRequired: [[[UInt8]]])?) {
            self.source = source
            requiredLiterals = analysis?.literals
            alsoRequired = analysis?.alsoRequired ?? []
        }
    }

    /// Compiles `source` with UTF and UCP, caseless unless `caseless` is false, then JIT-compiles it
    /// (falling back to PCRE2's interpreter where the JIT is unavailable).
    public init(_ source: String, caseless: Bool = true) throws(PatternCompileError) {
        self.source = source
        var options = UInt32(PCRE2_UTF | PCRE2_UCP)
        if caseless { options |= UInt32(PCRE2_CASELESS) }
        code = try Pattern.compile(source, options: options)
        moreCodes = []
        requiredLiterals = RequiredLiterals.of(source)
        branches = []
    }

    /// The alternation `a|b|...` of `alternatives` (each a pattern, none empty), compiled with
    /// UTF, UCP and caseless matching; in parts when it is too large for one. `branches`, when
    /// there are two or more, must match together exactly where the alternation does (the same
    /// alternatives, regrouped: see `PhrasePattern.alternatives`), and each must compile alone
    /// (a part of an alternation that compiles does); the evaluator confirms a text against
    /// only the branches it may hold.
    public convenience init(alternatives: [String], branches: [String] = []) throws(PatternCompileError) {
        try self.init(alternatives: alternatives, analysedBranches: branches.count > 1 ? branches.map { Branch(source: $0) } : [])
    }

    /// `init(alternatives:branches:)` with the branches already analysed.
    init(alternatives: [String], analysedBranches branches: [Branch]) throws(PatternCompileError) {
        precondition(!alternatives.isEmpty, "an alternation needs alternatives")
        source = alternatives.joined(separator: "|")
        let options = UInt32(PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS)
        var parts: [OpaquePointer] = []
        do throws(PatternCompileError) {
            try Pattern.compileSplitting(alternatives[...], options: options, into: &parts)
        } catch {
            for part in parts { pcre2_code_free_8(part) }
            throw error
        }
        code = parts[0]
        moreCodes = Array(parts.dropFirst())
        self.branches = branches
        // Every match is one of a branch, so their literals serve for the whole when each
        // branch has some: sharper than the alternation's own, which cannot see the edges a
        // group's lookarounds give every phrase in it.
        if !branches.isEmpty, branches.allSatisfy({ $0.requiredLiterals != nil }) {
            requiredLiterals = RequiredLiterals.normalized(branches.flatMap { $0.requiredLiterals ?? [] })
        } else {
            requiredLiterals = RequiredLiterals.of(source)
        }
    }

    deinit {
        pcre2_code_free_8(code)
        for part in moreCodes { pcre2_code_free_8(part) }
    }

    /// Compiles one pattern (the JIT runs on it before its first match: `jitCompile`).
    private static func compile(_ source: String, options: UInt32) throws(PatternCompileError) -> OpaquePointer {
        var errorCode: Int32 = 0
        var errorOffset = 0
        var text = source
        let compiled: OpaquePointer? = text.withUTF8 { bytes in
            Pattern.withBase(bytes) { pcre2_compile_8($0, bytes.count, options, &errorCode, &errorOffset, nil) }
        }
        guard let compiled else {
            throw PatternCompileError(code: errorCode, message: Pattern.message(for: errorCode), offset: errorOffset, pattern: source)
        }
        return compiled
    }

    /// JIT-compiles the pattern's code, once, before its first match (the interpreter serves
    /// where the JIT is unavailable).
    @inline(never)
    private func jitCompile() {
        jitLock.withLock { _ in
            guard !jitted.load(ordering: .relaxed) else { return }
            _ = pcre2_jit_compile_8(code, UInt32(PCRE2_JIT_COMPLETE))
            for part in moreCodes { _ = pcre2_jit_compile_8(part, UInt32(PCRE2_JIT_COMPLETE)) }
            jitted.store(true, ordering: .releasing)
        }
    }

    /// Whether the JIT has run on the pattern: it runs before the first match (a test looks).
    var isJITCompiled: Bool { jitted.load(ordering: .acquiring) }

    /// Compiles `alternatives` as one alternation, or, when PCRE2 refuses it as one, as two
    /// halves, each split again as needed; an alternative that fails alone is the error.
    private static func compileSplitting(_ alternatives: ArraySlice<String>, options: UInt32,
                                         into parts: inout [OpaquePointer]) throws(PatternCompileError) {
        do throws(PatternCompileError) {
            parts.append(try compile(alternatives.joined(separator: "|"), options: options))
        } catch where alternatives.count > 1 {
            // Too large, or (PCRE2 10.42) "lookbehind is too complicated" for one pattern: each
            // alternative compiles alone, so halving ends in parts that compile.
            let middle = alternatives.startIndex + alternatives.count / 2
            try compileSplitting(alternatives[..<middle], options: options, into: &parts)
            try compileSplitting(alternatives[middle...], options: options, into: &parts)
        }
    }

    /// Whether the pattern matches anywhere in `text`. Throws when PCRE2 stops at a limit.
    public func matches(_ text: String, using scratch: MatchScratch) throws(MatchLimitError) -> Bool {
        var text = text
        let result: Result<Bool, MatchLimitError> = text.withUTF8 { bytes in
            Pattern.withBase(bytes) { base in
                do throws(MatchLimitError) { return .success(try matches(base, count: bytes.count, using: scratch)) } catch { return .failure(error) }
            }
        }
        return try result.get()
    }

    /// Whether the pattern matches anywhere in `count` bytes of valid UTF-8 at `bytes`.
    ///
    /// A match first runs with a small step limit; one that needs more is run again with ten
    /// times the limit, up to the per-match limit, and every step allowed beyond the first
    /// tier is charged to the scratch's budget (see `MatchScratch`). The ordinary match costs
    /// one call and nothing from the budget; the pathological ones cannot add up unbounded.
    @inline(__always)
    func matches(_ bytes: UnsafePointer<UInt8>, count: Int, using scratch: MatchScratch) throws(MatchLimitError) -> Bool {
        if !jitted.load(ordering: .acquiring) { jitCompile() }
        if try matches(code, bytes, count: count, using: scratch) { return true }
        for part in moreCodes where try matches(part, bytes, count: count, using: scratch) { return true }
        return false
    }

    @inline(__always)
    private func matches(_ code: OpaquePointer, _ bytes: UnsafePointer<UInt8>, count: Int, using scratch: MatchScratch) throws(MatchLimitError) -> Bool {
        var limit = scratch.firstTier
        while true {
            scratch.setLimit(limit)
            let rc = pcre2_match_8(code, bytes, count, 0, UInt32(PCRE2_NO_UTF_CHECK), scratch.matchData, scratch.context)
            if rc >= 0 { return true }
            if rc == PCRE2_ERROR_NOMATCH { return false }
            if rc == PCRE2_ERROR_MATCHLIMIT && limit < scratch.matchLimit {
                let next = min(scratch.matchLimit, limit &* 10)
                guard scratch.remaining >= UInt64(next) else {
                    scratch.remaining = 0
                    throw MatchLimitError(code: rc, message: "pattern budget of \(scratch.budget) steps used up", pattern: source)
                }
                scratch.remaining -= UInt64(next)
                limit = next
                continue
            }
            throw MatchLimitError(code: rc, message: Pattern.message(for: rc), pattern: source)
        }
    }

    /// PCRE2 wants a non-null pointer even for empty text.
    private static func withBase<R>(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafePointer<UInt8>) -> R) -> R {
        if let base = bytes.baseAddress { return body(base) }
        var zero: UInt8 = 0
        return withUnsafePointer(to: &zero) { body($0) }
    }

    static func message(for code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBufferPointer { pcre2_get_error_message_8(code, $0.baseAddress, $0.count) }
        return n > 0 ? String(decoding: buffer[0..<Int(n)], as: UTF8.self) : "PCRE2 error \(code)"
    }
}

/// What one thread needs to run matches: PCRE2 match data, a match context carrying the
/// limits, and a JIT stack. Owns all three and frees them. Not shareable between threads.
///
/// Two limits keep a hostile pattern or text from running long: `matchLimit` bounds one match
/// (PCRE2's match limit), and `budget` bounds the steps all matches of one metric on one
/// conversation may take beyond a small first tier (`resetBudget()` starts a new one), so
/// that thousands of events each just under the match limit cannot add up.
public final class MatchScratch {
    /// Backtracking steps one match may take before it is abandoned.
    public static let defaultMatchLimit: UInt32 = 1_000_000
    /// Steps beyond the first tier all of one metric's matches on one conversation may take.
    public static let defaultBudget: UInt64 = 100_000_000
    /// Memory (KiB) the interpreter may use for backtracking.
    public static let defaultHeapLimitKiB: UInt32 = 64 * 1024

    fileprivate let matchData: OpaquePointer
    fileprivate let context: OpaquePointer
    private let jitStack: OpaquePointer?
    let matchLimit: UInt32
    let firstTier: UInt32
    public let budget: UInt64
    var remaining: UInt64
    private var currentLimit: UInt32 = 0

    public init(matchLimit: UInt32 = MatchScratch.defaultMatchLimit, budget: UInt64 = MatchScratch.defaultBudget) {
        self.matchLimit = max(1, matchLimit)
        firstTier = min(self.matchLimit, 10_000)
        self.budget = budget
        remaining = budget
        // One ovector pair is enough: Verdict only asks whether a pattern matches.
        matchData = pcre2_match_data_create_8(1, nil)!
        context = pcre2_match_context_create_8(nil)!
        pcre2_set_depth_limit_8(context, self.matchLimit)
        pcre2_set_heap_limit_8(context, MatchScratch.defaultHeapLimitKiB)
        jitStack = pcre2_jit_stack_create_8(32 * 1024, 4 * 1024 * 1024, nil)
        if let jitStack { pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(jitStack)) }
    }

    /// Starts a new budget: the next metric, or the next conversation.
    public func resetBudget() { remaining = budget }

    @inline(__always)
    fileprivate func setLimit(_ limit: UInt32) {
        if limit != currentLimit {
            pcre2_set_match_limit_8(context, limit)
            currentLimit = limit
        }
    }

    deinit {
        pcre2_match_data_free_8(matchData)
        pcre2_match_context_free_8(context)
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
    }
}
