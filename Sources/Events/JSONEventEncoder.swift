// The JSON form of an event, as libbeat's `codec.json` writes it (reference/libbeat.md §2.1):
// `{"@timestamp":"…","@metadata":{"beat":"packetbeat","type":"_doc","version":"…",…},…fields}`, compact,
// UTF-8, no trailing newline, HTML escaping off unless asked, times as RFC 3339 UTC with milliseconds.
// Keys come out in insertion order, so output is deterministic. Non-finite doubles are skipped (Beats
// ignores invalid floats rather than failing the event).

import CByteScan
import NetModel

/// Identity written into every event's `@metadata`.
public struct BeatIdentity: Sendable, Equatable {
    /// `@metadata.beat`: the index prefix consumers route on.
    public var beat: String
    /// `@metadata.type`.
    public var type: String
    /// `@metadata.version`: the Beats version whose event format this is.
    public var version: String

    public init(beat: String = "packetbeat", type: String = "_doc", version: String) {
        self.beat = beat
        self.type = type
        self.version = version
    }
}

/// Encodes events to JSON bytes; reuse one encoder and one buffer per thread.
public struct JSONEventEncoder: Sendable {
    /// Indent with two spaces (`codec.json.pretty`).
    public var pretty: Bool
    /// Escape `<`, `>`, `&` as `\u003c` … (`codec.json.escape_html`).
    public var escapeHTML: Bool
    /// Fraction digits of every time value: 3, 6 or 9 (`timestamp.precision`).
    public var fractionDigits: Int
    /// What goes into `@metadata` before the event's own metadata.
    public var identity: BeatIdentity

    public init(identity: BeatIdentity, pretty: Bool = false, escapeHTML: Bool = false, fractionDigits: Int = 3) {
        self.identity = identity
        self.pretty = pretty
        self.escapeHTML = escapeHTML
        self.fractionDigits = fractionDigits
    }

    /// Appends the event's JSON to `out` (no newline).
    public func encode(_ event: Event, into out: inout [UInt8]) {
        guard !pretty && FieldValue.sharedReadInPlace else { return encode(event, into: &out, shared: nil) }
        // The thread's cache, lent: its thread-specific slot holds it while the thread runs (taking a reference
        // per event was an atomic increment and decrement).
        SharedEncodings.current(escapeHTML: escapeHTML, fractionDigits: fractionDigits)._withUnsafeGuaranteedRef {
            encode(event, into: &out, shared: $0)
        }
    }

    private func encode(_ event: Event, into out: inout [UInt8], shared: SharedEncodings?) {
        // The thread's memory for the bytes, when it has some: an allocation and a free fewer per event.
        var w = Writer(
            pretty: pretty, escapeHTML: escapeHTML, fractionDigits: fractionDigits,
            sink: shared?.takeSink() ?? ByteSink(capacity: Writer.sinkCapacity))
        if let shared {
            // Unretained: `shared` holds it for the whole encoding, and the writer looks it up at every object
            // and list (a retain and a release each, were it held strongly).
            w.shared = Unmanaged.passUnretained(shared)
            w.days = shared.days
        }
        w.beginObject()
        w.key("@timestamp")
        w.timestamp(event.timestamp)
        if let shared {
            w.metadataHead(identity, shared)
        } else {
            w.metadataHead(identity)
        }
        w.members(event.metadata)
        w.endObject()
        w.members(event.fields)
        w.endObject()
        if let shared {
            shared.days = w.days
            shared.giveBack(w.out.flush(into: &out))
        } else {
            w.finish(into: &out)
        }
    }

    /// The event's JSON as a string.
    public func encode(_ event: Event) -> String {
        var buf: [UInt8] = []
        encode(event, into: &buf)
        return String(decoding: buf, as: UTF8.self)
    }

