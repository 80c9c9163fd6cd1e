// The event model: a capture timestamp, metadata, and an ordered tree of typed fields.
//
// Order is insertion order, so the JSON encoder is deterministic (Beats itself emits Go map order, which
// is random; consumers cannot depend on order, and tests can). Dotted paths address nested objects the
// way libbeat's MapStr does (FieldPaths.swift): "network.transport" is key "transport" inside object "network".

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

    /// An equal value that shares no storage with this one: new lists, objects and (longer) strings. For values
    /// every event of a thread copies: each copy retains the storage and each freed event releases it, and
    /// storage shared by several threads has their cores contending for its reference count.
    public func unshared() -> FieldValue {
        switch self {
        case .string(let s): return .string(s.unshared())
        case .array(let items): return .array(items.map { $0.unshared() })
        case .object(let f): return .object(f.unshared())
        default: return self
        }
    }
}

/// Where a dotted path leads inside an object (`Fields.walk`).
public enum PathEnd: Equatable, Sendable {
    /// A value.
    case found(FieldValue)
    /// Nothing: a key on the way is absent.
    case missing
    /// A value that is not an object sits where the path needs one.
    case blocked(FieldValue)
}

/// An ordered map from keys to field values.
public struct Fields: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    /// One key and its value. Keys and values share one array: an object is one allocation to build, grow
    /// and free, not two.
    public struct Entry: Sendable, Equatable {
        @usableFromInline var key: String
        @usableFromInline var value: FieldValue

        @inlinable public init(key: String, value: FieldValue) {
            self.key = key
            self.value = value
        }
    }

    /// An object of exactly `entries`, whose keys the caller knows to be distinct. Builders of objects of a known
    /// shape pass an array literal: it is made in one allocation of the right size with its elements written in
    /// place, where an empty object grown by `append` takes a reservation (a generic call of some 120
    /// instructions) and a uniqueness and capacity check per key. Later additions beyond the literal's size
    /// reallocate it.
    @inlinable
    public init(distinct entries: [Entry]) {
        items = entries
    }

    @usableFromInline var items: [Entry]

    /// An empty object.
    @inlinable
    public init() {
        items = []
    }

    /// An object with `elements` in the given order (later duplicates replace earlier ones).
    public init(dictionaryLiteral elements: (String, FieldValue)...) {
        self.init()
        for (k, v) in elements { self[k] = v }
    }

    /// An empty object with room for `capacity` keys.
    @inlinable
    public init(capacity: Int) {
        items = []
        items.reserveCapacity(capacity)
    }

    /// Appends `key` without looking for an existing one: for builders that know their keys are distinct.
    @inlinable
    public mutating func append(_ key: String, _ value: FieldValue) {
        items.append(Entry(key: key, value: value))
    }

    /// An object with `pairs` in the given order.
    public init(_ pairs: [(String, FieldValue)]) {
        self.init()
        for (k, v) in pairs { self[k] = v }
    }

    /// Number of top-level keys.
    @inlinable public var count: Int { items.count }

    /// True when there are no keys.
    @inlinable public var isEmpty: Bool { items.isEmpty }

    /// The top-level entries in order.
    public var entries: [(key: String, value: FieldValue)] {
        items.map { (key: $0.key, value: $0.value) }
    }

    /// Visits the top-level entries in order without building an array.
    @inlinable
    public func forEach(_ body: (String, FieldValue) throws -> Void) rethrows {
        for i in items.indices { try body(items[i].key, items[i].value) }
    }

    /// The value of the top-level `key` (no dot handling); setting nil removes it.
    public subscript(key: String) -> FieldValue? {
        get {
            guard let i = index(ofKey: key) else { return nil }
            return items[i].value
        }
        set {
            if let i = index(ofKey: key) {
                if let v = newValue {
                    items[i].value = v
                } else {
                    items.remove(at: i)
                }
            } else if let v = newValue {
                items.append(Entry(key: key, value: v))
            }
        }
    }

    /// Deep-merges `other` into this object: nested objects merge, other values replace (when `overwrite`)
    /// or are kept (when not).
    public mutating func merge(_ other: Fields, overwrite: Bool = true) {
        for j in other.items.indices {
            let k = other.items[j].key, v = other.items[j].value
            guard let i = index(ofKey: k) else {
                items.append(Entry(key: k, value: v))
                continue
            }
            if case .object(let incoming) = v, case .object(var existing) = items[i].value {
                items[i].value = .null  // drop the second reference, so the object is merged in place
                existing.merge(incoming, overwrite: overwrite)
                items[i].value = .object(existing)
            } else if overwrite {
                items[i].value = v
            }
        }
    }

    /// An equal object that shares no storage with this one (`FieldValue.unshared`).
    public func unshared() -> Fields {
        var copy = Fields(capacity: items.count)
        for entry in items {
            copy.append(entry.key.unshared(), entry.value.unshared())
        }
        return copy
    }

    /// Removes null values everywhere (and objects left empty by that), as the Beats pipeline does
    /// unless `keep_null` is set. Events without nulls (most) are not touched, so nothing is copied.
    public mutating func removeNulls() {
        guard containsNull else { return }
        var i = 0
        while i < items.count {
            switch items[i].value {
            case .null:
                items.remove(at: i)
                continue
            case .object(var inner) where inner.containsNull:
                items[i].value = .null  // drop the second reference, so the inner object is mutated in place
                inner.removeNulls()
                items[i].value = .object(inner)
            case .array(let list) where list.contains(.null):
                items[i].value = .array(list.filter { $0 != .null })
            default:
                break
            }
            i += 1
        }
    }

    /// Whether `removeNulls` has anything to remove.
    var containsNull: Bool {
        // Every event is walked here: entries are matched in place, and lists tested by case, not by `==`.
        items.withUnsafeBufferPointer { entries in
            for i in entries.indices {
                switch entries[i].value {
                case .null: return true
                case .object(let inner): if inner.containsNull { return true }
                case .array(let list):
                    if list.contains(where: { if case .null = $0 { true } else { false } }) { return true }
                default: continue
                }
            }
            return false
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
    /// The text is walked as it is, not split into an `EventPath` first: format strings, routing rules and tests
    /// read paths this way, and splitting would cost an allocation per read.
    public func value(at path: String) -> FieldValue? {
        guard path.utf8.first == UInt8(ascii: "@") else { return fields.value(at: path) }
        if path == "@timestamp" { return .timestamp(timestamp) }
        if path == "@metadata" { return .object(metadata) }
        if path.hasPrefix("@metadata.") { return metadata.value(at: String(path.dropFirst("@metadata.".count))) }
        return fields.value(at: path)
    }
}

/// A path into an event as Beats processors and format strings address it: `@timestamp`, `@metadata` and
/// `@metadata.*` besides the document's fields. Split once, for code that uses the same path on every event.
public struct EventPath: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// What a path addresses.
    public enum Root: Sendable, Hashable {
        /// A field of the document (any path not listed below, including other `@` names).
        case fields
        /// `@timestamp`.
        case timestamp
        /// `@metadata` itself.
        case metadata
        /// A key path inside `@metadata` (`@metadata.kafka.key`).
        case metadataField
    }

    /// What the path addresses.
    public let root: Root
    /// The path within its root: the whole text for a document field, what follows `@metadata.` for a metadata
    /// key.
    public let path: FieldPath

    static let metadataPrefix = "@metadata."

    /// The path `text`.
    public init(_ text: String) {
        if text.utf8.first != UInt8(ascii: "@") {
            root = .fields
        } else if text == "@timestamp" {
            root = .timestamp
        } else if text == "@metadata" {
            root = .metadata
        } else if text.hasPrefix(EventPath.metadataPrefix) {
            root = .metadataField
        } else {
            root = .fields
        }
        path = FieldPath(root == .metadataField ? String(text.dropFirst(EventPath.metadataPrefix.count)) : text)
    }

    public init(stringLiteral text: String) { self.init(text) }

    /// The path as written.
    public var text: String { root == .metadataField ? EventPath.metadataPrefix + path.text : path.text }

    /// This path: its keys are interned (`FieldPath`), so copies of it take no reference count, and every
    /// thread can share them without the contention `FieldValue.unshared` avoids for other values.
    public func unshared() -> EventPath { self }

    public var description: String { text }
}

extension Event {
    /// Reads `path`, including `@timestamp` and `@metadata.*`.
    public func value(at path: EventPath) -> FieldValue? {
        switch path.root {
        case .fields: return fields.value(at: path.path)
        case .timestamp: return .timestamp(timestamp)
        case .metadata: return .object(metadata)
        case .metadataField: return metadata.value(at: path.path)
        }
    }
}

extension String {
    /// An equal string in storage of its own (a small string has none to share); see `FieldValue.unshared`.
    public func unshared() -> String { String(decoding: Array(utf8), as: UTF8.self) }
}
