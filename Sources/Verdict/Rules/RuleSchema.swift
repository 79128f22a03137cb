/// `verdict schema`: a JSON Schema (draft 2020-12) of the rule format (SPEC §2, §3, §5.1), for
/// editors (VS Code's YAML extension, any yaml-language-server client) to check and complete
/// rule files. It is built from the same key tables the loader reads (`RuleKeys`,
/// `LeafKinds`), so the two cannot drift apart on which keys exist. It checks structure only:
/// patterns, dates, duplicate names and the rest are the loader's (`verdict lint`), and a
/// YAML null standing for an absent key, which the loader allows, is refused here.
public enum RuleSchema {
    public static var json: String {
        var w = JSONWriter()
        w.value(document)
        return String(decoding: w.bytes, as: UTF8.self) + "\n"
    }

    static var document: JSONValue {
        object([
            ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            ("title", .string("Verdict rule file")),
            ("description", .string("Flows derived from events and metrics judged by regex and predicate rules (version 1).")),
            ("type", .string("object")),
            ("additionalProperties", .bool(false)),
            ("properties", object([
                ("version", described("The rule format's version; when present, 1.", object([("const", .number(1))]))),
                ("phrases", described("Named phrase lists: a list of phrases, or {file: PATH} (one phrase a line; # starts a comment line), relative to this file's folder and inside the rules folder.",
                                      object([("type", .string("object")), ("additionalProperties", ref("phrase_list"))]))),
                ("flows", described("Flows entered wherever their enter_when hits, by name.",
                                    object([("type", .string("object")), ("additionalProperties", ref("flow"))]))),
                ("metrics", described("The metrics, in the order they are evaluated and reported.",
                                      object([("type", .string("array")), ("items", ref("metric"))]))),
                ("lint", described("Lint settings: checks turned off and synonym groups added.", object([
                    ("type", .string("object")), ("additionalProperties", .bool(false)),
                    ("properties", object([
                        ("disable", described("Lint check ids to turn off.", arrayOf(string))),
                        ("synonyms", described("Groups of words the naming check treats as one.", arrayOf(arrayOf(string)))),
                    ])),
                ]))),
            ])),
            ("$defs", object(definitions)),
        ])
    }

    // MARK: Definitions

