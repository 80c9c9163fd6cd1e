// Reading and writing events by dotted path the way libbeat processors do: `@timestamp` and `@metadata.*`
// are addressable besides the document's fields, and intermediate objects are created on write.

import Events
import NetModel

extension Event {
    /// Sets the value at `path` (`@metadata.x`, `@timestamp`, or a field path). False when the path cannot
    /// hold the value: `@timestamp` takes only a time, `@metadata` only an object.
    @discardableResult
    public mutating func put(_ path: EventPath, _ value: FieldValue) -> Bool {
        switch path.root {
        case .fields:
            fields.set(path.path, value)
        case .timestamp:
            guard case .timestamp(let t) = value else { return false }
            timestamp = t
        case .metadata:
            guard case .object(let m) = value else { return false }
            metadata = m
        case .metadataField:
            metadata.set(path.path, value)
        }
        return true
    }

    /// Removes and returns the value at `path`; `@timestamp` cannot be removed.
    @discardableResult
    public mutating func delete(_ path: EventPath) -> FieldValue? {
        switch path.root {
        case .fields: return fields.remove(path.path)
        case .timestamp: return nil
        case .metadata:
            defer { metadata = Fields() }
            return .object(metadata)
        case .metadataField: return metadata.remove(path.path)
        }
    }

    /// True when a value exists at `path`.
    public func has(_ path: EventPath) -> Bool { value(at: path) != nil }

    /// Lets `body` change the value at `path` in place (see `Fields.update`); `@metadata.*` paths change the
    /// metadata, and `@timestamp` takes only a time (anything else leaves it unchanged). `@metadata` itself is
    /// not special here.
    public mutating func update<R>(_ path: EventPath, _ body: (inout FieldValue?) throws -> R) rethrows -> R {
        switch path.root {
        case .fields, .metadata:
            return try fields.update(path.path, body)
        case .timestamp:
            var value: FieldValue? = .timestamp(timestamp)
            let result = try body(&value)
            if case .timestamp(let t)? = value { timestamp = t }
            return result
        case .metadataField:
            return try metadata.update(path.path, body)
        }
    }

    // Paths given as text (built per event, or from a `/regex/` match) are split on the spot.

    /// `put` at a path given as text.
    @discardableResult
    public mutating func put(_ path: String, _ value: FieldValue) -> Bool { put(EventPath(path), value) }

    /// `delete` at a path given as text.
    @discardableResult
    public mutating func delete(_ path: String) -> FieldValue? { delete(EventPath(path)) }

    /// `has` at a path given as text.
    public func has(_ path: String) -> Bool { value(at: path) != nil }

    /// `update` at a path given as text.
    public mutating func update<R>(_ path: String, _ body: (inout FieldValue?) throws -> R) rethrows -> R {
        try update(EventPath(path), body)
    }
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
