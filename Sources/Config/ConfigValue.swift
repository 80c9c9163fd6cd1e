// Free-form configuration trees: the parts of packetbeat.yml whose shape belongs to someone else
// (`fields`, processor configurations, Kafka topic conditions, options of protocols not yet typed).
// They keep the user's key order, and scalars are typed the way YAML 1.1 (Beats' YAML) types plain
// scalars, so `fields: {env: prod, shard: 3}` carries a string and an integer.

import NetModel

/// A free-form configuration value.
public indirect enum ConfigValue: Sendable, Equatable {
    /// An explicit null (`~`, `null`, or an empty value).
    case null
    /// A boolean.
    case bool(Bool)
    /// An integer.
    case int(Int64)
    /// A floating-point number.
    case double(Double)
    /// A string.
    case string(String)
    /// A list, in order.
    case list([ConfigValue])
    /// A map, in the user's key order.
    case map(ConfigMap)

    /// The value under `key` when this is a map; dots in `key` walk into nested maps.
    public subscript(key: String) -> ConfigValue? {
        guard case .map(let map) = self else { return nil }
        return map[path: key]
    }

    /// The string, when this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The integer, when this is an integer.
    public var intValue: Int64? {
        if case .int(let i) = self { return i }
        return nil
    }

    /// The boolean, when this is a boolean.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The map, when this is a map.
    public var mapValue: ConfigMap? {
        if case .map(let m) = self { return m }
        return nil
    }

    /// The elements, when this is a list.
    public var listValue: [ConfigValue]? {
        if case .list(let l) = self { return l }
        return nil
    }

    /// A Go duration (`500ms`, `1m30s`) or a number of seconds, when this is one.
    public var durationValue: TimeSpan? {
        switch self {
        case .string(let s): return ScalarSyntax.duration(s)
        case .int(let i): return ScalarSyntax.duration(String(i))
        case .double(let d): return ScalarSyntax.duration(String(d))
        default: return nil
        }
    }
}

/// An ordered map of string keys to values. Keys are unique; dotted keys from the file have already been
/// expanded into nested maps, so no key contains a dot.
public struct ConfigMap: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    /// One key and its value.
    public struct Entry: Sendable, Equatable {
        /// The key.
        public var key: String
        /// The value.
        public var value: ConfigValue

        /// An entry.
        public init(key: String, value: ConfigValue) {
            self.key = key
            self.value = value
        }
    }

    /// The entries in order.
    public private(set) var entries: [Entry]

    /// An empty map.
    public init() { entries = [] }

    /// A map of `entries`; a later duplicate key replaces the earlier value in place.
    public init(_ entries: [Entry]) {
        self.entries = []
        for entry in entries { self[entry.key] = entry.value }
    }

    /// A map from a literal, in source order.
    public init(dictionaryLiteral elements: (String, ConfigValue)...) {
        self.init(elements.map { Entry(key: $0.0, value: $0.1) })
    }

    /// The value of `key` (one level, no dot walking); setting nil removes the key.
    public subscript(key: String) -> ConfigValue? {
        get { entries.first { $0.key == key }?.value }
        set {
            if let index = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append(Entry(key: key, value: newValue))
            }
        }
    }

    /// The value at a dotted path (`a.b.c`), walking nested maps.
    public subscript(path path: String) -> ConfigValue? {
        var current: ConfigValue = .map(self)
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            guard case .map(let map) = current, let next = map[String(part)] else { return nil }
            current = next
        }
        return current
    }

    /// The keys in order.
    public var keys: [String] { entries.map(\.key) }

    /// The number of entries.
    public var count: Int { entries.count }

    /// True when there are no entries.
    public var isEmpty: Bool { entries.isEmpty }

    /// Iterates the entries in order.
    public func makeIterator() -> IndexingIterator<[Entry]> { entries.makeIterator() }
}

/// One entry of a `processors` list: the processor name (the entry's single key) and its configuration,
/// with where it was written so later stages can say
/// `packetbeat.yml:40:5: processors.3.rename.fields.0.to: ...`.
public struct ProcessorEntry: Sendable, Equatable {
    /// The processor name (`add_fields`, `drop_event`, ...); `if` for the `if`/`then`/`else` form.
    public let name: String
    /// The processor's configuration; for the `if` form, a map with the `if`, `then` and `else` keys.
    public let config: ConfigValue
    /// Where the entry starts.
    public let location: SourceLocation
    /// The 0-based position in its list.
    public let index: Int
    /// The dotted key path of the entry (`processors.3`, `packetbeat.protocols.0.processors.1`).
    public let path: String
    /// Where each value of the entry was written, by dotted path relative to the entry (`rename.fields.0.to`;
    /// for the `if` form `if.equals.x`, `then.0`).
    public let locations: [String: SourceLocation]
    /// Where each key of the entry was written, by the same paths (a dotted key gives all its parts one place).
    public let keyLocations: [String: SourceLocation]

    /// An entry.
    public init(
        name: String, config: ConfigValue, location: SourceLocation, index: Int, path: String? = nil,
        locations: (values: [String: SourceLocation], keys: [String: SourceLocation]) = ([:], [:])
    ) {
        self.name = name
        self.config = config
        self.location = location
        self.index = index
        self.path = path ?? "processors.\(index)"
        self.locations = locations.values
        self.keyLocations = locations.keys
    }

    /// Where the value at `relativePath` (or the closest enclosing part that has a location) was written.
    public func location(of relativePath: String) -> SourceLocation {
        Self.closest(relativePath, in: locations) ?? location
    }

    /// Where the key at `relativePath` was written, else where its value was.
    public func keyLocation(of relativePath: String) -> SourceLocation {
        keyLocations[relativePath] ?? location(of: relativePath)
    }

    private static func closest(_ relativePath: String, in table: [String: SourceLocation]) -> SourceLocation? {
        var path = Substring(relativePath)
        while !path.isEmpty {
            if let found = table[String(path)] { return found }
            guard let dot = path.lastIndex(of: ".") else { break }
            path = path[..<dot]
        }
        return nil
    }

    /// An error about the value at `relativePath` (empty for the entry itself).
    public func error(at relativePath: String, _ message: String) -> ConfigError {
        ConfigError(at: location(of: relativePath), keyPath: keyPath(relativePath), message: message)
    }

    /// An error about the key at `relativePath` (an unknown option or operator).
    public func keyError(at relativePath: String, _ message: String) -> ConfigError {
        ConfigError(at: keyLocation(of: relativePath), keyPath: keyPath(relativePath), message: message)
    }

    private func keyPath(_ relativePath: String) -> String {
        relativePath.isEmpty ? path : path + "." + relativePath
    }

    /// The entry written at `relativePath` inside this one (a processor of a `then` or `else` list), with
    /// its own path and locations.
    public func nested(name: String, config: ConfigValue, at relativePath: String, index: Int) -> ProcessorEntry {
        let prefix = relativePath + "."
        func inner(_ table: [String: SourceLocation]) -> [String: SourceLocation] {
            var out: [String: SourceLocation] = [:]
            for (key, value) in table where key.hasPrefix(prefix) { out[String(key.dropFirst(prefix.count))] = value }
            return out
        }
        return ProcessorEntry(
            name: name, config: config, location: location(of: relativePath), index: index,
            path: path + "." + relativePath, locations: (inner(locations), inner(keyLocations)))
    }
}
