// Dotted paths into events, read the way libbeat's MapStr reads them: "network.transport" is key "transport"
// inside object "network", and intermediate objects are created on write.
//
// A path comes in two spellings that share one walker (written once, over a `PathCursor`): text, split on its
// bytes as it is walked, and a `FieldPath`, split once, for code that addresses the same path in every event
// (processors, conditions). A `FieldPath` spares each use the search for dots, the packing of each key for
// comparison and the making of a key String where a write adds one.
//
// Keys compare byte for byte, as Go map keys do (Swift's `==` would also equate canonically equivalent
// spellings): lengths first, then the bytes. Splitting text into substrings instead paid for index validation
// and reference counting at every step.

import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A dotted path split into its keys once. Empty keys are kept (`a..b` is `a`, ``, `b`), as the text walker
/// keeps them. The text is joined again when asked for (error messages).
///
/// Paths are interned: every path made from the same text shares one set of keys, kept for the life of the
/// process, and a copy of the path takes no reference count. Processors and conditions copy their paths for
/// every event they see (a rename's two, a condition's field), and each copy of a counted reference is an atomic
/// increment and decrement, some 13 ns together on this machine's cores: with nonatomic counting in wirebeat's
/// own modules, a console run of the bench capture took a tenth less CPU (measured on one core, where that is
/// safe). The table stops growing at `internLimit` texts, so that paths made from event data cannot grow it
/// without bound; later paths own their keys (a copy counts one reference, as before).
public struct FieldPath: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The keys, read without taking a reference: the table or `owner` holds them.
    @usableFromInline let box: Unmanaged<PathKeys>
    /// The keys of a path that is not interned; nil for an interned one.
    let owner: PathKeys?

    /// The most distinct texts interned.
    static let internLimit = 65_536
    private static let interned = Mutex<[Text: PathKeys]>([:])

    /// A path's text as the table's key: compared and hashed by its bytes, as paths are (Swift's `==` would make
    /// two spellings of "é" one key).
    private struct Text: Hashable {
        let text: String
        static func == (a: Text, b: Text) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }
        func hash(into hasher: inout Hasher) {
            for byte in text.utf8 { hasher.combine(byte) }
        }
    }

    /// The path `text`.
    public init(_ text: String) { self.init(text, interning: true) }

    /// The path `text`, interned unless `interning` is false (tests of paths that own their keys).
    init(_ text: String, interning: Bool) {
        // One lock for the lookup and the insertion: paths are made when configurations are read, and on error
        // paths, not per event.
        let interned: PathKeys? = !interning ? nil : FieldPath.interned.withLock { entries in
            let key = Text(text: text)
            if let known = entries[key] { return known }
            guard entries.count < FieldPath.internLimit else { return nil }
            let made = PathKeys(splitting: text)
            entries[key] = made
            return made
        }
        let keys = interned ?? PathKeys(splitting: text)
        box = .passUnretained(keys)
        owner = interned == nil ? keys : nil
    }

    public init(stringLiteral text: String) { self.init(text) }

    /// The keys, valid while this path is.
    @usableFromInline var keys: UnsafeBufferPointer<PathKey> {
        box._withUnsafeGuaranteedRef { UnsafeBufferPointer($0.keys) }
    }

    /// Whether the keys are in the intern table (for tests).
    var isInterned: Bool { owner == nil }

    /// The path as written.
    public var text: String { keys.map(\.name).joined(separator: ".") }

    /// The number of keys.
    public var count: Int { keys.count }

    public var description: String { text }

    /// Paths are equal when their keys are, byte for byte (as keys are looked up).
    public static func == (a: FieldPath, b: FieldPath) -> Bool {
        a.box.toOpaque() == b.box.toOpaque()
            || a.keys.elementsEqual(b.keys) { $0.name.utf8.elementsEqual($1.name.utf8) }
    }

    public func hash(into hasher: inout Hasher) {
        for key in keys {
            hasher.combine(key.name.utf8.count)
            for byte in key.name.utf8 { hasher.combine(byte) }
        }
    }

    /// Calls `body` with a cursor at the first key.
    @inline(__always)
    func withCursor<R>(_ body: (KeyListCursor) throws -> R) rethrows -> R {
        try withExtendedLifetime(owner) { try body(KeyListCursor(keys: keys, index: 0)) }
    }
}

/// The keys of a path, in memory of their own that stays put while the box lives.
@usableFromInline final class PathKeys: @unchecked Sendable {
    // Immutable after init; read from any thread.
    let keys: UnsafeMutableBufferPointer<PathKey>

