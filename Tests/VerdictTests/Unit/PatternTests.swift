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
}
