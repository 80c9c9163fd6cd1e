// The shape of `processors` lists (global, per protocol, flows). Only the shape is checked here: each
// entry is a map with exactly one key, the processor name, or the conditional `if`/`then`/`else` form.
// What a processor's own options mean is the Processors stage's business; it receives each entry with
// its position so its errors can say "processor 3 at packetbeat.yml:40:5".

enum ProcessorDecoder {
    static func decode(_ cursor: Cursor) throws(ConfigError) -> [ProcessorEntry] {
        guard let elements = try cursor.list(expecting: "a list of processors") else { return [] }
        var out: [ProcessorEntry] = []
        for (index, element) in elements.enumerated() {
            let location = element.location ?? cursor.location ?? SourceLocation(file: "")
            guard let entries = element.node?.mapEntries else {
                let found = element.node.map { $0.isNull ? "null" : $0.shapeName } ?? "nothing"
                throw element.error(
                    "a processor must be a map with one key, the processor name (e.g. {add_host_metadata: ~}), "
                        + "got \(found)")
            }
            let keys = entries.map(\.key)
            if keys.contains("if") {
                let unexpected = keys.filter { !["if", "then", "else"].contains($0) }
                guard unexpected.isEmpty, keys.contains("then") else {
                    let problem =
                        unexpected.isEmpty ? "has no \"then\"" : "has other keys: \(unexpected.joined(separator: ", "))"
                    throw element.error("a conditional processor (if/then/else) \(problem)")
                }
                out.append(
                    ProcessorEntry(
                        name: "if", config: element.value() ?? .null, location: location, index: index,
                        path: element.path, locations: locations(of: element.node)))
                continue
            }
            guard entries.count == 1, let entry = entries.first else {
                let detail = keys.isEmpty ? "none" : "\(keys.count): \(keys.joined(separator: ", "))"
                throw element.error(
                    "a processor must be a map with exactly one key, the processor name; found \(detail) "
                        + "(start each processor with its own \"- \")")
            }
            out.append(
                ProcessorEntry(
                    name: entry.key, config: entry.value.value, location: location, index: index, path: element.path,
                    locations: locations(of: element.node)))
        }
        return out
    }

    /// Where every value under `node` was written, and where every key was, by dotted path relative to `node`.
    static func locations(of node: ConfigNode?) -> (values: [String: SourceLocation], keys: [String: SourceLocation]) {
        var values: [String: SourceLocation] = [:]
        var keys: [String: SourceLocation] = [:]
        func walk(_ node: ConfigNode, _ path: String) {
            if let location = node.location, !path.isEmpty { values[path] = location }
            switch node.kind {
            case .scalar:
                break
            case .list(let elements):
                for (i, element) in elements.enumerated() { walk(element, joinPath(path, String(i))) }
            case .map(let entries):
                for entry in entries {
                    let child = joinPath(path, entry.key)
                    if let keyLocation = entry.keyLocation { keys[child] = keyLocation }
                    walk(entry.value, child)
                }
            }
        }
        if let node { walk(node, "") }
        return (values, keys)
    }
}
