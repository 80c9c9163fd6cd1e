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
    @usableFromInline struct Entry: Sendable, Equatable {
        @usableFromInline var key: String
        @usableFromInline var value: FieldValue

        @inlinable init(key: String, value: FieldValue) {
            self.key = key
            self.value = value
        }
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

    // Paths are walked on their UTF-8 bytes: processors and conditions look up several paths per event, and
    // splitting them into substrings paid for index validation and reference counting at every step. Keys
    // compare byte for byte, as Go map keys do (Swift's `==` would also equate canonically equivalent
    // spellings): lengths first, then the bytes.

    /// Calls `body` with the UTF-8 bytes of `string`.
    @inlinable @inline(__always)
    static func withBytes<R>(_ string: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let result = try string.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = string
        return try copy.withUTF8(body)
    }

    /// The offset of the first `.` in `bytes`, if any.
    @inlinable @inline(__always)
    static func firstDot(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = bytes.baseAddress, let hit = memchr(base, Int32(UInt8(ascii: ".")), bytes.count) else {
            return nil
        }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    /// The index of the top-level key whose UTF-8 bytes are `key`.
    @inlinable
    func index(ofBytes key: UnsafeBufferPointer<UInt8>) -> Int? {
        #if _endian(little) && _pointerBitWidth(_64)
            if key.count <= 15 { return index(ofShortBytes: key) }
        #endif
        var i = 0
        while i < items.count {
            if items[i].key.utf8.count == key.count, Fields.bytes(of: items[i].key, equal: key) { return i }
            i += 1
        }
        return nil
    }

    #if _endian(little) && _pointerBitWidth(_64)
        /// `index(ofBytes:)` for a key of at most 15 bytes, which every String of that length holds in its two
        /// words ("small"), as nearly all event keys are: the key's bytes are packed into the same two words once,
        /// and each entry's key is then compared as two integers read from the entry in place (no reference
        /// counting, no call). The layout is the 64-bit String ABI (stable since Swift 5) that the JSON encoder's
        /// `appendSmallPlain` also reads: bytes 0-7, bytes 8-14, then a top byte of flags (0x20 = small) and the
        /// count; unused bytes are zero. A key held otherwise (a short string stored out of line) is compared byte
        /// by byte.
        @usableFromInline
        func index(ofShortBytes key: UnsafeBufferPointer<UInt8>) -> Int? {
            let (w0, bytes1) = Fields.packWords(key)
            let w1 = bytes1 | UInt64(key.count) << 56
            let count = items.count
            return items.withUnsafeBytes { raw -> Int? in
                guard var key0 = raw.baseAddress?.advanced(by: MemoryLayout<Entry>.offset(of: \Entry.key)!) else {
                    return nil
                }
                var i = 0
                while i < count {
                    let k1 = key0.load(fromByteOffset: 8, as: UInt64.self)
                    if k1 & (0x20 << 56) != 0 {
                        // Small: the flags' high nibble aside, equal words are equal bytes.
                        if key0.load(as: UInt64.self) == w0 && k1 & ~(0xF0 << 56) == w1 { return i }
                    } else if items[i].key.utf8.count == key.count, Fields.bytes(of: items[i].key, equal: key) {
                        return i
                    }
                    key0 += MemoryLayout<Entry>.stride
                    i &+= 1
                }
                return nil
            }
        }

        /// Up to 15 bytes as the two little-endian words of a small String (unused bytes zero), read with a few
        /// overlapping loads and never past the buffer.
        @usableFromInline @inline(__always)
        static func packWords(_ key: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
            guard let base = key.baseAddress else { return (0, 0) }
            let raw = UnsafeRawPointer(base)
            let n = key.count
            if n >= 8 {
                let high = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
                return (raw.loadUnaligned(as: UInt64.self), n == 8 ? 0 : high >> UInt64(8 * (16 - n)))
            }
            if n >= 4 {
                let low = UInt64(raw.loadUnaligned(as: UInt32.self))
                return (low | UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << UInt64(8 * (n - 4)), 0)
            }
            if n >= 2 {
                let low = UInt64(raw.loadUnaligned(as: UInt16.self))
                return (low | UInt64(raw.loadUnaligned(fromByteOffset: n - 2, as: UInt16.self)) << UInt64(8 * (n - 2)), 0)
            }
            return (n == 1 ? UInt64(base[0]) : 0, 0)
        }
    #endif

    /// The index of the top-level `key`.
    @inlinable
    func index(ofKey key: String) -> Int? {
        Fields.withBytes(key) { index(ofBytes: $0) }
    }

    /// True when `string`'s UTF-8 bytes are `bytes` (whose count the caller checked already).
    @inlinable @inline(__always)
    static func bytes(of string: String, equal bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count > 0 else { return true }
        return string.utf8.withContiguousStorageIfAvailable { mine in
            // Keys are short and most candidates differ in their first byte: a loop in line beats a call.
            var i = 0
            while i < bytes.count {
                if mine[i] != bytes[i] { return false }
                i &+= 1
            }
            return true
        } ?? string.utf8.elementsEqual(bytes)
    }

    /// The value at a dotted `path` ("network.transport"), or nil.
    public func value(at path: String) -> FieldValue? {
        if case .found(let v) = walk(path) { return v }
        return nil
    }

    /// Where a dotted `path` leads: to a value, to nothing (a key on the way is absent), or into a value that is
    /// not an object where the path needs one (returned, for the error message). Walks the path in place: no
    /// array of parts and no substrings.
    public func walk(_ path: String) -> PathEnd {
        Fields.withBytes(path) { walk($0) }
    }

    /// Where the path of `path`'s parent leads ("a.b" for "a.b.c"); nil for a top-level key, whose parent is
    /// this object.
    public func walkToParent(of path: String) -> PathEnd? {
        Fields.withBytes(path) { bytes in
            guard let lastDot = bytes.lastIndex(of: UInt8(ascii: ".")) else { return nil }
            return walk(UnsafeBufferPointer(rebasing: bytes[..<lastDot]))
        }
    }

    /// `walk` on the path's UTF-8 bytes.
    func walk(_ bytes: UnsafeBufferPointer<UInt8>) -> PathEnd {
        var start = 0
        var current = self
        while true {
            let rest = UnsafeBufferPointer(rebasing: bytes[start...])
            let dot = Fields.firstDot(rest)
            guard let i = current.index(ofBytes: dot.map { UnsafeBufferPointer(rebasing: rest[..<$0]) } ?? rest) else {
                return .missing
            }
            guard let dot else { return .found(current.items[i].value) }
            guard case .object(let inner) = current.items[i].value else { return .blocked(current.items[i].value) }
            current = inner
            start += dot + 1
        }
    }

    /// Sets the value at a dotted `path`, creating intermediate objects and replacing non-object
    /// intermediates (libbeat's Put fails there instead; processors that must fail use Processors' strict paths).
    public mutating func set(_ path: String, _ value: FieldValue) {
        Fields.withBytes(path) { set($0, value) }
    }

    private mutating func set(_ path: UnsafeBufferPointer<UInt8>, _ value: FieldValue) {
        guard let dot = Fields.firstDot(path) else {
            if let i = index(ofBytes: path) {
                items[i].value = value
            } else {
                items.append(Entry(key: String(decoding: path, as: UTF8.self), value: value))
            }
            return
        }
        let head = UnsafeBufferPointer(rebasing: path[..<dot])
        let rest = UnsafeBufferPointer(rebasing: path[(dot + 1)...])
        guard let i = index(ofBytes: head) else {
            var inner = Fields()
            inner.set(rest, value)
            items.append(Entry(key: String(decoding: head, as: UTF8.self), value: .object(inner)))
            return
        }
        var inner = items[i].value.object ?? Fields()
        items[i].value = .null  // drop the second reference, so the inner object is changed in place
        inner.set(rest, value)
        items[i].value = .object(inner)
    }

    /// Lets `body` change the value at a dotted `path` in place: it receives the value (nil when absent) with
    /// no other reference held, so appending to a list or merging into an object copies nothing. Setting nil
    /// removes the value; setting a value where the path is absent creates the objects on the way (and replaces
    /// non-object intermediates, as `set` does).
    public mutating func update<R>(_ path: String, _ body: (inout FieldValue?) throws -> R) rethrows -> R {
        try Fields.withBytes(path) { try update($0, body) }
    }

    private mutating func update<R>(
        _ path: UnsafeBufferPointer<UInt8>, _ body: (inout FieldValue?) throws -> R
    ) rethrows -> R {
        guard let dot = Fields.firstDot(path) else {
            guard let i = index(ofBytes: path) else {
                var value: FieldValue? = nil
                let result = try body(&value)
                if let value {
                    items.append(Entry(key: String(decoding: path, as: UTF8.self), value: value))
                }
                return result
            }
            var value: FieldValue? = items[i].value
            items[i].value = .null
            let result = try body(&value)
            if let value {
                items[i].value = value
            } else {
                items.remove(at: i)
            }
            return result
        }
        let head = UnsafeBufferPointer(rebasing: path[..<dot])
        let rest = UnsafeBufferPointer(rebasing: path[(dot + 1)...])
        if let i = index(ofBytes: head), case .object(var inner) = items[i].value {
            items[i].value = .null
            let result = try inner.update(rest, body)
            items[i].value = .object(inner)
            return result
        }
        var inner = Fields()
        let result = try inner.update(rest, body)
        if !inner.isEmpty {
            if let i = index(ofBytes: head) {
                items[i].value = .object(inner)
            } else {
                items.append(Entry(key: String(decoding: head, as: UTF8.self), value: .object(inner)))
            }
        }
        return result
    }

    /// Removes and returns the value at a dotted `path`; removing the last key of an object leaves the empty
    /// object in place (libbeat's Delete behaves the same).
    @discardableResult
    public mutating func remove(_ path: String) -> FieldValue? {
        Fields.withBytes(path) { remove($0) }
    }

    private mutating func remove(_ path: UnsafeBufferPointer<UInt8>) -> FieldValue? {
        guard let dot = Fields.firstDot(path) else {
            guard let i = index(ofBytes: path) else { return nil }
            return items.remove(at: i).value
        }
        guard let i = index(ofBytes: UnsafeBufferPointer(rebasing: path[..<dot])), case .object(var inner) = items[i].value
        else { return nil }
        items[i].value = .null
        let removed = inner.remove(UnsafeBufferPointer(rebasing: path[(dot + 1)...]))
        items[i].value = .object(inner)
        return removed
    }

    /// True when a value exists at `path`.
    public func has(_ path: String) -> Bool { value(at: path) != nil }

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
    public func value(at path: String) -> FieldValue? {
        guard path.utf8.first == UInt8(ascii: "@") else { return fields.value(at: path) }
        if path == "@timestamp" { return .timestamp(timestamp) }
        if path == "@metadata" { return .object(metadata) }
        if path.hasPrefix("@metadata.") { return metadata.value(at: String(path.dropFirst("@metadata.".count))) }
        return fields.value(at: path)
    }
}