    /// Encodes a bare value (used by format strings and tests).
    public func encode(value: FieldValue) -> String {
        var w = Writer(pretty: pretty, escapeHTML: escapeHTML, fractionDigits: fractionDigits)
        w.value(value)
        var bytes: [UInt8] = []
        w.finish(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Bytes appended to memory of its own: the encoder appends a byte or a few at a time, and `Array.append`
/// checks uniqueness and capacity through the runtime on each. Owned by one `Writer`, freed by `finish` or
/// handed back by `flush`.
struct ByteSink {
    private var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    /// A sink writing into `memory` of `capacity` bytes, which it now owns.
    init(memory: UnsafeMutablePointer<UInt8>, capacity: Int) {
        self.capacity = capacity
        base = memory
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(1) }
        base[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        if count + bytes.count > capacity { grow(bytes.count) }
        if let from = bytes.baseAddress { (base + count).update(from: from, count: bytes.count) }
        count += bytes.count
    }

    /// Lets `body` write up to `maxCount` bytes in place; it returns how many it wrote.
    @inline(__always)
    mutating func append(maxCount: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        if count + maxCount > capacity { grow(maxCount) }
        count += body(base + count)
    }

    /// Appends `bytes` between double quotes, with one capacity check.
    @inline(__always)
    mutating func appendQuoted(_ bytes: UnsafeBufferPointer<UInt8>) {
        append(maxCount: bytes.count + 2) { p in
            p[0] = UInt8(ascii: "\"")
            if let from = bytes.baseAddress { (p + 1).update(from: from, count: bytes.count) }
            p[bytes.count + 1] = UInt8(ascii: "\"")
            return bytes.count + 2
        }
    }

    mutating func append(contentsOf bytes: some Sequence<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { append(contentsOf: $0) }
        if done == nil { for b in bytes { append(b) } }
    }

    private mutating func grow(_ needed: Int) {
        let newCapacity = max(capacity * 2, count + needed)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = newCapacity
    }

    /// The bytes appended since `start`, valid until the next append.
    func bytes(from start: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + start, count: count - start)
    }

    /// Appends everything to `out` and frees the memory; the sink is not used again.
    mutating func finish(into out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: base, count: count))
        base.deallocate()
        count = 0
        capacity = 0
    }

    /// Appends everything to `out` and hands over the memory (for another sink); the sink is not used again.
    mutating func flush(into out: inout [UInt8]) -> (memory: UnsafeMutablePointer<UInt8>, capacity: Int) {
        out.append(contentsOf: UnsafeBufferPointer(start: base, count: count))
        defer {
            count = 0
            capacity = 0
        }
        return (base, capacity)
    }
}

/// The streaming writer behind `JSONEventEncoder`.
struct Writer {
    /// What a sink starts with: room for most events.
    static let sinkCapacity = 2048

    var out: ByteSink
    let pretty: Bool
    let escapeHTML: Bool
    let fractionDigits: Int
    /// Whether the current container already has a member (a comma is due), per nesting level: bit `depth - 1`
    /// of `commaBits` for the first 64 levels (no allocation for any real event), `deeperCommas` beyond.
    var commaBits: UInt64 = 0
    var depth = 0
    var deeperCommas: [Bool] = []
    /// `FieldValue.stringWordsReadInPlace` and `payloadsReadInPlace`, read once per event rather than at every
    /// value.
    let stringsInPlace = FieldValue.stringWordsReadInPlace
    let payloadsInPlace = FieldValue.payloadsReadInPlace
    let largeStringsInPlace = FieldValue.largeStringsReadInPlace
    /// The date of the last time written: an event's times (`@timestamp`, `event.start`, `event.end`, ...)
    /// nearly always share it.
    var days = RFC3339.DayCache()
    /// The JSON of shared objects and lists met before (SharedEncodings.swift), held by `encode`; nil when not
    /// kept (pretty output, bare values).
    var shared: Unmanaged<SharedEncodings>? = nil

    init(pretty: Bool, escapeHTML: Bool, fractionDigits: Int, sink: ByteSink = ByteSink(capacity: sinkCapacity)) {
        self.pretty = pretty
        self.escapeHTML = escapeHTML
        self.fractionDigits = fractionDigits
        out = sink
    }

    /// Appends what was written to `out`.
    mutating func finish(into out: inout [UInt8]) { self.out.finish(into: &out) }

    @inline(__always)
    mutating func newline() {
        guard pretty else { return }
        indent()
    }

    /// A line break and the current nesting's indentation (`pretty` only).
    mutating func indent() {
        out.append(UInt8(ascii: "\n"))
        for _ in 0..<depth { out.append(0x20); out.append(0x20) }
    }

