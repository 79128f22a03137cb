/// The formats `verdict lint` writes.
public enum LintFormat: String, CaseIterable, Sendable {
    case text, json, sarif
}

extension Linter {
    /// Warnings in `format`. Text is one `file:line:column: warning: message [check-id]` line
    /// each; SARIF 2.1.0 is what code-review tools read to show them inline.
    public static func render(_ warnings: [LintWarning], format: LintFormat) -> String {
        switch format {
        case .text:
            return warnings.map { $0.description + "\n" }.joined()
        case .json:
            var w = JSONWriter()
            w.array(warnings) { w, warning in
                w.object { o in
                    o.add("file", warning.location.file)
                    o.add("line", warning.location.line)
                    o.add("column", warning.location.column)
                    o.add("check", warning.check.rawValue)
                    o.add("message", warning.message)
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
                                        result.add("ruleId", warning.check.rawValue)
                                        result.add("ruleIndex", LintCheckID.allCases.firstIndex(of: warning.check) ?? 0)
                                        result.add("level", "warning")
                                        result.add("message") { w in w.object { $0.add("text", warning.message) } }
                                        result.add("locations") { w in
                                            w.array([warning.location]) { w, location in
                                                w.object { l in
                                                    l.add("physicalLocation") { w in
                                                        w.object { p in
                                                            p.add("artifactLocation") { w in w.object { $0.add("uri", location.file) } }
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
