// Typed reading of the raw tree. A cursor is a position (a node, or the absence of one) with its dotted
// key path and a location, so every type or range error names the key and points at the value
// (or, for a missing key, at its parent). Null values read as "not set", so `bpf_filter:` with nothing
// after it means the default.

import NetModel

/// A read position in the configuration tree.
struct Cursor {
    /// The node, or nil when the key is absent.
    let node: ConfigNode?
    /// The dotted key path.
    let path: String
    /// Where the key naming this node was written (for errors about the key itself).
    let keyLocation: SourceLocation?

    /// A cursor on `node` at `path`.
    init(_ node: ConfigNode?, path: String, keyLocation: SourceLocation?) {
        self.node = node
        self.path = path
        self.keyLocation = keyLocation
    }

    /// Where errors about the value point: the value, else the key, for an absent key its parent.
    var location: SourceLocation? { node?.location ?? keyLocation }

    /// True when the key is present with a non-null value.
    var isSet: Bool { node.map { !$0.isNull } ?? false }

    /// The child under `key`; for a list, the element whose index `key` spells.
    subscript(key: String) -> Cursor {
        if let elements = node?.listElements, let index = Int(key), elements.indices.contains(index) {
            let element = elements[index]
            return Cursor(element, path: joinPath(path, key), keyLocation: element.location)
        }
        // An absent key is reported where its section's key was written.
        let entry = node?.entry(key)
        return Cursor(
            entry?.value, path: joinPath(path, key), keyLocation: entry?.keyLocation ?? keyLocation ?? location)
    }

    /// An error at the value.
    func error(_ message: String) -> ConfigError {
        ConfigError(at: location, keyPath: path, message: message)
    }

    /// An error at the key.
    func keyError(_ message: String) -> ConfigError {
        ConfigError(at: keyLocation ?? location, keyPath: path, message: message)
    }

    /// A warning at the key.
    func warning(_ message: String) -> ConfigDiagnostic {
        ConfigDiagnostic(at: keyLocation ?? location, keyPath: path, message: message)
    }

    /// The scalar text, or an error naming what was found instead.
    func scalarText(expecting what: String) throws(ConfigError) -> String? {
        guard let node, !node.isNull else { return nil }
        guard let scalar = node.scalarValue else { throw error("expected \(what), got \(node.shapeName)") }
        return scalar.text
    }

    /// A boolean (true/false/yes/no/on/off, any case).
    func bool() throws(ConfigError) -> Bool? {
        guard let text = try scalarText(expecting: "a boolean (true or false)") else { return nil }
        guard let value = ScalarSyntax.bool(text) else {
            throw error("expected a boolean (true or false), got \"\(text)\"")
        }
        return value
    }

    /// A boolean with a default.
    func bool(default value: Bool) throws(ConfigError) -> Bool { try bool() ?? value }

    /// An integer, optionally within `range`.
    func int(in range: ClosedRange<Int>? = nil) throws(ConfigError) -> Int? {
        guard let text = try scalarText(expecting: "an integer") else { return nil }
        var parsed = ScalarSyntax.int(text)
        if parsed == nil, let d = ScalarSyntax.decimal(text), d == d.rounded(), d.magnitude < 9e18 {
            parsed = Int64(d)
        }
        guard let parsed, let value = Int(exactly: parsed) else {
            throw error("expected an integer, got \"\(text)\"")
        }
        if let range, !range.contains(value) { throw error(Cursor.rangeMessage(value, range)) }
        return value
    }

    /// An integer with a default, optionally within `range` (the default is not checked).
    func int(default value: Int, in range: ClosedRange<Int>? = nil) throws(ConfigError) -> Int {
        try int(in: range) ?? value
    }

    static func rangeMessage(_ value: Int, _ range: ClosedRange<Int>) -> String {
        if range.upperBound == Int.max { return "must be at least \(range.lowerBound), got \(value)" }
        if range.lowerBound == Int.min { return "must be at most \(range.upperBound), got \(value)" }
        return "must be between \(range.lowerBound) and \(range.upperBound), got \(value)"
    }

    /// A string. Plain numbers and booleans are taken as their text (`name: 123` is "123").
    func string() throws(ConfigError) -> String? {
        try scalarText(expecting: "a string")
    }

    /// A string with a default.
    func string(default value: String) throws(ConfigError) -> String { try string() ?? value }

