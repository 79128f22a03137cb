/// The formats `verdict lint` writes.
public enum LintFormat: String, CaseIterable, Sendable {
    case text, json, sarif
}

extension Linter {
    /// Warnings in `format`. Text is one `file:line:column: warning: message [check-id]` line
    /// each; SARIF 2.1.0 is what code-review tools read to show them inline.
    public static func render(_ warnings: [LintWarning], format: LintFormat, metrics: Int? = nil) -> String {
        switch format {
        case .text:
            // One closing line says how it went, clean or not ("0 warnings in 14 metrics").
            let total = metrics.map { "\(NumberText.grouped(warnings.count)) warning\(warnings.count == 1 ? "" : "s") in \(NumberText.grouped($0)) metric\($0 == 1 ? "" : "s")\n" } ?? ""
            return warnings.map { TerminalText.escape($0.description, keepLineBreaks: false) + "\n" }.joined() + total
        case .json:
            var w = JSONWriter()
            w.array(warnings) { w, warning in
                w.object { o in
                    o.add("file", warning.location.file)
                    o.add("line", warning.location.line)
                    o.add("column", warning.location.column)
                    o.add("check", warning.check?.rawValue ?? "")
                    o.add("message", warning.text)
                }
            }
            w.raw("\n")
            return String(decoding: w.bytes, as: UTF8.self)
        case .sarif:
            var w = JSONWriter()
            w.object { o in
                o.add("$schema", "https://json.schemastore.org/sarif-2.1.0.json")
                o.add("version", "2.1.0")
                o.add("runs") { w in
                    w.array([0]) { w, _ in
                        w.object { run in
                            run.add("tool") { w in
                                w.object { tool in
                                    tool.add("driver") { w in
                                        w.object { driver in
                                            driver.add("name", "verdict")
                                            driver.add("rules") { w in
                                                w.array(descriptions) { w, check in
                                                    w.object { rule in
                                                        rule.add("id", check.id.rawValue)
                                                        rule.add("shortDescription") { w in w.object { $0.add("text", check.summary) } }
                                                        rule.add("defaultConfiguration") { w in w.object { $0.add("level", "warning") } }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                            run.add("results") { w in
                                w.array(warnings) { w, warning in
                                    w.object { result in
                                        result.add("ruleId", warning.check?.rawValue ?? "")
                                        result.add("ruleIndex", warning.check.flatMap { LintCheckID.allCases.firstIndex(of: $0) } ?? 0)
                                        result.add("level", "warning")
                                        result.add("message") { w in w.object { $0.add("text", warning.text) } }
                                        result.add("locations") { w in
                                            w.array([warning.location]) { w, location in
                                                w.object { l in
                                                    l.add("physicalLocation") { w in
                                                        w.object { p in
                                                            p.add("artifactLocation") { w in w.object { $0.add("uri", Linter.uriReference(location.file)) } }
                                                            p.add("region") { w in
                                                                w.object { r in
                                                                    r.add("startLine", location.line)
                                                                    r.add("startColumn", location.column)
                                                                }
                                                            }
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            w.raw("\n")
            return String(decoding: w.bytes, as: UTF8.self)
        }
    }
}

extension Linter {
    /// A file path as a URI reference (RFC 3986), as SARIF's `uri` wants: unreserved
    /// characters and `/` as they are, every other byte of the UTF-8 percent-encoded.
    static func uriReference(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += (byte < 16 ? "%0" : "%") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
