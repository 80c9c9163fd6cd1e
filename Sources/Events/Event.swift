// The event model: a capture timestamp, metadata, and an ordered tree of typed fields.
//
// Order is insertion order, so the JSON encoder is deterministic (Beats itself emits Go map order, which
// is random; consumers cannot depend on order, and tests can). Dotted paths address nested objects the
// way libbeat's MapStr does: "network.transport" is key "transport" inside object "network".

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NetModel

/// One field value.
public enum FieldValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    /// A time, encoded as RFC 3339 UTC text with the encoder's precision (milliseconds by default).
    case timestamp(Timestamp)
    case array([FieldValue])
    case object(Fields)

    /// The nested object, if this is one.
    @inlinable
    public var object: Fields? {
        if case .object(let f) = self { return f }
        return nil
    }

    /// The string, if this is one.
    @inlinable
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// Convenience for a list of strings.
    public static func strings(_ values: [String]) -> FieldValue { .array(values.map { .string($0) }) }
}

/// An ordered map from keys to field values.
public struct Fields: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    @usableFromInline var keys: [String]
    @usableFromInline var values: [FieldValue]

    /// An empty object.
    @inlinable
    public init() {
        keys = []
        values = []
    }

    /// An object with `elements` in the given order (later duplicates replace earlier ones).
    public init(dictionaryLiteral elements: (String, FieldValue)...) {
        self.init()
        for (k, v) in elements { self[k] = v }
    }

    /// An empty object with room for `capacity` keys.
    @inlinable
    public init(capacity: Int) {
        keys = []
        values = []
        keys.reserveCapacity(capacity)
        values.reserveCapacity(capacity)
    }

    /// Appends `key` without looking for an existing one: for builders that know their keys are distinct.
    @inlinable
    public mutating func append(_ key: String, _ value: FieldValue) {
        keys.append(key)
        values.append(value)
    }

    /// An object with `pairs` in the given order.
    public init(_ pairs: [(String, FieldValue)]) {
        self.init()
        for (k, v) in pairs { self[k] = v }
    }

    /// Number of top-level keys.
    @inlinable public var count: Int { keys.count }

    /// True when there are no keys.
    @inlinable public var isEmpty: Bool { keys.isEmpty }

    /// The top-level entries in order.
    public var entries: [(key: String, value: FieldValue)] {
        Array(zip(keys, values)).map { (key: $0.0, value: $0.1) }
    }

    /// Visits the top-level entries in order without building an array.
    @inlinable
    public func forEach(_ body: (String, FieldValue) throws -> Void) rethrows {
        for i in keys.indices { try body(keys[i], values[i]) }
    }

    /// The value of the top-level `key` (no dot handling); setting nil removes it.
    public subscript(key: String) -> FieldValue? {
        get {
            guard let i = index(of: key[...]) else { return nil }
            return values[i]
        }
        set {
            if let i = index(of: key[...]) {
                if let v = newValue {
                    values[i] = v
                } else {
                    keys.remove(at: i)
                    values.remove(at: i)
                }
            } else if let v = newValue {
                keys.append(key)
                values.append(v)
            }
        }
    }

    /// The index of the top-level `key`. Keys compare byte for byte, as Go map keys do (Swift's `==` would
    /// also equate canonically equivalent spellings, and pays for the check on every comparison). Processors
    /// and conditions look up several paths per event, so this compares lengths first and then bytes with
    /// `memcmp`, in a plain loop.
    @inlinable
    func index(of key: Substring) -> Int? {
        let count = key.utf8.count
        let found = key.utf8.withContiguousStorageIfAvailable { wanted -> Int? in
            var i = 0
            while i < keys.count {
                if keys[i].utf8.count == count, Fields.bytes(of: keys[i], equal: wanted) { return i }
                i += 1
            }
            return nil
        }
        if let found { return found }
        return keys.firstIndex { $0.utf8.count == count && $0.utf8.elementsEqual(key.utf8) }
    }

    /// True when `string`'s UTF-8 bytes are `bytes` (whose count the caller checked already).
    @inlinable @inline(__always)
    static func bytes(of string: String, equal bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return true }
        return string.utf8.withContiguousStorageIfAvailable { mine in
            memcmp(mine.baseAddress!, base, bytes.count) == 0
        } ?? string.utf8.elementsEqual(bytes)
    }

    /// The value of the top-level `key` (no dot handling), without making a `String` of it.
    @inlinable
    public func value(forKey key: Substring) -> FieldValue? {
        index(of: key).map { values[$0] }
    }

    /// The first separator of a dotted path and the rest after it, found on the UTF-8 view: paths are split
    /// for every event by processors and conditions, and a character-by-character search would pay for
    /// grapheme breaking on each step.
    @inlinable
    public static func splitPath(_ path: Substring) -> (head: Substring, rest: Substring)? {
        let offset = path.utf8.withContiguousStorageIfAvailable { bytes -> Int? in
            guard let base = bytes.baseAddress, let hit = memchr(base, Int32(UInt8(ascii: ".")), bytes.count) else {
                return nil
            }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
        let dot: Substring.Index
        if let offset {
            guard let offset else { return nil }
            dot = path.utf8.index(path.utf8.startIndex, offsetBy: offset)
        } else {
            guard let found = path.utf8.firstIndex(of: UInt8(ascii: ".")) else { return nil }
            dot = found
        }
        return (path[..<dot], path[path.utf8.index(after: dot)...])
    }

    /// The value at a dotted `path` ("network.transport"), or nil. Walks the path in place: no array of parts,
    /// no copies of the objects on the way (processors and conditions call this for every event).
    public func value(at path: String) -> FieldValue? {
        var rest = path[...]
        var current = self
        while true {
            guard let (head, tail) = Fields.splitPath(rest) else {
                return current.index(of: rest).map { current.values[$0] }
            }
            guard let i = current.index(of: head), case .object(let inner) = current.values[i] else {
                return nil
            }
            current = inner
            rest = tail
        }
    }

    /// Sets the value at a dotted `path`, creating intermediate objects and replacing non-object
    /// intermediates (libbeat's Put fails there instead; processors that must fail use Processors' strict paths).
    public mutating func set(_ path: String, _ value: FieldValue) {
        set(path[...], value)
    }

    private mutating func set(_ path: Substring, _ value: FieldValue) {
        guard let (head, rest) = Fields.splitPath(path) else {
            if let i = index(of: path) {
                values[i] = value
            } else {
                keys.append(String(path))
                values.append(value)
            }
            return
        }
        guard let i = index(of: head) else {
            var inner = Fields()
            inner.set(rest, value)
            keys.append(String(head))
            values.append(.object(inner))
            return
        }
        var inner = values[i].object ?? Fields()
        values[i] = .null  // drop the second reference, so the inner object is changed in place
        inner.set(rest, value)
        values[i] = .object(inner)
    }

    /// Lets `body` change the value at a dotted `path` in place: it receives the value (nil when absent) with
    /// no other reference held, so appending to a list or merging into an object copies nothing. Setting nil
    /// removes the value; setting a value where the path is absent creates the objects on the way (and replaces
    /// non-object intermediates, as `set` does).
    public mutating func update<R>(_ path: String, _ body: (inout FieldValue?) throws -> R) rethrows -> R {
        try update(path[...], body)
    }

    private mutating func update<R>(_ path: Substring, _ body: (inout FieldValue?) throws -> R) rethrows -> R {
        guard let (head, rest) = Fields.splitPath(path) else {
            guard let i = index(of: path) else {
                var value: FieldValue? = nil
                let result = try body(&value)
                if let value {
                    keys.append(String(path))
                    values.append(value)
                }
                return result
            }
            var value: FieldValue? = values[i]
            values[i] = .null
            let result = try body(&value)
            if let value {
                values[i] = value
            } else {
                keys.remove(at: i)
                values.remove(at: i)
            }
            return result
        }
        if let i = index(of: head), case .object(var inner) = values[i] {
            values[i] = .null
            let result = try inner.update(rest, body)
            values[i] = .object(inner)
            return result
        }
        var inner = Fields()
        let result = try inner.update(rest, body)
        if !inner.isEmpty {
            if let i = index(of: head) {
                values[i] = .object(inner)
            } else {
                keys.append(String(head))
                values.append(.object(inner))
            }
        }
        return result
    }

    /// Removes and returns the value at a dotted `path`; removing the last key of an object leaves the empty
    /// object in place (libbeat's Delete behaves the same).
    @discardableResult
    public mutating func remove(_ path: String) -> FieldValue? {
        remove(path[...])
    }

    private mutating func remove(_ path: Substring) -> FieldValue? {
        guard let (head, rest) = Fields.splitPath(path) else {
            guard let i = index(of: path) else { return nil }
            keys.remove(at: i)
            return values.remove(at: i)
        }
        guard let i = index(of: head), case .object(var inner) = values[i] else { return nil }
        values[i] = .null
        let removed = inner.remove(rest)
        values[i] = .object(inner)
        return removed
    }

    /// True when a value exists at `path`.
    public func has(_ path: String) -> Bool { value(at: path) != nil }

    /// Deep-merges `other` into this object: nested objects merge, other values replace (when `overwrite`)
    /// or are kept (when not).
    public mutating func merge(_ other: Fields, overwrite: Bool = true) {
        for j in other.keys.indices {
            let k = other.keys[j], v = other.values[j]
            guard let i = index(of: k[...]) else {
                keys.append(k)
                values.append(v)
                continue
            }
            if case .object(let incoming) = v, case .object(var existing) = values[i] {
                values[i] = .null  // drop the second reference, so the object is merged in place
                existing.merge(incoming, overwrite: overwrite)
                values[i] = .object(existing)
            } else if overwrite {
                values[i] = v
            }
        }
    }

    /// Removes null values everywhere (and objects left empty by that), as the Beats pipeline does
    /// unless `keep_null` is set. Events without nulls (most) are not touched, so nothing is copied.
    public mutating func removeNulls() {
        guard containsNull else { return }
        var i = 0
        while i < keys.count {
            switch values[i] {
            case .null:
                keys.remove(at: i)
                values.remove(at: i)
                continue
            case .object(var inner) where inner.containsNull:
                values[i] = .null  // drop the second reference, so the inner object is mutated in place
                inner.removeNulls()
                values[i] = .object(inner)
            case .array(let items) where items.contains(.null):
                values[i] = .array(items.filter { $0 != .null })
            default:
                break
            }
            i += 1
        }
    }

    /// Whether `removeNulls` has anything to remove.
    var containsNull: Bool {
        values.contains { value in
            switch value {
            case .null: return true
            case .object(let inner): return inner.containsNull
            case .array(let items): return items.contains(.null)
            default: return false
            }
        }
    }
}

/// An event on its way to the outputs.
public struct Event: Sendable, Equatable {
    /// `@timestamp`: capture time of what the event describes (or of the report, for flows).
    public var timestamp: Timestamp
    /// Extra `@metadata` keys (beyond beat/type/version, which the encoder adds).
    public var metadata: Fields
    /// The document.
    public var fields: Fields

    /// An event with the given content.
    public init(timestamp: Timestamp, metadata: Fields = Fields(), fields: Fields = Fields()) {
        self.timestamp = timestamp
        self.metadata = metadata
        self.fields = fields
    }

    /// Reads a dotted path, including `@timestamp` and `@metadata.*` as Beats processors and format strings do.
    public func value(at path: String) -> FieldValue? {
        guard path.utf8.first == UInt8(ascii: "@") else { return fields.value(at: path) }
        if path == "@timestamp" { return .timestamp(timestamp) }
        if path == "@metadata" { return .object(metadata) }
        if path.hasPrefix("@metadata.") { return metadata.value(at: String(path.dropFirst("@metadata.".count))) }
        return fields.value(at: path)
    }
}
