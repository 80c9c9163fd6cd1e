// The table of keys wirebeat knows, section by section, and the walk that warns about the others.
// An unknown key is a warning with its location, not an error: it is most often a typo
// (`packetbeat.flows.timout`), and Beats itself ignores unknown keys. Sections a Kafka-only user can
// leave in their file (`setup.*`, `cloud.*`, `monitoring.*`, ...) are accepted without a word.

/// What may appear at a position of the tree.
indirect enum KeySchema: Sendable {
    /// Anything; not inspected (free-form trees, and sections accepted silently).
    case any
    /// A map of these known keys.
    case map([String: KeySchema])
    /// A list whose elements follow the schema.
    case list(KeySchema)
    /// A map, or a list of such maps (`packetbeat.interfaces`).
    case mapOrList([String: KeySchema])
    /// `packetbeat.protocols`: entries checked against the schema of their `type`.
    case protocols

    /// A map whose keys take any value.
    static func keys(_ names: [String]) -> KeySchema {
        .map(Dictionary(uniqueKeysWithValues: names.map { ($0, .any) }))
    }
}

/// Walks a tree against a schema and collects warnings.
struct KeyChecker {
    private(set) var warnings: [ConfigDiagnostic] = []

    mutating func check(_ node: ConfigNode, _ schema: KeySchema, path: String) {
        switch schema {
        case .any:
            return
        case .map(let known):
            checkMap(node, known, path: path)
        case .list(let element):
            for (index, child) in (node.listElements ?? []).enumerated() {
                check(child, element, path: joinPath(path, String(index)))
            }
        case .mapOrList(let known):
            if let elements = node.listElements {
                for (index, child) in elements.enumerated() {
                    checkMap(child, known, path: joinPath(path, String(index)))
                }
            } else {
                checkMap(node, known, path: path)
            }
        case .protocols:
            checkProtocols(node, path: path)
        }
    }

    private mutating func checkMap(_ node: ConfigNode, _ known: [String: KeySchema], path: String) {
        for entry in node.mapEntries ?? [] {
            let childPath = joinPath(path, entry.key)
            if let schema = known[entry.key] {
                check(entry.value, schema, path: childPath)
                continue
            }
            var message = "unknown setting (ignored)"
            if let guess = KeyChecker.suggestion(for: entry.key, among: Array(known.keys)) {
                message += "; did you mean \"\(guess)\"?"
            }
            warnings.append(
                ConfigDiagnostic(at: entry.keyLocation ?? entry.value.location, keyPath: childPath, message: message))
        }
    }

    private mutating func checkProtocols(_ node: ConfigNode, path: String) {
        if let elements = node.listElements {
            for (index, element) in elements.enumerated() {
                let typeName = element.entry("type")?.value.scalarValue?.text.lowercased() ?? ""
                guard let type = ProtocolType(rawValue: typeName) else { continue }
                checkMap(element, KnownKeys.protocolKeys(type), path: joinPath(path, String(index)))
            }
        } else {
            for entry in node.mapEntries ?? [] {
                guard let type = ProtocolType(rawValue: entry.key.lowercased()) else { continue }
                checkMap(entry.value, KnownKeys.protocolKeys(type), path: joinPath(path, entry.key))
            }
        }
    }

    /// The closest known key within two edits, to suggest for a typo.
    static func suggestion(for key: String, among known: [String]) -> String? {
        let scored = known.map { ($0, editDistance(key, $0)) }.filter { $0.1 <= 2 && $0.1 < key.count }
        return scored.min { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }?.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars)
        let y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        for i in 1...x.count {
            var current = [i] + Array(repeating: 0, count: y.count)
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[y.count]
    }
}
