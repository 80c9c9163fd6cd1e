// Turns Yams' node tree into the raw configuration tree: dotted keys become nested maps at every level
// (`a.b: 1` is `a: {b: 1}`, as in Beats), a key path given twice in one file is an error, YAML merge
// keys (`<<: *defaults`) are honoured, and every node keeps its file:line:column.

import Yams

/// Builds `ConfigNode` trees from YAML text.
enum TreeBuilder {
    /// Parses one YAML document from `file`. An empty document is an empty map.
    /// - Parameter keepMarks: false for `-E` values, whose line and column mean nothing to a user.
    static func parse(yaml: String, file: String, keepMarks: Bool = true) throws(ConfigError) -> ConfigNode {
        let root: Yams.Node?
        do {
            // The basic resolver: scalars are typed by `ConfigValue` (below, from the style and explicit tag),
            // never by Yams' implicit tags, and the default resolver compiles a dozen ICU regular expressions
            // on first use, a tenth of the start-up of a short run.
            root = try Yams.compose(yaml: yaml, .basic)
        } catch let error as YamlError {
            throw convert(error, yaml: yaml, file: file, keepMarks: keepMarks)
        } catch {
            throw ConfigError(at: SourceLocation(file: file), keyPath: "", message: "cannot parse YAML: \(error)")
        }
        guard let root else { return .emptyMap(at: SourceLocation(file: file, line: 1, column: 1)) }
        let builder = Builder(file: file, keepMarks: keepMarks)
        return try builder.build(root, path: "")
    }

    /// Maps a Yams error to a located `ConfigError`.
    static func convert(_ error: YamlError, yaml: String, file: String, keepMarks: Bool) -> ConfigError {
        func at(_ mark: Mark?) -> SourceLocation {
            guard keepMarks, let mark else { return SourceLocation(file: file) }
            return SourceLocation(file: file, line: mark.line, column: mark.column)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            return ConfigError(at: at(mark), keyPath: "", message: "invalid YAML: \(problem)\(detail)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let key = duplicates.first ?? "?"
            // Yams points at the first occurrence; the user usually wants the second one, the one to delete.
            let later = laterOccurrence(of: key, after: context.mark, in: yaml) ?? context.mark.line
            let location =
                keepMarks ? SourceLocation(file: file, line: later, column: context.mark.column) : at(nil)
            let first = keepMarks ? " (first given at line \(context.mark.line))" : ""
            return ConfigError(at: location, keyPath: key, message: "duplicate key \"\(key)\"\(first)")
        case .reader(let problem, _, _, _):
            return ConfigError(at: SourceLocation(file: file), keyPath: "", message: "cannot read YAML: \(problem)")
        default:
            return ConfigError(at: SourceLocation(file: file), keyPath: "", message: "cannot parse YAML: \(error)")
        }
    }

    /// The next line after `mark` that starts, at the same column, with `key:` (block mappings only).
    static func laterOccurrence(of key: String, after mark: Mark, in yaml: String) -> Int? {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        guard mark.line >= 1, mark.line <= lines.count else { return nil }
        for index in mark.line..<lines.count {
            let line = lines[index].unicodeScalars
            let indent = line.prefix { $0 == " " || $0 == "-" }.count
            let rest = String(String.UnicodeScalarView(line.dropFirst(indent)))
            guard indent + 1 == mark.column else { continue }
            for candidate in [key, "\"\(key)\"", "'\(key)'"] where rest.hasPrefix(candidate + ":") {
                return index + 1
            }
        }
        return nil
    }
}

/// One parse's conversion state.
private struct Builder {
    let file: String
    let keepMarks: Bool

    func location(_ mark: Mark?) -> SourceLocation {
        guard keepMarks, let mark else { return SourceLocation(file: file) }
        return SourceLocation(file: file, line: mark.line, column: mark.column)
    }

