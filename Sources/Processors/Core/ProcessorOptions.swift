// Typed reading of one processor's options, with errors that point at the option in the file:
// `packetbeat.yml:41:9: processors.3.rename.fields.0.to: expected a string, got a list`.
// go-ucfg's conversions are followed where users rely on them: a single string where a list of strings is
// expected is a list of one, and numbers and booleans read as text where text is expected.

import Config
import NetModel

/// The options of one processor (or of one element of an option list), read once at load.
public final class ProcessorOptions {
    /// The entry the options belong to (for locations and key paths).
    public let entry: ProcessorEntry
    /// The dotted path of this map relative to the entry (`rename`, `rename.fields.0`).
    public let base: String
    /// The options.
    public let map: ConfigMap
    /// Resources the processors may use (file locations, clocks).
    public let environment: ProcessorEnvironment

    /// Options read from `map`, written at `base` inside `entry`.
    public init(entry: ProcessorEntry, base: String, map: ConfigMap, environment: ProcessorEnvironment) {
        self.entry = entry
        self.base = base
        self.map = map
        self.environment = environment
    }

    /// The processor's name.
    public var name: String { entry.name }

    /// The path of `key` relative to the entry.
    public func path(_ key: String) -> String { base.isEmpty ? key : base + "." + key }

    /// An error about `key` (or, with an empty key, about the whole map).
    public func error(_ key: String, _ message: String) -> ConfigError {
        entry.error(at: key.isEmpty ? base : path(key), message)
    }

    /// Rejects keys not in `allowed`, naming the ones that are.
    public func rejectUnknown(allowed: [String]) throws(ConfigError) {
        for item in map where !allowed.contains(item.key) {
            let accepted = allowed.isEmpty ? "it takes no options" : "it accepts: \(allowed.joined(separator: ", "))"
            throw entry.keyError(at: path(item.key), "unknown option of \(name) (\(accepted))")
        }
    }

    /// The raw value of `key`; nil when absent or null.
    public func value(_ key: String) -> ConfigValue? {
        guard let v = map[key], v != .null else { return nil }
        return v
    }

    /// True when `key` is present (even as null).
    public func contains(_ key: String) -> Bool { map[key] != nil }

    /// A string (numbers and booleans read as their text).
    public func string(_ key: String) throws(ConfigError) -> String? {
        guard let v = value(key) else { return nil }
        guard let text = ProcessorOptions.scalarText(v) else { throw error(key, "expected a string, got \(v.shapeName)") }
        return text
    }

    /// A string that must be present.
    public func requiredString(_ key: String) throws(ConfigError) -> String {
        guard let s = try string(key) else { throw error(key, "\(name) requires \"\(key)\"") }
        return s
    }

    /// A non-empty string, when present.
    public func nonEmptyString(_ key: String) throws(ConfigError) -> String? {
        guard let s = try string(key) else { return nil }
        guard !s.isEmpty else { throw error(key, "must not be empty") }
        return s
    }

    /// A boolean.
    public func bool(_ key: String, default fallback: Bool) throws(ConfigError) -> Bool {
        guard let v = value(key) else { return fallback }
        guard case .bool(let b) = v else { throw error(key, "expected a boolean (true or false), got \(v.shapeName)") }
        return b
    }

    /// An integer within `range`.
    public func int(_ key: String, in range: ClosedRange<Int64>? = nil) throws(ConfigError) -> Int64? {
        guard let v = value(key) else { return nil }
        let i: Int64
        switch v {
        case .int(let n): i = n
        case .double(let d) where d == d.rounded() && d.magnitude < 9e18: i = Int64(d)
        case .string(let s) where Int64(s) != nil: i = Int64(s)!
        default: throw error(key, "expected an integer, got \(v.shapeName)")
        }
        if let range, !range.contains(i) {
            throw error(key, "must be between \(range.lowerBound) and \(range.upperBound), got \(i)")
        }
        return i
    }