    @inline(__always)
    mutating func separator() {
        guard depth > 0 else { return }
        if depth <= 64 {
            let bit: UInt64 = 1 << UInt64(depth - 1)
            if commaBits & bit != 0 { out.append(UInt8(ascii: ",")) }
            commaBits |= bit
        } else {
            separatorDeeper()
        }
        newline()
    }

    @inline(never)
    mutating func separatorDeeper() {
        if deeperCommas[depth - 65] { out.append(UInt8(ascii: ",")) }
        deeperCommas[depth - 65] = true
    }

    /// Opens a nesting level (an object or an array) with no member yet. Inlined into every object and list
    /// written (some fifteen per event); levels beyond 64, which no real event has, take a call.
    @inline(__always)
    mutating func push() {
        depth += 1
        if depth <= 64 {
            commaBits &= ~(1 << UInt64(depth - 1))
        } else {
            pushDeeper()
        }
    }

    @inline(never)
    mutating func pushDeeper() { deeperCommas.append(false) }

    /// Closes a nesting level; true when it had members.
    @inline(__always)
    mutating func pop() -> Bool {
        let had = depth <= 64 ? commaBits & (1 << UInt64(depth - 1)) != 0 : popDeeper()
        depth -= 1
        return had
    }

    @inline(never)
    mutating func popDeeper() -> Bool { deeperCommas.removeLast() }

    mutating func beginObject() {
        out.append(UInt8(ascii: "{"))
        push()
    }

    mutating func endObject() {
        if pop() { newline() }
        out.append(UInt8(ascii: "}"))
    }

    mutating func key(_ k: String) {
        separator()
        string(k)
        out.append(UInt8(ascii: ":"))
        if pretty { out.append(0x20) }
    }

    /// Writes the members of an object.
    mutating func members(_ fields: borrowing Fields) {
        fields.items.withUnsafeBufferPointer { members($0) }
    }

    /// Writes the members of an object. A key that is a small plain string (nearly all are) is written from the
    /// two words of the entry's String read in place, with its quotes and colon in one step: no copy of the key
    /// (and its reference counting), no call per key.
    mutating func members(_ entries: UnsafeBufferPointer<Fields.Entry>) {
        guard let base = entries.baseAddress else { return }
        let keyOffset = MemoryLayout<Fields.Entry>.offset(of: \Fields.Entry.key)!
        let valueOffset = MemoryLayout<Fields.Entry>.offset(of: \Fields.Entry.value)!
        for i in entries.indices {
            if case .double(let d) = entries[i].value, !d.isFinite { continue }
            let entry = UnsafeRawPointer(base + i)
            #if _endian(little) && _pointerBitWidth(_64)
                let w0 = entry.load(fromByteOffset: keyOffset, as: UInt64.self)
                let w1 = entry.load(fromByteOffset: keyOffset + 8, as: UInt64.self)
                if pretty || !appendSmallPlain(w0, w1, colon: true) { key(entries[i].key) }
            #else
                key(entries[i].key)
            #endif
            value(at: (entry + valueOffset).assumingMemoryBound(to: FieldValue.self))
        }
    }

    /// Writes the elements of a list.
    mutating func elements(_ list: UnsafeBufferPointer<FieldValue>) {
        out.append(UInt8(ascii: "["))
        push()
        if let first = list.baseAddress {
            for i in list.indices {
                if case .double(let d) = list[i], !d.isFinite { continue }
                separator()
                value(at: first + i)
            }
        }
        if pop() { newline() }
        out.append(UInt8(ascii: "]"))
    }

    mutating func value(_ v: FieldValue) {
        withUnsafePointer(to: v) { value(at: $0) }
    }

