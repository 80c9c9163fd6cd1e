// The JSON form of an event, as libbeat's `codec.json` writes it (reference/libbeat.md §2.1):
// `{"@timestamp":"…","@metadata":{"beat":"packetbeat","type":"_doc","version":"…",…},…fields}`, compact,
// UTF-8, no trailing newline, HTML escaping off unless asked, times as RFC 3339 UTC with milliseconds.
// Keys come out in insertion order, so output is deterministic. Non-finite doubles are skipped (Beats
// ignores invalid floats rather than failing the event).

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
        var w = Writer(out: out, pretty: pretty, escapeHTML: escapeHTML, fractionDigits: fractionDigits)
        out = []
        w.beginObject()
        w.key("@timestamp")
        w.timestamp(event.timestamp)
        w.key("@metadata")
        w.beginObject()
        w.key("beat"); w.string(identity.beat)
        w.key("type"); w.string(identity.type)
        w.key("version"); w.string(identity.version)
        w.members(event.metadata)
        w.endObject()
        w.members(event.fields)
        w.endObject()
        out = w.out
    }

    /// The event's JSON as a string.
    public func encode(_ event: Event) -> String {
        var buf: [UInt8] = []
        encode(event, into: &buf)
        return String(decoding: buf, as: UTF8.self)
    }

    /// Encodes a bare value (used by format strings and tests).
    public func encode(value: FieldValue) -> String {
        var w = Writer(out: [], pretty: pretty, escapeHTML: escapeHTML, fractionDigits: fractionDigits)
        w.value(value)
        return String(decoding: w.out, as: UTF8.self)
    }
}

/// The streaming writer behind `JSONEventEncoder`.
struct Writer {
    var out: [UInt8]
    let pretty: Bool
    let escapeHTML: Bool
    let fractionDigits: Int
    /// Whether the current container already has a member (a comma is due), per nesting level: bit `depth - 1`
    /// of `commaBits` for the first 64 levels (no allocation for any real event), `deeperCommas` beyond.
    var commaBits: UInt64 = 0
    var depth = 0
    var deeperCommas: [Bool] = []

    init(out: [UInt8], pretty: Bool, escapeHTML: Bool, fractionDigits: Int) {
        self.out = out
        self.pretty = pretty
        self.escapeHTML = escapeHTML
        self.fractionDigits = fractionDigits
    }

    mutating func newline() {
        guard pretty else { return }
        out.append(UInt8(ascii: "\n"))
        for _ in 0..<depth { out.append(0x20); out.append(0x20) }
    }

    mutating func separator() {
        guard depth > 0 else { return }
        if depth <= 64 {
            let bit: UInt64 = 1 << UInt64(depth - 1)
            if commaBits & bit != 0 { out.append(UInt8(ascii: ",")) }
            commaBits |= bit
        } else {
            if deeperCommas[depth - 65] { out.append(UInt8(ascii: ",")) }
            deeperCommas[depth - 65] = true
        }
        newline()
    }

    /// Opens a nesting level (an object or an array) with no member yet.
    mutating func push() {
        depth += 1
        if depth <= 64 {
            commaBits &= ~(1 << UInt64(depth - 1))
        } else {
            deeperCommas.append(false)
        }
    }

    /// Closes a nesting level; true when it had members.
    mutating func pop() -> Bool {
        let had: Bool
        if depth <= 64 {
            had = commaBits & (1 << UInt64(depth - 1)) != 0
        } else {
            had = deeperCommas.removeLast()
        }
        depth -= 1
        return had
    }

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

    mutating func members(_ fields: Fields) {
        fields.forEach { k, v in
            if case .double(let d) = v, !d.isFinite { return }
            key(k)
            value(v)
        }
    }

    mutating func value(_ v: FieldValue) {
        switch v {
        case .null: append("null")
        case .bool(let b): append(b ? "true" : "false")
        case .int(let i): integer(i)
        case .uint(let u): unsigned(u)
        case .double(let d): double(d)
        case .string(let s): string(s)
        case .timestamp(let t): timestamp(t)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            push()
            for item in items {
                if case .double(let d) = item, !d.isFinite { continue }
                separator()
                value(item)
            }
            if pop() { newline() }
            out.append(UInt8(ascii: "]"))
        case .object(let f):
            beginObject()
            members(f)
            endObject()
        }
    }

    mutating func append(_ s: StaticString) {
        s.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    mutating func timestamp(_ t: Timestamp) {
        out.append(UInt8(ascii: "\""))
        RFC3339.append(t, fractionDigits: fractionDigits, to: &out)
        out.append(UInt8(ascii: "\""))
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
        var digits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // 32 bytes of scratch
        var v = u
        var n = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            while v > 0 {
                buf[n] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                n += 1
            }
            while n > 0 {
                n -= 1
                out.append(buf[n])
            }
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
        out.append(UInt8(ascii: "\""))
        var utf8 = s.utf8
        let fast = utf8.withContiguousStorageIfAvailable { buf -> Bool in
            for b in buf where b < 0x20 || b == 0x22 || b == 0x5c || b >= 0xe2 || (escapeHTML && (b == 0x3c || b == 0x3e || b == 0x26)) {
                return false
            }
            out.append(contentsOf: buf)
            return true
        }
        if fast != true {
            if fast == nil {
                var copy = s
                copy.makeContiguousUTF8()
                utf8 = copy.utf8
            }
            escapeSlow(Array(utf8))
        }
        out.append(UInt8(ascii: "\""))
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