    /// A non-empty string, or nil when absent; an empty value is an error.
    func nonEmptyString() throws(ConfigError) -> String? {
        guard let text = try string() else { return nil }
        guard !text.isEmpty else { throw error("must not be empty") }
        return text
    }

    /// A Go duration or a number of seconds.
    func duration() throws(ConfigError) -> TimeSpan? {
        guard let text = try scalarText(expecting: "a duration") else { return nil }
        guard let value = ScalarSyntax.duration(text) else {
            throw error("invalid duration \"\(text)\" (use a number with a unit: 30s, 1m, 500ms)")
        }
        return value
    }

    /// A duration with a default.
    func duration(default value: TimeSpan) throws(ConfigError) -> TimeSpan { try duration() ?? value }

    /// A byte size (`10MB`, `512KiB`) or a number of bytes.
    func byteSize() throws(ConfigError) -> Int64? {
        guard let text = try scalarText(expecting: "a byte size") else { return nil }
        guard let value = ScalarSyntax.byteSize(text) else {
            throw error("invalid byte size \"\(text)\" (use a number with a unit: 10MB, 512KiB, 1GB)")
        }
        return value
    }

    /// One of a closed set of words (compared case-insensitively when asked).
    func choice<T>(_ options: KeyValuePairs<String, T>, caseInsensitive: Bool = false) throws(ConfigError) -> T? {
        guard let text = try string() else { return nil }
        let key = caseInsensitive ? text.lowercased() : text
        if let match = options.first(where: { $0.key == key }) { return match.value }
        let names = options.map(\.key).joined(separator: ", ")
        throw error("invalid value \"\(text)\" (expected one of: \(names))")
    }

    /// The elements of a list. A scalar that came from a whole `${VAR}` or a `-E` value splits at commas,
    /// the way Beats reads list-valued environment variables; any other scalar is a list of one, as
    /// go-ucfg reads it (`tags: foo` is `tags: [foo]` in Beats).
    func list(expecting what: String = "a list") throws(ConfigError) -> [Cursor]? {
        guard let node, !node.isNull else { return nil }
        switch node.kind {
        case .list(let elements):
            return elements.enumerated().map { index, element in
                Cursor(element, path: joinPath(path, String(index)), keyLocation: element.location)
            }
        case .scalar(let scalar) where scalar.fromVariable:
            let parts = scalar.text.split(separator: ",", omittingEmptySubsequences: true)
                .map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
            return parts.enumerated().map { index, part in
                Cursor(
                    .scalar(part, plain: true, at: node.location), path: joinPath(path, String(index)),
                    keyLocation: node.location)
            }
        case .scalar:
            return [Cursor(node, path: joinPath(path, "0"), keyLocation: node.location)]
        default:
            throw error("expected \(what), got \(node.shapeName)")
        }
    }

    /// A list of strings (a single string is a list of one).
    func stringList() throws(ConfigError) -> [String]? {
        let example = "a list of strings, e.g. [\"a\", \"b\"]"
        guard let elements = try list(expecting: example) else { return nil }
        var out: [String] = []
        for element in elements {
            guard let text = try element.scalarText(expecting: "a string") else {
                throw element.error("expected a string, got null")
            }
            out.append(text)
        }
        return out
    }

    /// The entries of a map, in order.
    func entries() throws(ConfigError) -> [(key: String, cursor: Cursor)]? {
        guard let node, !node.isNull else { return nil }
        guard let entries = node.mapEntries else { throw error("expected a map, got \(node.shapeName)") }
        return entries.map { ($0.key, Cursor($0.value, path: joinPath(path, $0.key), keyLocation: $0.keyLocation)) }
    }

    /// The free-form value, or nil when absent.
    func value() -> ConfigValue? {
        guard let node, !node.isNull else { return nil }
        return node.value
    }

    /// A free-form map (`fields`), empty when absent.
    func configMap() throws(ConfigError) -> ConfigMap {
        guard let node, !node.isNull else { return ConfigMap() }
        guard case .map(let map) = node.value else { throw error("expected a map, got \(node.shapeName)") }
        return map
    }

    /// Requires a map or nothing at this position (for sections).
    func requireMapOrAbsent() throws(ConfigError) {
        if let node, !node.isNull, node.mapEntries == nil {
            throw error("expected a map, got \(node.shapeName)")
        }
    }
}