    /// Writes the value at `v`, matched where it lies: copying a value out of its entry or list first cost a
    /// retain and a release of its payload. Nested objects and lists are read in place too (InPlaceReading.swift).
    mutating func value(at v: UnsafePointer<FieldValue>) {
        switch v.pointee {
        case .null: append("null")
        case .bool(let b): append(b ? "true" : "false")
        case .int(let i): integer(i)
        case .uint(let u): unsigned(u)
        case .double(let d): double(d)
        case .string:
            #if _endian(little) && _pointerBitWidth(_64)
                if stringsInPlace {
                    let (w0, w1) = FieldValue.stringWords(at: v)
                    if appendSmallPlain(w0, w1, colon: false) { return }
                    // A longer string's bytes read where they lie: no retain and release of its storage.
                    if largeStringsInPlace, let bytes = FieldValue.largeStringBytes(w0, w1),
                        Writer.isPlain(bytes, escapeHTML: escapeHTML)
                    {
                        out.appendQuoted(bytes)
                        return
                    }
                    // Not a small plain string: the words were that test, so it is not made again.
                    if case .string(let s) = v.pointee { stringNotSmallPlain(s) }
                    return
                }
            #endif
            if case .string(let s) = v.pointee { string(s) }
        case .timestamp(let t): timestamp(t)
        case .array, .object:
            if let shared, FieldValue.isShared(FieldValue.payloadStorage(at: v)) {
                shared._withUnsafeGuaranteedRef { sharedValue(at: v, $0) }
            } else if case .object = v.pointee {
                object(at: v)
            } else {
                list(at: v)
            }
        }
    }

    /// Opens `@metadata` and writes the identity in it.
    mutating func metadataHead(_ identity: BeatIdentity) {
        key("@metadata")
        beginObject()
        key("beat"); string(identity.beat)
        key("type"); string(identity.type)
        key("version"); string(identity.version)
    }

    /// `metadataHead`, from the bytes `shared` kept for `identity` (every event writes the same ones), or
    /// writing them and keeping them there. Only at the top level of an event, after `@timestamp`.
    mutating func metadataHead(_ identity: BeatIdentity, _ shared: SharedEncodings) {
        if let bytes = shared.metadataHead(for: identity) {
            out.append(contentsOf: bytes)
            // Where writing them leaves the writer: inside `@metadata`, which has members.
            push()
            commaBits |= 1 << UInt64(depth - 1)
            return
        }
        let start = out.count
        metadataHead(identity)
        shared.keepMetadataHead(identity, bytes: out.bytes(from: start))
    }

    /// Writes the list at `v`.
    @inline(__always)
    mutating func list(at v: UnsafePointer<FieldValue>) {
        FieldValue.withElements(ofListAt: v, inPlace: payloadsInPlace) {
            elements($0 ?? UnsafeBufferPointer(start: nil, count: 0))
        }
    }

    /// Writes the object at `v`.
    @inline(__always)
    mutating func object(at v: UnsafePointer<FieldValue>) {
        beginObject()
        FieldValue.withEntries(ofObjectAt: v, inPlace: payloadsInPlace) {
            members($0 ?? UnsafeBufferPointer(start: nil, count: 0))
        }
        endObject()
    }

    /// Writes the object or list at `v`, which other values hold too, from the bytes `shared` kept for it, or
    /// writes it and keeps its bytes there.
    mutating func sharedValue(at v: UnsafePointer<FieldValue>, _ shared: SharedEncodings) {
        let address = FieldValue.payloadStorage(at: v)
        var isObject = false
        if case .object = v.pointee { isObject = true }
        if let bytes = shared.bytes(for: address, isObject: isObject) {
            out.append(contentsOf: bytes)
            return
        }
        let start = out.count
        if isObject { object(at: v) } else { list(at: v) }
        shared.keep(v.pointee, at: address, isObject: isObject, bytes: out.bytes(from: start))
    }

