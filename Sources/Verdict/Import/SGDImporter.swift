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
            let turnFields = ImportFields(object: turnObject, place: "dialogue \(id): turn \(t)")
            var frames: [JSONObject] = []
            if let list = try turnFields.array("frames") {
                for frame in list {
                    guard case let .object(f) = frame else { throw ImportProblem("turn \(t): a frame must be a JSON object") }
                    frames.append(f)
                }
            }
            switch speaker {
            case "USER":
                var intents: [JSONValue] = []
                for f in frames {
                    let frame = ImportFields(object: f, place: "dialogue \(id): turn \(t): frame")
                    let service = try frame.string("service") ?? ""
                    guard let state = try frame.object("state"),
                          let intent = try ImportFields(object: state, place: "dialogue \(id): turn \(t): frame state").string("active_intent"),
                          intent != "NONE" else { continue }
                    if activeIntent[service] != intent {
                        activeIntent[service] = intent
                        out.add("flow", [("flow", .string(intent)), ("step", service.isEmpty ? nil : .string(service))])
                    }
                    if !intents.contains(.string(intent)) { intents.append(.string(intent)) }
                }
                out.add("user", [("text", .string(utterance)), ("intents", intents.isEmpty ? nil : .array(intents))])
            case "SYSTEM":
                for f in frames {
                    let frame = ImportFields(object: f, place: "dialogue \(id): turn \(t): frame")
                    let results = try frame.array("service_results") ?? []
                    guard let call = try frame.object("service_call") else { continue }
                    let callFields = ImportFields(object: call, place: "dialogue \(id): turn \(t): service_call")
                    guard let method = try callFields.string("method") else { throw ImportProblem("turn \(t): `service_call` without `method`") }
                    let args = try callFields.object("parameters") ?? JSONObject()
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
