// Reading and writing events by dotted path the way libbeat processors do: `@timestamp` and `@metadata.*`
// are addressable besides the document's fields, and intermediate objects are created on write.

import Events
import NetModel

extension Event {
    /// Sets the value at `path` (`@metadata.x`, `@timestamp`, or a field path). False when the path cannot
    /// hold the value: `@timestamp` takes only a time, `@metadata` only an object.
    @discardableResult
    public mutating func put(_ path: String, _ value: FieldValue) -> Bool {
        guard Event.mayBeSpecial(path) else {
            fields.set(path, value)
            return true
        }
        if path == "@timestamp" {
            guard case .timestamp(let t) = value else { return false }
            timestamp = t
            return true
        }
        if path == "@metadata" {
            guard case .object(let m) = value else { return false }
            metadata = m
            return true
        }
        if path.hasPrefix("@metadata.") {
            metadata.set(String(path.dropFirst(Event.metadataPrefix.count)), value)
            return true
        }
        fields.set(path, value)
        return true
    }

    /// Removes and returns the value at `path`; `@timestamp` cannot be removed.
    @discardableResult
    public mutating func delete(_ path: String) -> FieldValue? {
        guard Event.mayBeSpecial(path) else { return fields.remove(path) }
        if path == "@timestamp" { return nil }
        if path == "@metadata" {
            defer { metadata = Fields() }
            return .object(metadata)
        }
        if path.hasPrefix("@metadata.") { return metadata.remove(String(path.dropFirst(Event.metadataPrefix.count))) }
        return fields.remove(path)
    }

    /// True when a value exists at `path`.
    public func has(_ path: String) -> Bool { value(at: path) != nil }

    /// Lets `body` change the value at `path` in place (see `Fields.update`); `@metadata.*` paths change the
    /// metadata, and `@timestamp` takes only a time (anything else leaves it unchanged).
    public mutating func update<R>(_ path: String, _ body: (inout FieldValue?) throws -> R) rethrows -> R {
        guard Event.mayBeSpecial(path) else { return try fields.update(path, body) }
        if path == "@timestamp" {
            var value: FieldValue? = .timestamp(timestamp)
            let result = try body(&value)
            if case .timestamp(let t)? = value { timestamp = t }
            return result
        }
        if path.hasPrefix(Event.metadataPrefix) {
            return try metadata.update(String(path.dropFirst(Event.metadataPrefix.count)), body)
        }
        return try fields.update(path, body)
    }

    static let metadataPrefix = "@metadata."

    /// False for paths that cannot be `@timestamp` or `@metadata(.*)`: those start with `@`. One byte test
    /// instead of the string comparisons (a prefix test is a Unicode-aware comparison) on every path.
    @inline(__always)
    static func mayBeSpecial(_ path: String) -> Bool { path.utf8.first == UInt8(ascii: "@") }
}

extension FieldValue {
    /// The value as text for processors that read strings: strings as they are, nil for anything else.
    var text: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// A short name of the value's type for error messages (`string`, `number`, `object`, ...).
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .int, .uint, .double: return "number"
        case .string: return "string"
        case .timestamp: return "time"
        case .array: return "array"
        case .object: return "object"
        }
    }
}
