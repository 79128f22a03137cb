import Foundation
import Synchronization
import Testing
@testable import Verdict

@Suite("PCRE2 patterns")
struct PatternTests {
    let scratch = MatchScratch()

    @Test("caseless with Unicode case folding by default")
    func caseless() throws {
        #expect(try Pattern("zoë müller").matches("ZOË MÜLLER here", using: scratch))
        #expect(try !Pattern("(?-i)Zoë").matches("ZOË", using: scratch))
        #expect(try Pattern("Zoë", caseless: false).matches("Zoë", using: scratch))
        #expect(try !Pattern("Zoë", caseless: false).matches("zoë", using: scratch))
    }

    @Test("UCP: \\d and \\w and \\b are Unicode-aware")
    func unicodeClasses() throws {
        #expect(try Pattern(#"^\d{2}$"#).matches("٤٢", using: scratch))
        #expect(try Pattern(#"^\w+,"#).matches("Łukasz, hi", using: scratch))
        #expect(try Pattern(#"\bcafé\b"#).matches("the café is open", using: scratch))
        #expect(try !Pattern("cafe").matches("café", using: scratch))
    }

    @Test("searched anywhere; empty text and empty pattern work")
    func anywhere() throws {
        #expect(try Pattern("bc").matches("abcd", using: scratch))
        #expect(try Pattern("").matches("", using: scratch))
        #expect(try !Pattern("a").matches("", using: scratch))
    }

    @Test("a pattern that does not compile carries PCRE2's code, message and offset")
    func compileError() {
        #expect(throws: PatternCompileError.self) { try Pattern("(a+") }
        do {
            _ = try Pattern("ab(c")
            Issue.record("expected a compile error")
        } catch {
            #expect(error.offset == 4)
            #expect(error.message.contains("parenthesis"))
            #expect(error.code != 0)
            #expect(error.pattern == "ab(c")
        }
    }

    @Test("catastrophic backtracking stops at the match limit with an error")
    func matchLimit() throws {
        let text = String(repeating: "a", count: 40) + "b"
        let pattern = try Pattern("(a+)+$")
        do throws(MatchLimitError) {
            _ = try pattern.matches(text, using: scratch)
            Issue.record("expected the match limit to stop the match")
        } catch {
            #expect(error.pattern == "(a+)+$")
            #expect(error.message.contains("limit"))
        }
        // The same scratch is usable afterwards.
        #expect(try Pattern("b$").matches(text, using: scratch))
    }

    @Test("the JIT runs on a pattern before its first match, not when it is compiled")
    func jitBeforeFirstMatch() throws {
        let pattern = try Pattern(#"\brefund\b"#)
        #expect(!pattern.isJITCompiled)
        #expect(try pattern.matches("a REFUND please", using: scratch))
        #expect(pattern.isJITCompiled)
        #expect(try !pattern.matches("refunded", using: scratch))
        // An alternation compiled in parts runs the JIT on every part before its first match.
        let parts = try Pattern(alternatives: (0..<3000).map { #"(?<!\w)word\#($0)(?!\w)"# } + ["last one"])
        #expect(!parts.isJITCompiled)
        #expect(try parts.matches("the last one", using: scratch))
        #expect(try parts.matches("word2999", using: scratch))
        #expect(parts.isJITCompiled)
    }

    @Test("threads matching a pattern none has matched yet all get its answers")
    func jitOnceAcrossThreads() throws {
        let pattern = try Pattern(#"(?<!\w)card\s+number(?!\w)"#)
        let texts = ["my card number is", "cardnumber", "CARD   NUMBER", "a card, number"]
        let expected = [true, false, true, false]
        let wrong = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 8) { t in
            let scratch = MatchScratch()
            for k in 0..<400 where (try? pattern.matches(texts[(k + t) % 4], using: scratch)) != expected[(k + t) % 4] {
                wrong.withLock { $0 += 1 }
            }
        }
        #expect(wrong.withLock { $0 } == 0)
        #expect(pattern.isJITCompiled)
    }
}
