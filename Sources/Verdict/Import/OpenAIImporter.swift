/// OpenAI-style chat logs → Verdict. A record is `{"id": ..., "messages": [...]}`, a bare array
/// of messages, or a responses-API record with `input` and `output` item lists.
/// - `user` → `user`; `assistant` text → `agent`; `system` and `developer` are skipped;
/// - each `assistant.tool_calls[]` → a `function` event (name, `args` parsed from the JSON
///   `arguments` string: text that is not a JSON object is an error for the record);
/// - a `tool` message → the `result` of the call with the same `tool_call_id` (parsed as JSON
///   when it is JSON, else the string);
/// - responses items: `message` (role and `input_text`/`output_text` parts), `function_call`
///   (`call_id`, `name`, `arguments`) and `function_call_output` (`call_id`, `output`).
/// Content given as a list of parts is the text of its text parts, joined by newlines.
enum OpenAIImporter {
    static func convert(_ value: JSONValue, defaultID: String) throws -> TranscriptBuilder {
        var id = defaultID
        var items: [JSONValue] = []
        switch value {
        case let .array(messages): items = messages
        case let .object(o):
            if let given = o["id"] {
                guard let s = given.stringValue else { throw ImportProblem("`id` must be a string") }
                id = s
            }
            if let messages = try ImportFields(object: o, place: "").array("messages") {
                items = messages
            } else if o["input"] != nil || o["output"] != nil {
                for key in ["input", "output"] {
                    switch o[key] {
                    case let .array(list)?: items += list
                    case let .string(text)?: items.append(.object(JSONObject([("role", .string("user")), ("content", .string(text))])))
                    case nil, .null?: break
                    default: throw ImportProblem("`\(key)` must be a list of items or a string")
                    }
                }
            } else {
                throw ImportProblem("expected `messages`, or responses `input`/`output` items")
            }
        default:
            throw ImportProblem("a record must be a JSON object or an array of messages")
        }
        var out = TranscriptBuilder(id: id)
        out.keepAnnotations(of: value)
        var callIndex: [String: Int] = [:]  // call id → event index
        func function(name: String, arguments: JSONValue?, callID: String?, at position: Int) throws {
            var args: JSONValue = .object(JSONObject())
            switch arguments {
            case let .string(text)?:
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty {
                    guard let parsed = try? JSONParser.parse(text), case .object = parsed else {
                        throw ImportProblem("message \(position): arguments of '\(name)' are not a JSON object: \(text.prefix(60))")
                    }
                    args = parsed
                }
            case let .object(o)?: args = .object(o)
            case nil, .null?: break
            default: throw ImportProblem("message \(position): arguments of '\(name)' must be a JSON string")
            }
            if let callID { callIndex[callID] = out.events.count }
            out.add("function", [("name", .string(name)), ("args", args)])
        }
        func attach(_ output: JSONValue?, to callID: String?, at position: Int) throws {
            guard let callID, let index = callIndex[callID] else {
                throw ImportProblem("message \(position): tool output for unknown call '\(callID ?? "")'")
            }
            var result: JSONValue = .null
            if let text = output?.stringValue {
                result = (try? JSONParser.parse(text)) ?? .string(text)
            } else if let output {
                result = output
            }
            guard case var .object(event) = out.events[index] else { return }
            event["result"] = result
            out.events[index] = .object(event)
        }
        for (position, item) in items.enumerated() {
            guard case let .object(m) = item else { throw ImportProblem("message \(position): must be a JSON object") }
            let type = m["type"]?.stringValue
            switch type {
            case "function_call"?:
                guard let name = m["name"]?.stringValue else { throw ImportProblem("message \(position): function_call without `name`") }
                try function(name: name, arguments: m["arguments"], callID: m["call_id"]?.stringValue ?? m["id"]?.stringValue, at: position)
                continue
            case "function_call_output"?:
                try attach(m["output"], to: m["call_id"]?.stringValue, at: position)
                continue
            case nil, "message"?: break
            default: continue  // reasoning and other item types carry no conversation
            }
            guard let role = m["role"]?.stringValue else { throw ImportProblem("message \(position): missing `role`") }
            let text = try OpenAIImporter.text(m["content"], at: position)
            switch role {
            case "user":
                out.add("user", [("text", .string(text ?? ""))])
            case "assistant":
                if let text, !text.isEmpty { out.add("agent", [("text", .string(text))]) }
                if let calls = try ImportFields(object: m, place: "message \(position)").array("tool_calls") {
                    for call in calls {
                        guard case let .object(c) = call, case let .object(f)? = c["function"], let name = f["name"]?.stringValue else {
                            throw ImportProblem("message \(position): a tool call needs `function.name`")
                        }
                        try function(name: name, arguments: f["arguments"], callID: c["id"]?.stringValue, at: position)
                    }
                }
            case "tool":
                try attach(m["content"].flatMap { $0 == .null ? nil : $0 }.map { v in (try? OpenAIImporter.text(v, at: position)).flatMap { $0 }.map(JSONValue.string) ?? v },
                           to: m["tool_call_id"]?.stringValue, at: position)
            case "system", "developer":
                continue
            default:
                throw ImportProblem("message \(position): unknown role '\(role)'")
            }
        }
        return out
    }

    /// A message's text: a string, or the text parts of a list joined by newlines.
    static func text(_ content: JSONValue?, at position: Int) throws -> String? {
        switch content {
        case nil, .null?: return nil
        case let .string(s)?: return s
        case let .array(parts)?:
            var texts: [String] = []
            for part in parts {
                if case let .object(p) = part, let t = p["text"]?.stringValue { texts.append(t) }
            }
            return texts.joined(separator: "\n")
        default: throw ImportProblem("message \(position): `content` must be a string or a list of parts")
        }
    }
}