    /// A duration (`500ms`, `1m`, or seconds).
    public func duration(_ key: String) throws(ConfigError) -> TimeSpan? {
        guard let v = value(key) else { return nil }
        guard let d = v.durationValue else { throw error(key, "expected a duration such as 500ms or 1m, got \(v.shapeName)") }
        return d
    }

    /// A list of strings; a single string is a list of one.
    public func stringList(_ key: String) throws(ConfigError) -> [String]? {
        guard let v = value(key) else { return nil }
        let items: [ConfigValue]
        switch v {
        case .list(let l): items = l
        case .map: throw error(key, "expected a list of strings, got a map")
        default: items = [v]
        }
        var out: [String] = []
        for (i, item) in items.enumerated() {
            guard let text = ProcessorOptions.scalarText(item) else {
                throw error("\(key).\(i)", "expected a string, got \(item.shapeName)")
            }
            out.append(text)
        }
        return out
    }

    /// A list of strings that must be present and non-empty.
    public func requiredStringList(_ key: String) throws(ConfigError) -> [String] {
        guard let list = try stringList(key), !list.isEmpty else {
            throw error(key, "\(name) requires \"\(key)\" with at least one entry")
        }
        return list
    }

    /// A map, when present.
    public func configMap(_ key: String) throws(ConfigError) -> ConfigMap? {
        guard let v = value(key) else { return nil }
        guard case .map(let m) = v else { throw error(key, "expected a map, got \(v.shapeName)") }
        return m
    }

    /// The options of a nested map (`field: {from: a, to: b}`), checked against `allowed`.
    public func nested(_ key: String, allowed: [String]) throws(ConfigError) -> ProcessorOptions? {
        guard let m = try configMap(key) else { return nil }
        let inner = ProcessorOptions(entry: entry, base: path(key), map: m, environment: environment)
        try inner.rejectUnknown(allowed: allowed)
        return inner
    }

    /// The elements of a list of maps (`fields: [{from: a, to: b}, ...]`), each checked against `allowed`.
    public func mapList(_ key: String, allowed: [String]) throws(ConfigError) -> [ProcessorOptions]? {
        guard let v = value(key) else { return nil }
        guard case .list(let items) = v else { throw error(key, "expected a list of maps, got \(v.shapeName)") }
        var out: [ProcessorOptions] = []
        for (i, item) in items.enumerated() {
            guard case .map(let m) = item else { throw error("\(key).\(i)", "expected a map, got \(item.shapeName)") }
            let inner = ProcessorOptions(entry: entry, base: path("\(key).\(i)"), map: m, environment: environment)
            try inner.rejectUnknown(allowed: allowed)
            out.append(inner)
        }
        return out
    }

    /// One of `choices` (case-insensitive), or `fallback` when absent.
    public func choice(_ key: String, _ choices: [String], default fallback: String) throws(ConfigError) -> String {
        guard let s = try string(key) else { return fallback }
        guard let match = choices.first(where: { $0.caseInsensitiveEquals(s) }) else {
            throw error(key, "invalid value \"\(s)\" (expected one of: \(choices.joined(separator: ", ")))")
        }
        return match
    }

    /// A regular expression, compiled now.
    public func pattern(_ key: String) throws(ConfigError) -> Pattern? {
        guard let s = try string(key) else { return nil }
        do { return try Pattern(s) } catch { throw self.error(key, error.message) }
    }

    /// A condition (`when`-style), parsed now.
    public func condition(_ key: String) throws(ConfigError) -> Condition? {
        guard let v = value(key) else { return nil }
        return try ConditionParser(entry: entry).parse(v, at: path(key))
    }

    static func scalarText(_ v: ConfigValue) -> String? {
        switch v {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .bool(let b): return String(b)
        default: return nil
        }
    }
}

extension ConfigValue {
    /// A short name of the value's shape for error messages.
    public var shapeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .list: return "a list"
        case .map: return "a map"
        }
    }
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool { lowercased() == other.lowercased() }
}