    /// The keys of the dotted path `text`.
    init(splitting text: String) {
        let list = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).map {
            PathKey(String(decoding: $0, as: UTF8.self))
        }
        keys = .allocate(capacity: list.count)
        _ = keys.initialize(fromContentsOf: list)
    }

    deinit {
        keys.deinitialize()
        keys.deallocate()
    }
}

/// One key of a `FieldPath`, with what comparing it needs worked out once.
@usableFromInline struct PathKey: Sendable {
    let name: String
    /// The key as a small String's two words (see `Fields.packWords`), when `isShort`.
    let w0: UInt64
    let w1: UInt64
    let isShort: Bool

    init(_ name: String) {
        self.name = name
        #if _endian(little) && _pointerBitWidth(_64)
            let packed: (UInt64, UInt64, Bool) = Fields.withBytes(name) { bytes in
                guard bytes.count <= 15 else { return (0, 0, false) }
                let (w0, bytes1) = Fields.packWords(bytes)
                return (w0, bytes1 | UInt64(bytes.count) << 56, true)
            }
            (w0, w1, isShort) = packed
        #else
            (w0, w1, isShort) = (0, 0, false)
        #endif
    }
}

/// A position in a path being walked: its current key, and whether more follow.
@usableFromInline protocol PathCursor {
    /// True when the current key is the path's last.
    var isLast: Bool { get }
    /// The cursor at the next key; only when not `isLast`.
    func advanced() -> Self
    /// The index of the current key among an object's `entries`.
    func index(in entries: UnsafeBufferPointer<Fields.Entry>) -> Int?
    /// The current key, for a new entry.
    func key() -> String
}

/// A cursor over a path's text, finding each key's end as it goes.
@usableFromInline struct TextCursor: PathCursor {
    let path: UnsafeBufferPointer<UInt8>
    let start: Int
    let end: Int

    @inline(__always)
    init(_ path: UnsafeBufferPointer<UInt8>, from start: Int = 0) {
        self.path = path
        self.start = start
        end = Fields.firstDot(UnsafeBufferPointer(rebasing: path[start...])).map { start + $0 } ?? path.count
    }

    @usableFromInline var isLast: Bool { end == path.count }
    @usableFromInline func advanced() -> TextCursor { TextCursor(path, from: end + 1) }
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: path[start..<end]) }
    @usableFromInline func index(in entries: UnsafeBufferPointer<Fields.Entry>) -> Int? {
        Fields.index(ofBytes: bytes, in: entries)
    }
    @usableFromInline func key() -> String { String(decoding: bytes, as: UTF8.self) }
}

/// The path at `base` without its last key (which `base` must have more than one of).
struct ParentCursor<Base: PathCursor>: PathCursor {
    let base: Base

    var isLast: Bool { base.advanced().isLast }
    func advanced() -> ParentCursor { ParentCursor(base: base.advanced()) }
    func index(in entries: UnsafeBufferPointer<Fields.Entry>) -> Int? { base.index(in: entries) }
    func key() -> String { base.key() }
}

/// A cursor over a `FieldPath`'s keys.
@usableFromInline struct KeyListCursor: PathCursor {
    let keys: UnsafeBufferPointer<PathKey>
    let index: Int

    @usableFromInline var isLast: Bool { index == keys.count - 1 }
    @usableFromInline func advanced() -> KeyListCursor { KeyListCursor(keys: keys, index: index + 1) }

    @usableFromInline @inline(__always) func index(in entries: UnsafeBufferPointer<Fields.Entry>) -> Int? {
        let key = keys[index]
        #if _endian(little) && _pointerBitWidth(_64)
            if key.isShort {
                return Fields.index(ofWords: key.w0, key.w1, in: entries) { $0.utf8.elementsEqual(key.name.utf8) }
            }
        #endif
        return Fields.withBytes(key.name) { Fields.index(ofBytes: $0, in: entries) }
    }

    @usableFromInline func key() -> String { keys[index].name }
}

extension Fields {
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

    /// The index of the key whose UTF-8 bytes are `key` among `entries`.
    @inlinable
    static func index(ofBytes key: UnsafeBufferPointer<UInt8>, in entries: UnsafeBufferPointer<Entry>) -> Int? {
        #if _endian(little) && _pointerBitWidth(_64)
            if key.count <= 15 {
                let (w0, bytes1) = Fields.packWords(key)
                return index(ofWords: w0, bytes1 | UInt64(key.count) << 56, in: entries) {
                    $0.utf8.count == key.count && Fields.bytes(of: $0, equal: key)
                }
            }
        #endif
        var i = 0
        while i < entries.count {
            if entries[i].key.utf8.count == key.count, Fields.bytes(of: entries[i].key, equal: key) { return i }
            i += 1
        }
        return nil
    }

