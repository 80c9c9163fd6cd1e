// How libbeat's Go code sees event values, for the value processors that must match it byte for byte:
// `fmt`'s `%v` text of a value (convert's `string` type, fingerprint's input), Go's `%T` type names in
// error messages, and `mapstr.M`'s strict GetValue/Put, which fail when a path runs through a value that is
// not an object instead of replacing it (the shared `Event.put` replaces it, as `add_fields` needs).

import Events
import NetModel

extension FieldValue {
    /// The value as Go's `fmt.Sprintf("%v", v)` prints the equivalent Go value: integers in decimal, floats
    /// in `%g` shortest form (`1e+06`, `0.1`), `<nil>`, `[a b]` for arrays, `map[k:v]` (keys sorted) for
    /// objects, and times as `time.Time.String()` in UTC (`2021-10-28 17:46:23.5 +0000 UTC`).
    var goText: String {
        switch self {
        case .null: return "<nil>"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return DecimalText.string(i)
        case .uint(let u): return DecimalText.string(u)
        case .double(let d): return GoFormat.float(d)
        case .string(let s): return s
        case .timestamp(let t): return GoFormat.time(t)
        case .array(let items): return "[" + items.map(\.goText).joined(separator: " ") + "]"
        case .object(let fields):
            let keys = fields.entries.map(\.key).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            return "map[" + keys.map { "\($0):\(fields[$0]!.goText)" }.joined(separator: " ") + "]"
        }
    }

    /// Go's `%T` name of the value as libbeat holds it, for error messages that quote it.
    var goTypeName: String {
        switch self {
        case .null: return "<nil>"
        case .bool: return "bool"
        case .int: return "int64"
        case .uint: return "uint64"
        case .double: return "float64"
        case .string: return "string"
        case .timestamp: return "time.Time"
        case .array: return "[]interface {}"
        case .object: return "mapstr.M"
        }
    }
}

/// Go's text forms of floats and times.
enum GoFormat {
    /// `strconv.FormatFloat(d, 'g', -1, 64)`, which is what `%v` prints: the shortest digits that read back
    /// as `d`, in exponent form when the decimal exponent is below -4 or at least 6.
    static func float(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Inf" : "+Inf" }
        if d == 0 { return d.sign == .minus ? "-0" : "0" }
        let (digits, point) = shortestDigits(d.magnitude)
        let sign = d < 0 ? "-" : ""
        let exponent = point - 1
        if exponent < -4 || exponent >= 6 {
            var mantissa = String(digits.first!)
            if digits.count > 1 { mantissa += "." + digits.dropFirst() }
            let e = abs(exponent)
            return sign + mantissa + (exponent < 0 ? "e-" : "e+") + (e < 10 ? "0" : "") + String(e)
        }
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + digits }
        if point >= digits.count { return sign + digits + String(repeating: "0", count: point - digits.count) }
        let cut = digits.index(digits.startIndex, offsetBy: point)
        return sign + digits[..<cut] + "." + digits[cut...]
    }

    /// The shortest round-trip decimal digits of a positive finite `d` (no leading or trailing zeros) and
    /// the position of the decimal point relative to them (`d = 0.digits × 10^point`). Swift's own
    /// `description` already picks the shortest digits; only its layout differs from Go's.
    static func shortestDigits(_ d: Double) -> (String, Int) {
        let text = d.description
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let whole = parts[0]
        let fraction = parts.count > 1 ? parts[1] : ""
        var digits = String(whole + fraction)
        var point = whole.count + exponent
        while digits.hasPrefix("0") {
            digits.removeFirst()
            point -= 1
        }
        while digits.hasSuffix("0") { digits.removeLast() }
        return (digits, point)
    }

    /// Go's `time.Time.String()` of a UTC time: `2006-01-02 15:04:05.999999999 +0000 UTC`, the fraction
    /// without trailing zeros and left out when zero. libbeat's fingerprint converts times to UTC first.
    static func time(_ t: Timestamp) -> String {
        let iso = RFC3339.format(t, fractionDigits: 9)  // 2006-01-02T15:04:05.123456789Z
        let date = iso.prefix(10)
        let clock = iso.dropFirst(11).prefix(8)
        var fraction = iso.dropFirst(20).prefix(9)
        while fraction.hasSuffix("0") { fraction = fraction.dropLast() }
        return date + " " + clock + (fraction.isEmpty ? "" : "." + fraction) + " +0000 UTC"
    }
}
