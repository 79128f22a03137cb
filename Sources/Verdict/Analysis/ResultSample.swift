/// A deterministic random sample of the conversations with a given outcome: the same results,
/// metric, outcome, size and seed always give the same sample.
public struct ResultSample: Sendable {
    /// The sampled conversations' ids, in the order the results list them.
    public var ids: [String]
    /// How many conversations had the outcome.
    public var matching: Int
    public var problems: [String]
    /// Set when results were read but none has the metric, or the metric never has the value
    /// asked for: what to tell the user.
    public var unknownMetric: String?

    /// What to sample: a metric's value (when `ok`) or its status.
    public enum Target: Sendable {
        case value(String)
        case status(String)
    }

    /// Reservoir sampling (Algorithm R) over the matching results, driven by a seeded SplitMix64.
    public static func draw(results: [String], metric: String, outcome: Target?, size: Int, seed: UInt64,
                            options: InputOptions = InputOptions()) -> ResultSample {
        var reservoir = Reservoir<String>(size: size, seed: seed)
        var names: Set<String> = []
        var seen = false
        // The values the metric has (bounded), to name them when --value matches none.
        var values: Set<ExactKey> = []
        let (_, problems) = ResultLines(inputs: results, options: options, evidence: false).forEach { line, position in
            guard let id = line.id, let found = line.metrics.first(where: { $0.name.isExactly(metric) })?.outcome else {
                if !seen { for m in line.metrics { names.insert(m.name) } }
                return
            }
            seen = true
            if found.status == "ok", values.count < 1_000 { values.insert(ExactKey(found.display)) }
            switch outcome {
            case let .value(v)?: guard found.status == "ok", found.display.isExactly(v) else { return }
            case let .status(s)?: guard found.status == s else { return }
            case nil: break
            }
            reservoir.offer(id, at: position)
        }
        var sample = ResultSample(ids: reservoir.inOrder.map(\.item), matching: reservoir.seen, problems: problems)
        if !seen && !names.isEmpty {
            let hint = Suggestion.closest(to: metric, in: names.sorted()).map { " (did you mean '\($0)'?)" } ?? ""
            sample.unknownMetric = "no metric named '\(metric)' in the results\(hint)"
        }
        if seen, case let .value(v)? = outcome, !values.contains(ExactKey(v)) {
            sample.unknownMetric = Suggestion.noSuch("value", v, in: "the results of '\(metric)'", among: values.map(\.string), listed: 20)
        }
        return sample
    }

    /// Writes the transcripts of the sampled conversations from `inputs` as JSON Lines, in
    /// input order, each id once; returns the ids not found.
    public func transcripts(from inputs: [String], to output: ByteOutput, options: InputOptions = InputOptions()) -> [String] {
        // Ids compared by their bytes: 'café' in NFC is another conversation than in NFD.
        var wanted = Set(ids.map(ExactKey.init))
        let reader = InputReader(inputs: inputs, options: options)
        while !wanted.isEmpty, let raw = reader.next() {
            guard let bytes = raw.bytes,
                  let value = try? bytes.withUnsafeBufferPointer({ try JSONParser.parse($0) }),
                  case let .object(o) = value, case let .string(id)? = o["id"], wanted.remove(ExactKey(id)) != nil else { continue }
            var w = JSONWriter()
            w.value(value)
            w.bytes.append(0x0A)
            output.write(w.bytes)
        }
        return ids.filter { wanted.contains(ExactKey($0)) }
    }
}

/// Algorithm R over a stream, driven by a seeded SplitMix64: the same stream, size and seed
/// keep the same items. `sample` and `review` draw through it, so they draw alike.
struct Reservoir<Item> {
    private var rng: SplitMix64
    let size: Int
    /// Items offered so far.
    private(set) var seen = 0
    private var kept: [(position: Int, item: Item)] = []

    init(size: Int, seed: UInt64) {
        self.size = size
        rng = SplitMix64(state: seed)
    }

    mutating func offer(_ item: Item, at position: Int) {
        seen += 1
        if kept.count < size {
            kept.append((position, item))
        } else {
            let j = Int(rng.next() % UInt64(seen))
            if j < size { kept[j] = (position, item) }
        }
    }

    /// The kept items in the order they were offered.
    var inOrder: [(position: Int, item: Item)] { kept.sorted { $0.position < $1.position } }
}

/// SplitMix64: a small, fast generator whose sequence is fixed by its seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