    #if _endian(little) && _pointerBitWidth(_64)
        /// The index of the top-level key of at most 15 bytes packed as `w0` and `w1` (the words of a small String,
        /// as nearly all event keys are: bytes 0-7, bytes 8-14 with the count in the top byte). Each entry's key is
        /// compared as two integers read from the entry in place (no reference counting, no call). The layout is
        /// the 64-bit String ABI (stable since Swift 5) that the JSON encoder's `appendSmallPlain` also reads: a top
        /// byte of flags (0x20 = small) and the count; unused bytes are zero. A key held otherwise (a short string
        /// stored out of line) is compared by `equal`.
        @usableFromInline @inline(__always)
        static func index(
            ofWords w0: UInt64, _ w1: UInt64, in entries: UnsafeBufferPointer<Entry>, orKey equal: (String) -> Bool
        ) -> Int? {
            guard let base = entries.baseAddress else { return nil }
            var key0 = UnsafeRawPointer(base) + MemoryLayout<Entry>.offset(of: \Entry.key)!
            var i = 0
            while i < entries.count {
                let k1 = key0.load(fromByteOffset: 8, as: UInt64.self)
                if k1 & (0x20 << 56) != 0 {
                    // Small: the flags' high nibble aside, equal words are equal bytes.
                    if key0.load(as: UInt64.self) == w0 && k1 & ~(0xF0 << 56) == w1 { return i }
                } else if equal(entries[i].key) {
                    return i
                }
                key0 += MemoryLayout<Entry>.stride
                i &+= 1
            }
            return nil
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
                let high = UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
                return (low | high << UInt64(8 * (n - 4)), 0)
            }
            if n >= 2 {
                let low = UInt64(raw.loadUnaligned(as: UInt16.self))
                let high = UInt64(raw.loadUnaligned(fromByteOffset: n - 2, as: UInt16.self))
                return (low | high << UInt64(8 * (n - 2)), 0)
            }
            return (n == 1 ? UInt64(base[0]) : 0, 0)
        }
    #endif

    /// The index of the top-level `key`.
    @inlinable
    func index(ofKey key: String) -> Int? {
        Fields.withBytes(key) { bytes in items.withUnsafeBufferPointer { Fields.index(ofBytes: bytes, in: $0) } }
    }

    /// The index of the top-level key at `cursor`.
    @inline(__always)
    func index<C: PathCursor>(_ cursor: C) -> Int? {
        items.withUnsafeBufferPointer { cursor.index(in: $0) }
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

    // MARK: The walker, once for both spellings

    // Reading walks the entries where they lie, nested objects included (`FieldValue.withEntries`): holding each
    // object on the way as a `Fields` value retained and released its array at every step.

    /// Where the path at `cursor` leads.
    func walk<C: PathCursor>(_ cursor: C) -> PathEnd {
        items.withUnsafeBufferPointer { Fields.walk($0, cursor) }
    }

    static func walk<C: PathCursor>(_ entries: UnsafeBufferPointer<Entry>, _ c: C) -> PathEnd {
        guard let i = c.index(in: entries) else { return .missing }
        if c.isLast { return .found(entries[i].value) }
        return FieldValue.withEntries(ofObjectAt: entries, i) { inner in
            guard let inner else { return .blocked(entries[i].value) }
            return walk(inner, c.advanced())
        }
    }

    /// Where the path at `cursor` without its last key leads; nil when only one key is left.
    func walkToParent<C: PathCursor>(_ cursor: C) -> PathEnd? {
        cursor.isLast ? nil : walk(ParentCursor(base: cursor))
    }

    /// Whether the path at `entries` and `c` runs into a value that is not an object (an intermediate key's, or
    /// the last key's own). Read in place: unlike `walk`, nothing found is copied (a retain and a release).
    static func meetsNonObject<C: PathCursor>(_ entries: UnsafeBufferPointer<Entry>, _ c: C) -> Bool {
        guard let i = c.index(in: entries) else { return false }
        return FieldValue.withEntries(ofObjectAt: entries, i) { inner in
            guard let inner else { return true }
            return c.isLast ? false : meetsNonObject(inner, c.advanced())
        }
    }

    mutating func set<C: PathCursor>(_ c: C, _ value: FieldValue) { _ = set(c, value, replacingNonObjects: true) }

    /// Sets the value at `cursor`, creating missing objects on the way. A value that is not an object where the
    /// path needs one is replaced by an object (`replacingNonObjects`) or returned, nothing changed: only
    /// objects that already exist are walked before it, so the walk has created nothing yet.
    mutating func set<C: PathCursor>(_ c: C, _ value: FieldValue, replacingNonObjects: Bool) -> FieldValue? {
        guard !c.isLast else {
            if let i = index(c) {
                items[i].value = value
            } else {
                items.append(Entry(key: c.key(), value: value))
            }
            return nil
        }
        guard let i = index(c) else {
            var inner = Fields()
            inner.set(c.advanced(), value)
            items.append(Entry(key: c.key(), value: .object(inner)))
            return nil
        }
        // Bound straight from `takeObject`: an intermediate binding copied the object.
        if var inner = takeObject(at: i) {
            let blocker = inner.set(c.advanced(), value, replacingNonObjects: replacingNonObjects)
            items[i].value = .object(inner)
            return blocker
        }
        guard replacingNonObjects else { return items[i].value }
        var inner = Fields()
        let blocker = inner.set(c.advanced(), value, replacingNonObjects: replacingNonObjects)
        items[i].value = .object(inner)
        return blocker
    }

    /// The object in entry `i`, moved out: the entry holds `.null` until the caller puts it back, and the object,
    /// held once, is changed in place (copying it out and then dropping the entry's reference, as before, took
    /// two atomic reference-count steps). Nil, with nothing changed, for a value of another kind.
    @inline(__always)
    mutating func takeObject(at i: Int) -> Fields? {
        guard case .object = items[i].value else { return nil }
        var taken = FieldValue.null
        swap(&taken, &items[i].value)
        guard case .object(let object) = consume taken else { return nil }
        return object
    }

    mutating func update<C: PathCursor, R>(_ c: C, _ body: (inout FieldValue?) throws -> R) rethrows -> R {
        guard !c.isLast else {
            guard let i = index(c) else {
                var value: FieldValue? = nil
                let result = try body(&value)
                if let value { items.append(Entry(key: c.key(), value: value)) }
                return result
            }
            // Moved out (see `takeObject`): `body` gets the only reference.
            var taken = FieldValue.null
            swap(&taken, &items[i].value)
            var value: FieldValue? = consume taken
            defer {
                if let value {
                    items[i].value = value
                } else {
                    items.remove(at: i)
                }
            }
            return try body(&value)
        }
        if let i = index(c), var inner = takeObject(at: i) {
            defer { items[i].value = .object(inner) }
            return try inner.update(c.advanced(), body)
        }
        var inner = Fields()
        let result = try inner.update(c.advanced(), body)
        if !inner.isEmpty {
            if let i = index(c) {
                items[i].value = .object(inner)
            } else {
                items.append(Entry(key: c.key(), value: .object(inner)))
            }
        }
        return result
    }

    mutating func remove<C: PathCursor>(_ c: C) -> FieldValue? {
        guard let i = index(c) else { return nil }
        guard !c.isLast else { return items.remove(at: i).value }
        guard var inner = takeObject(at: i) else { return nil }
        let removed = inner.remove(c.advanced())
        items[i].value = .object(inner)
        return removed
    }

    // MARK: Paths as text

    /// The value at a dotted `path` ("network.transport"), or nil.
    public func value(at path: String) -> FieldValue? {
        if case .found(let v) = walk(path) { return v }
        return nil
    }

    /// Where a dotted `path` leads: to a value, to nothing (a key on the way is absent), or into a value that is
    /// not an object where the path needs one (returned, for the error message).
    public func walk(_ path: String) -> PathEnd {
        Fields.withBytes(path) { walk(TextCursor($0)) }
    }

    /// Where the path of `path`'s parent leads ("a.b" for "a.b.c"); nil for a top-level key, whose parent is
    /// this object.
    public func walkToParent(of path: String) -> PathEnd? {
        Fields.withBytes(path) { walkToParent(TextCursor($0)) }
    }

    /// Sets the value at a dotted `path`, creating intermediate objects and replacing non-object
    /// intermediates (libbeat's Put fails there instead; processors that must fail use Processors' strict paths).
    public mutating func set(_ path: String, _ value: FieldValue) {
        Fields.withBytes(path) { set(TextCursor($0), value) }
    }

    /// Lets `body` change the value at a dotted `path` in place: it receives the value (nil when absent) with
    /// no other reference held, so appending to a list or merging into an object copies nothing. Setting nil
    /// removes the value; setting a value where the path is absent creates the objects on the way (and replaces
    /// non-object intermediates, as `set` does).
    public mutating func update<R>(_ path: String, _ body: (inout FieldValue?) throws -> R) rethrows -> R {
        try Fields.withBytes(path) { try update(TextCursor($0), body) }
    }

    /// Removes and returns the value at a dotted `path`; removing the last key of an object leaves the empty
    /// object in place (libbeat's Delete behaves the same).
    @discardableResult
    public mutating func remove(_ path: String) -> FieldValue? {
        Fields.withBytes(path) { remove(TextCursor($0)) }
    }

    /// True when a value exists at `path`.
    public func has(_ path: String) -> Bool { value(at: path) != nil }

    /// Renames the key `from` to `to` in the object that holds the last key of `path` (this object for a path of
    /// one key), when that object holds `from` and not `to`: the value moves to the end under its new name, which
    /// is what removing `from` and then putting `to` leaves. Returns false, with nothing changed, in any other
    /// case. One walk instead of the four that checking both paths, putting and removing take (`rename` of
    /// `flow.id` to `flow.key`, with `path` either of the two).
    public mutating func renameKey(besideLastKeyOf path: FieldPath, from: String, to: String) -> Bool {
        path.withCursor { c in
            guard !c.isLast else { return renameKey(from: from, to: to) }
            return update(ParentCursor(base: c)) { value -> Bool in
                guard case .object(var object)? = value else { return false }
                value = .null  // drop the second reference, so the object is changed in place
                let renamed = object.renameKey(from: from, to: to)
                value = .object(object)
                return renamed
            }
        }
    }

    /// `renameKey(besideLastKeyOf:from:to:)` in this object.
    mutating func renameKey(from: String, to: String) -> Bool {
        guard index(ofKey: to) == nil, let i = index(ofKey: from) else { return false }
        // The entry is moved, not copied out and back (a retain and a release of its value).
        items.withUnsafeMutableBufferPointer { entries in
            let base = entries.baseAddress!
            var entry = (base + i).move()
            (base + i).moveInitialize(from: base + i + 1, count: entries.count - i - 1)
            entry.key = to
            (base + entries.count - 1).initialize(to: entry)
        }
        return true
    }

    // MARK: Split paths (the same operations)

    /// The value at `path`, or nil.
    public func value(at path: FieldPath) -> FieldValue? {
        if case .found(let v) = walk(path) { return v }
        return nil
    }

    /// Where `path` leads (see `walk(_: String)`).
    public func walk(_ path: FieldPath) -> PathEnd { path.withCursor { walk($0) } }

    /// Where `path`'s parent leads; nil for a top-level key.
    public func walkToParent(of path: FieldPath) -> PathEnd? { path.withCursor { walkToParent($0) } }

    /// Whether writing at `path` would meet a value that is not an object on the way: `walkToParent` ending in
    /// `.blocked`, or in `.found` of something other than an object. Nothing is copied.
    public func parentIsBlocked(_ path: FieldPath) -> Bool {
        path.withCursor { c in
            c.isLast ? false : items.withUnsafeBufferPointer { Fields.meetsNonObject($0, ParentCursor(base: c)) }
        }
    }

    /// Sets the value at `path` (see `set(_: String, _:)`).
    public mutating func set(_ path: FieldPath, _ value: FieldValue) { path.withCursor { set($0, value) } }

    /// Sets the value at `path` as libbeat's Put does, in one walk: where a value that is not an object stands
    /// where the path needs one, nothing changes and that value is returned; nil when the value was set.
    public mutating func setUnlessBlocked(_ path: FieldPath, _ value: FieldValue) -> FieldValue? {
        path.withCursor { set($0, value, replacingNonObjects: false) }
    }

    /// Changes the value at `path` in place (see `update(_: String, _:)`).
    public mutating func update<R>(_ path: FieldPath, _ body: (inout FieldValue?) throws -> R) rethrows -> R {
        try path.withCursor { try update($0, body) }
    }

    /// Removes and returns the value at `path`.
    @discardableResult
    public mutating func remove(_ path: FieldPath) -> FieldValue? { path.withCursor { remove($0) } }

    /// True when a value exists at `path`.
    public func has(_ path: FieldPath) -> Bool { value(at: path) != nil }
}