    mutating func append(_ s: StaticString) {
        s.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    mutating func timestamp(_ t: Timestamp) {
        let digits = fractionDigits
        var cache = days
        out.append(maxCount: RFC3339.maxLength + 2) { p in
            p[0] = UInt8(ascii: "\"")
            let count = RFC3339.write(t, fractionDigits: digits, to: p + 1, cache: &cache)
            p[count + 1] = UInt8(ascii: "\"")
            return count + 2
        }
        days = cache
    }

    mutating func integer(_ i: Int64) {
        if i < 0 {
            out.append(UInt8(ascii: "-"))
            unsigned(i.magnitude)
        } else {
            unsigned(UInt64(i))
        }
    }

    mutating func unsigned(_ u: UInt64) {
        if u < 10 {
            out.append(UInt8(ascii: "0") + UInt8(u))
            return
        }
        let length = DecimalText.count(u)
        out.append(maxCount: length) { p in
            DecimalText.write(u, width: length, to: p)
            return length
        }
    }

    /// Integral values print without a fraction (as Go's encoder does); others use Swift's shortest
    /// round-tripping form, with the exponent written like Go (`1e-07`).
    mutating func double(_ d: Double) {
        if d == d.rounded(), abs(d) < 1e21 {
            integer(Int64(d))
            return
        }
        var s = "\(d)"
        if let e = s.firstIndex(of: "e") {
            let mantissa = s[..<e]
            var exp = s[s.index(after: e)...]
            var sign = "+"
            if exp.first == "-" || exp.first == "+" {
                if exp.first == "-" { sign = "-" }
                exp = exp.dropFirst()
            }
            s = mantissa + "e" + sign + (exp.count < 2 ? "0" : "") + exp
        }
        out.append(contentsOf: s.utf8)
    }

    mutating func string(_ s: String) {
        if appendSmallPlain(s) { return }
        stringNotSmallPlain(s)
    }

    /// Writes `s` quoted and escaped where `appendSmallPlain` declined it.
    mutating func stringNotSmallPlain(_ s: String) {
        let fast = s.utf8.withContiguousStorageIfAvailable { buf -> Bool in
            guard Writer.isPlain(buf, escapeHTML: escapeHTML) else { return false }
            out.appendQuoted(buf)
            return true
        }
        if fast != true {
            var copy = s
            copy.makeContiguousUTF8()
            out.append(UInt8(ascii: "\""))
            escapeSlow(Array(copy.utf8))
            out.append(UInt8(ascii: "\""))
        }
    }

    /// Writes `s` quoted when it is a small string (up to 15 bytes of UTF-8, held in the String value itself,
    /// as most keys and many values are) that needs no escape; false otherwise, with nothing written.
    ///
    /// Reads the String's two words directly instead of through `withContiguousStorageIfAvailable`, which
    /// copies a small string's bytes to the stack first: that copy, the loads back from it and a `memcpy` call
    /// were half of this encoder's time per key. The layout is the 64-bit String ABI (stable since Swift 5):
    /// the first word holds bytes 0-7, the second bytes 8-14 and, in its top byte, the discriminator
    /// (0x20 = small) and the count. Both words are tested at once with SSE2 (`wirebeat_json_special_words`).
    /// Any other kind of string (or platform) takes the general path.
    @inline(__always)
    mutating func appendSmallPlain(_ s: String) -> Bool {
        #if _endian(little) && _pointerBitWidth(_64)
            let (w0, w1) = unsafeBitCast(s, to: (UInt64, UInt64).self)
            return appendSmallPlain(w0, w1, colon: false)
        #else
            return false
        #endif
    }

    /// `appendSmallPlain` of a String's two words; a key (`colon`) gets its separator before and its colon
    /// after (compact output only).
    @inline(__always)
    mutating func appendSmallPlain(_ w0: UInt64, _ w1: UInt64, colon: Bool) -> Bool {
        let discriminator = w1 >> 56
        guard discriminator & 0x20 != 0 else { return false }
        let n = Int(discriminator & 0x0f)
        // Bytes past the count (zeros, and the discriminator) are flagged too, and masked off.
        guard wirebeat_json_special_words(w0, w1, escapeHTML ? 1 : 0) & ~(~0 << UInt32(n)) == 0 else {
            return false
        }
        if colon { separator() }
        // Both words are stored whole after the opening quote; the closing quote (and colon) then overwrite
        // the bytes after the string's last, and what lies beyond is past the sink's count.
        out.append(maxCount: 19) { p in
            p[0] = UInt8(ascii: "\"")
            UnsafeMutableRawPointer(p + 1).storeBytes(of: w0, as: UInt64.self)
            UnsafeMutableRawPointer(p + 9).storeBytes(of: w1, as: UInt64.self)
            p[n + 1] = UInt8(ascii: "\"")
            guard colon else { return n + 2 }
            p[n + 2] = UInt8(ascii: ":")
            return n + 3
        }
        return true
    }

    /// True when `bytes` can be written as they are: no control character, quote or backslash (nor `<`, `>`,
    /// `&` with `escapeHTML`), and no byte that may start U+2028 or U+2029. Every string of every event passes
    /// here, so it tests many bytes at once: a string shorter than a word as one word padded with a plain
    /// letter, up to 15 bytes as two overlapping words, longer ones sixteen bytes at a time with SSE2
    /// (`wirebeat_json_special16`), the last block overlapping the one before. A word or block with any byte
    /// of 0x80 or more is checked byte by byte from there.
    @inline(__always)
    static func isPlain(_ bytes: UnsafeBufferPointer<UInt8>, escapeHTML: Bool) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let n = bytes.count
        guard n >= 8 else {
            // Built in a register: copying the bytes into a padded word in memory and loading it back stalled.
            var w: UInt64 = 0x6161_6161_6161_6161  // "aaaaaaaa"
            for k in 0..<n {
                let shift = UInt64(8 * k)
                w = w & ~(0xff << shift) | UInt64(base[k]) << shift
            }
            switch wordClass(w, escapeHTML: escapeHTML) {
            case .plain: return true
            case .escape: return false
            case .high: return bytesArePlain(bytes, escapeHTML: escapeHTML)
            }
        }
        guard n >= 16 else {
            let raw = UnsafeRawPointer(base)
            let first = wordClass(raw.loadUnaligned(as: UInt64.self), escapeHTML: escapeHTML)
            let last = wordClass(raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self), escapeHTML: escapeHTML)
            if first == .plain && last == .plain { return true }
            if first == .escape || last == .escape { return false }
            return bytesArePlain(bytes, escapeHTML: escapeHTML)
        }
        // Sixteen bytes at a time; the last block overlaps the one before it.
        let html: Int32 = escapeHTML ? 1 : 0
        var i = 0
        while true {
            let at = min(i, n - 16)
            if wirebeat_json_special16(base + at, html) != 0 {
                return bytesArePlain(UnsafeBufferPointer(rebasing: bytes[at...]), escapeHTML: escapeHTML)
            }
            if at == n - 16 { return true }
            i += 16
        }
    }

    enum WordClass { case plain, escape, high }

    /// Whether eight bytes need no escape, need one, or hold a byte of 0x80 or more (to be looked at one by one).
    @inline(__always)
    static func wordClass(_ w: UInt64, escapeHTML: Bool) -> WordClass {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZeroByte(_ x: UInt64) -> Bool { (x &- ones) & ~x & highs != 0 }
        if w & highs != 0 { return .high }
        // With every byte below 0x80: a byte below 0x20, a quote, a backslash.
        if (w &- ones &* 0x20) & ~w & highs != 0 || hasZeroByte(w ^ (ones &* 0x22)) || hasZeroByte(w ^ (ones &* 0x5C)) {
            return .escape
        }
        if escapeHTML && (hasZeroByte(w ^ (ones &* 0x3C)) || hasZeroByte(w ^ (ones &* 0x3E)) || hasZeroByte(w ^ (ones &* 0x26))) {
            return .escape
        }
        return .plain
    }

    /// `isPlain`, one byte at a time.
    static func bytesArePlain(_ bytes: UnsafeBufferPointer<UInt8>, escapeHTML: Bool) -> Bool {
        for b in bytes where b < 0x20 || b == 0x22 || b == 0x5c || b >= 0xe2 || (escapeHTML && (b == 0x3c || b == 0x3e || b == 0x26)) {
            return false
        }
        return true
    }

    mutating func escapeSlow(_ bytes: [UInt8]) {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case 0x22: out.append(0x5c); out.append(0x22)
            case 0x5c: out.append(0x5c); out.append(0x5c)
            case 0x0a: out.append(0x5c); out.append(UInt8(ascii: "n"))
            case 0x0d: out.append(0x5c); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(0x5c); out.append(UInt8(ascii: "t"))
            case 0x3c where escapeHTML, 0x3e where escapeHTML, 0x26 where escapeHTML:
                out.append(contentsOf: Array("\\u00".utf8)); out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 0xf)])
            case 0xe2 where i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xa8 || bytes[i + 2] == 0xa9):
                // U+2028 and U+2029 are valid JSON but break JavaScript consumers; Go escapes them too.
                out.append(contentsOf: Array("\\u202".utf8))
                out.append(bytes[i + 2] == 0xa8 ? UInt8(ascii: "8") : UInt8(ascii: "9"))
                i += 2
            default:
                if b < 0x20 {
                    out.append(contentsOf: Array("\\u00".utf8)); out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 0xf)])
                } else {
                    out.append(b)
                }
            }
            i += 1
        }
    }
}