    func build(_ node: Yams.Node, path: String) throws(ConfigError) -> ConfigNode {
        switch node {
        case .scalar(let scalar):
            // Only untagged plain scalars are typed implicitly; quoted, block and `!!str` scalars are text.
            let plain = scalar.style == .plain && scalar.tag.rawValue != Tag.Name.str.rawValue
            return .scalar(scalar.string, plain: plain, at: location(scalar.mark))
        case .sequence(let sequence):
            var elements: [ConfigNode] = []
            for (index, element) in sequence.enumerated() {
                elements.append(try build(element, path: joinPath(path, String(index))))
            }
            return ConfigNode(.list(elements), at: location(sequence.mark))
        case .mapping(let mapping):
            return try buildMap(mapping, path: path)
        case .alias(let alias):
            throw ConfigError(at: location(alias.mark), keyPath: path, message: "unresolved YAML alias")
        }
    }

    func buildMap(_ mapping: Yams.Node.Mapping, path: String) throws(ConfigError) -> ConfigNode {
        var entries: [ConfigNode.MapEntry] = []
        var merges: [ConfigNode] = []
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let keyScalar) = keyNode else {
                throw ConfigError(
                    at: location(keyNode.mark), keyPath: path, message: "map keys must be plain strings")
            }
            let key = keyScalar.string
            let keyLocation = location(keyScalar.mark)
            if key == "<<" && keyScalar.style == .plain {
                merges.append(contentsOf: try mergeSources(valueNode, path: path))
                continue
            }
            let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !parts.contains(where: \.isEmpty) else {
                throw ConfigError(
                    at: keyLocation, keyPath: joinPath(path, key),
                    message: "invalid key \"\(key)\": empty name between dots")
            }
            let value = try build(valueNode, path: joinPath(path, parts.joined(separator: ".")))
            try insertUnique(into: &entries, parts[...], value: value, keyLocation: keyLocation, parentPath: path)
        }
        // YAML merge keys: the merged map's keys fill in only what the mapping does not set itself.
        for source in merges {
            for entry in source.mapEntries ?? [] where !entries.contains(where: { $0.key == entry.key }) {
                entries.append(entry)
            }
        }
        return ConfigNode(.map(entries), at: location(mapping.mark))
    }

    func mergeSources(_ node: Yams.Node, path: String) throws(ConfigError) -> [ConfigNode] {
        let built = try build(node, path: path)
        if built.mapEntries != nil { return [built] }
        if let list = built.listElements, list.allSatisfy({ $0.mapEntries != nil }) { return list }
        throw ConfigError(at: built.location, keyPath: path, message: "a YAML merge key (<<) needs a map")
    }

    /// Inserts `value` at the dotted `parts` below `entries`; maps met on the way merge, and any key path
    /// that ends up set twice is an error (Beats rejects duplicate expanded key paths too).
    func insertUnique(
        into entries: inout [ConfigNode.MapEntry], _ parts: ArraySlice<String>, value: ConfigNode,
        keyLocation: SourceLocation, parentPath: String
    ) throws(ConfigError) {
        guard let key = parts.first else { return }
        let path = joinPath(parentPath, key)
        var incoming = value
        for part in parts.dropFirst().reversed() {
            incoming = ConfigNode(
                .map([ConfigNode.MapEntry(key: part, keyLocation: keyLocation, value: incoming)]),
                at: keyLocation)
        }
        guard let index = entries.firstIndex(where: { $0.key == key }) else {
            entries.append(ConfigNode.MapEntry(key: key, keyLocation: keyLocation, value: incoming))
            return
        }
        guard case .map(var existing) = entries[index].value.kind, case .map(let added) = incoming.kind else {
            let first = entries[index].keyLocation?.line.map { " (first given at line \($0))" } ?? ""
            throw ConfigError(at: keyLocation, keyPath: path, message: "duplicate key \"\(path)\"\(first)")
        }
        for entry in added {
            try insertUnique(
                into: &existing, [entry.key], value: entry.value, keyLocation: entry.keyLocation ?? keyLocation,
                parentPath: path)
        }
        entries[index].value.kind = .map(existing)
    }
}
