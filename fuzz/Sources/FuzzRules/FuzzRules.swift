import Verdict

/// One input: the text of one rule file. Loading must return a rule set or located errors.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRules(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let rules = try RuleLoader.load(yaml: text, file: "fuzz.yaml")
        precondition(Set(rules.metrics.map(\.name)).count == rules.metrics.count, "metric names are unique")
    } catch {
        precondition(!error.errors.isEmpty, "a rejected rule file names at least one error")
        for e in error.errors { precondition(e.description.hasPrefix("fuzz.yaml:"), "errors name the file") }
    }
    return 0
}
