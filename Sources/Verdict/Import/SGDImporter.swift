/// Schema-Guided Dialogue → Verdict. One dialogue becomes one conversation:
/// - `id` = `dialogue_id`; `metadata` = `{"source": "sgd", "services": [...]}`;
/// - a USER turn → a `user` event whose `intents` are the active intents of its frames; when
///   a frame's active intent changes to anything but NONE, a `flow` event (flow = the intent,
///   step = the service) comes first;
/// - a SYSTEM turn → for each frame with a `service_call`, a `function` event (name = method,
///   `args` = parameters, `result` = `{"results": service_results, "count": N}`), then an
///   `agent` event with the utterance.
/// Dialogue acts and slot spans are annotations, not agent logs: they are left out.
enum SGDImporter {
    static func convert(_ value: JSONValue) throws -> TranscriptBuilder {
        guard case let .object(d) = value else { throw ImportProblem("a dialogue must be a JSON object") }
        guard let id = d["dialogue_id"]?.stringValue else { throw ImportProblem("missing `dialogue_id`") }
        guard case let .array(turns)? = d["turns"] else { throw ImportProblem("dialogue \(id): missing `turns`") }
        var out = TranscriptBuilder(id: id)
        out.keepAnnotations(of: value)
        var metadata: [(key: String, value: JSONValue)] = [("source", .string("sgd"))]
        if let services = d["services"] { metadata.append(("services", services)) }
        out.metadata = JSONObject(metadata)
        var activeIntent: [String: String] = [:]  // by service
        for (t, turn) in turns.enumerated() {
            guard case let .object(turnObject) = turn else { throw ImportProblem("turn \(t): must be a JSON object") }
            guard let speaker = turnObject["speaker"]?.stringValue else { throw ImportProblem("turn \(t): missing `speaker`") }
            guard let utterance = turnObject["utterance"]?.stringValue else { throw ImportProblem("turn \(t): missing `utterance`") }
            var frames: [JSONObject] = []
            if case let .array(list)? = turnObject["frames"] {
                for frame in list {
                    guard case let .object(f) = frame else { throw ImportProblem("turn \(t): a frame must be a JSON object") }
                    frames.append(f)
                }
            }
            switch speaker {
            case "USER":
                var intents: [JSONValue] = []
                for f in frames {
                    guard case let .object(state)? = f["state"], let intent = state["active_intent"]?.stringValue, intent != "NONE" else { continue }
                    let service = f["service"]?.stringValue ?? ""
                    if activeIntent[service] != intent {
                        activeIntent[service] = intent
                        out.add("flow", [("flow", .string(intent)), ("step", service.isEmpty ? nil : .string(service))])
                    }
                    if !intents.contains(.string(intent)) { intents.append(.string(intent)) }
                }
                out.add("user", [("text", .string(utterance)), ("intents", intents.isEmpty ? nil : .array(intents))])
            case "SYSTEM":
                for f in frames {
                    guard case let .object(call)? = f["service_call"] else { continue }
                    guard let method = call["method"]?.stringValue else { throw ImportProblem("turn \(t): `service_call` without `method`") }
                    var args = JSONObject()
                    if case let .object(parameters)? = call["parameters"] { args = parameters }
                    var results: [JSONValue] = []
                    if case let .array(r)? = f["service_results"] { results = r }
                    out.add("function", [("name", .string(method)), ("args", .object(args)),
                                         ("result", .object(JSONObject([("results", .array(results)), ("count", .number(Double(results.count)))])))])
                }
                out.add("agent", [("text", .string(utterance))])
            default:
                throw ImportProblem("turn \(t): unknown speaker '\(speaker)' (USER or SYSTEM)")
            }
        }
        return out
    }
}