    static var definitions: [(String, JSONValue)] {
        [
            ("flow", object([
                ("type", .string("object")), ("additionalProperties", .bool(false)), ("required", .array([.string("enter_when")])),
                ("properties", object([
                    ("enter_when", described("A leaf, or an any of leaves, over the whole conversation; flow, in_flow and count are not allowed.",
                                             anyOf([ref("enter_leaf"), strict(["any": arrayOf(ref("enter_leaf"), minItems: 1)], required: ["any"])]))),
                ])),
            ])),
            ("metric", metric),
            ("phrase_list", described("A non-empty list of phrases, or {file: PATH}.", anyOf([
                object([("type", .string("array")), ("items", object([("type", .string("string")), ("pattern", .string(#"\S"#))])), ("minItems", .number(1))]),
                strict(["file": described("A text file of phrases, relative to this rule file's folder; not .yaml or .yml.", string)], required: ["file"]),
            ]))),
            ("phrases_ref", strict(["phrases": described("The name of a phrase list, or a list of names: the text holds one of their phrases.",
                                                         anyOf([string, arrayOf(string, minItems: 1)]))], required: ["phrases"])),
            ("condition", described("A mapping with exactly one kind: a leaf (\(RuleKeys.leafKinds.joined(separator: ", "))), metadata, or all, any, not, sequence.",
                                    anyOf(leaves(site: .condition) + [
                                        strict(["metadata": described("Holds when the conversation's metadata matches these paths (dotted paths to matchers); no hits, no modifiers.",
                                                                      object([("type", .string("object"))]))], required: ["metadata"]),
                                        strict(["all": described("Holds when every item holds.", arrayOf(ref("condition"), minItems: 1))], required: ["all"]),
                                        strict(["any": described("Holds when some item holds.", arrayOf(ref("condition"), minItems: 1))], required: ["any"]),
                                        strict(["not": described("Holds when the condition does not.", ref("condition"))], required: ["not"]),
                                        strict(["sequence": described("Leaves hit at strictly increasing indices.", arrayOf(ref("step"), minItems: 1)),
                                                "within_turns": described("The last hit at most this many turns after the first.", count0)],
                                               required: ["sequence"]),
                                    ]))),
            ("step", described("A leaf inside a sequence (no count).", anyOf(leaves(site: .sequence)))),
            ("value_leaf", described("A leaf of a value expression (no count).", anyOf(leaves(site: .value)))),
            ("enter_leaf", described("A leaf of enter_when (no flow, in_flow or count).", anyOf(leaves(site: .enterWhen)))),
            ("value", described("A number metric's value expression: exactly one of \(ValueExpression.keys.joined(separator: ", ")).", anyOf([
                strict(["hits": described("The number of hits of the leaf (0 when none).", ref("value_leaf"))], required: ["hits"]),
                strict(["turns_between": described("turn(h2) − turn(h1): h1 the first hit of A, h2 the first hit of B after it.", pair)], required: ["turns_between"]),
                strict(["seconds_between": described("at(h2) − at(h1) for the same h1 and h2.", pair)], required: ["seconds_between"]),
                strict(["value_of": described("The value at the last hit of a metric, state or function leaf.", ref("value_leaf")),
                        "path": described("A dotted path into the value; for function, starting with args or result.", string)],
                       required: ["value_of"]),
                strict(["duration": described("at(last) − at(first) over the window's events with at.", object([("const", .bool(true))]))],
                       required: ["duration"]),
            ]))),
            ("matcher", described("A scalar (equal to the JSON value), a list (equal to the array), an operator mapping (\(RuleKeys.operators.joined(separator: ", "))) or a path mapping (dotted paths to matchers).", object([]))),
            ("range", described("[A, B]: from A to B inclusive, or [A]: from A on.",
                                object([("type", .string("array")), ("items", number), ("minItems", .number(1)), ("maxItems", .number(2))]))),
            ("turns", described("[A, B]: turns A to B inclusive, or [A]: from A on; whole numbers, a negative one counting from the end (-1 is the last turn).",
                                object([("type", .string("array")), ("items", object([("type", .string("integer"))])), ("minItems", .number(1)), ("maxItems", .number(2))]))),
            ("count", described("At least N hits, or {at_least, at_most}.", anyOf([count0, strict([
                "at_least": described("The fewest hits (default 0).", count0),
                "at_most": described("The most hits (default unbounded).", count0),
            ], required: [])]))),
        ]
    }

    static var metric: JSONValue {
        func forbids(_ keys: [String]) -> JSONValue { object([("not", anyOf(keys.map { object([("required", .array([.string($0)]))]) }))]) }
        func when(_ type: String, requires key: String, forbidding other: [String]) -> JSONValue {
            object([
                ("if", object([("properties", object([("type", object([("const", .string(type))]))])), ("required", .array([.string("type")]))])),
                ("then", object([("required", .array([.string(key)])), ("allOf", .array([forbids(other)]))])),
            ])
        }
        return object([
            ("type", .string("object")), ("additionalProperties", .bool(false)),
            ("required", .array(["name", "type", "definition"].map { .string($0) })),
            ("properties", object([
                ("name", described("Unique across all rule files.", string)),
                ("type", described("boolean, categorical or number.", object([("enum", .array(["boolean", "categorical", "number"].map { .string($0) }))]))),
                ("definition", described("What the metric measures, for people: success and failure, and when it applies.", string)),
                ("applies_when", described("Evaluate from the first event at which this holds; never holding makes the metric not_applicable.", ref("condition"))),
                ("scope", described("after_trigger (the default): leaves see events from the trigger on; conversation: every event.",
                                    object([("enum", .array([.string("after_trigger"), .string("conversation")]))]))),
                ("active_from", described("A date (2026-03-15) or RFC 3339 time; earlier conversations are inactive.", string)),
                ("when", described("Boolean metrics: the value is whether this holds.", ref("condition"))),
                ("labels", described("Categorical metrics: the first label whose when holds.", arrayOf(strict([
                    "label": described("The label's name.", string),
                    "when": described("When the label holds.", ref("condition")),
                ], required: ["label", "when"]), minItems: 1))),
                ("otherwise", described("Categorical metrics: the label when none holds (else the status is unmatched).", string)),
                ("value", described("Number metrics: the value expression.", ref("value"))),
                ("unit", described("Number metrics: the unit, for people (seconds, turns).", string)),
            ])),
            ("allOf", .array([
                when("boolean", requires: "when", forbidding: ["labels", "otherwise", "value", "unit"]),
                when("categorical", requires: "labels", forbidding: ["when", "value", "unit"]),
                when("number", requires: "value", forbidding: ["when", "labels", "otherwise"]),
            ])),
        ])
    }

    enum Site { case condition, sequence, value, enterWhen }

    /// One schema per leaf kind allowed at `site`, each with the modifiers it takes there.
    static func leaves(site: Site) -> [JSONValue] {
        LeafKinds.all.compactMap { kind -> JSONValue? in
            if site == .enterWhen && kind.key == "flow" { return nil }
            var properties: [String: JSONValue] = [:]
            switch kind.value {
            case .pattern:
                properties[kind.key] = described("A PCRE2 pattern searched in the text, case-insensitive unless (?-i); or {phrases: NAME} for a phrase list.",
                                                 anyOf([string, ref("phrases_ref")]))
            case .name: properties[kind.key] = described("A name, compared exactly.", string)
            case .trueOrPattern:
                properties[kind.key] = described("true for every handoff, or a pattern on the destination.", anyOf([object([("const", .bool(true))]), string]))
            }
            for m in kind.modifiers {
                switch m {
                case "args": properties[m] = described("Argument paths to matchers.", object([("type", .string("object"))]))
                case "failed": properties[m] = described("true: the call has an error; false: it has none.", object([("type", .string("boolean"))]))
                case "step": properties[m] = described("Only explicit entries at this step.", string)
                default: properties[m] = described("A matcher on the \(m).", ref("matcher"))
                }
            }
            if site != .enterWhen { properties["in_flow"] = described("The current flow at the hit.", string) }
            properties["turns"] = described("The hit's turn number is in this range.", ref("turns"))
            properties["seconds"] = described("The hit's at is in this range.", ref("range"))
            if site == .condition { properties["count"] = ref("count") }
            return strict(properties, required: [kind.key])
        }
    }

    // MARK: Building blocks

    static let string = object([("type", .string("string"))])
    static let number = object([("type", .string("number"))])
    static let count0 = object([("type", .string("integer")), ("minimum", .number(0))])
    static var pair: JSONValue {
        object([("type", .string("array")), ("prefixItems", .array([ref("value_leaf"), ref("value_leaf")])),
                ("items", .bool(false)), ("minItems", .number(2))])
    }

    static func object(_ pairs: [(String, JSONValue)]) -> JSONValue { .object(JSONObject(pairs.map { (key: $0.0, value: $0.1) })) }
    static func ref(_ name: String) -> JSONValue { object([("$ref", .string("#/$defs/\(name)"))]) }
    static func anyOf(_ options: [JSONValue]) -> JSONValue { object([("anyOf", .array(options))]) }
    static func arrayOf(_ items: JSONValue, minItems: Int = 0) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("type", .string("array")), ("items", items)]
        if minItems > 0 { pairs.append(("minItems", .number(Double(minItems)))) }
        return object(pairs)
    }

    /// `schema` with a description added.
    static func described(_ text: String, _ schema: JSONValue) -> JSONValue {
        guard case var .object(o) = schema else { return schema }
        o.appendUnchecked("description", .string(text))
        return .object(o)
    }

    /// An object with exactly these properties (sorted, for a stable output), `required` among them.
    static func strict(_ properties: [String: JSONValue], required: [String]) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("type", .string("object")), ("additionalProperties", .bool(false)),
                                             ("properties", object(properties.keys.sorted().map { ($0, properties[$0]!) }))]
        if !required.isEmpty { pairs.append(("required", .array(required.map { .string($0) }))) }
        return object(pairs)
    }
}
