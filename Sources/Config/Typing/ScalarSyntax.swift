// The text forms of typed values in packetbeat.yml, as Beats reads them:
// - YAML 1.1 implicit typing of plain scalars (go-yaml v2): `yes`/`on`/`y` are booleans, `0600` is octal;
// - booleans for typed settings: true/false/yes/no/on/off in any case;
// - Go durations (`500ms`, `1m30s`, `1.5h`, `-1s`), a bare number meaning seconds;
// - byte sizes (`10MB` = 10^6, `10MiB` = 2^20, `512 KiB`), a bare number meaning bytes.

import NetModel

/// Parsers for scalar text.
enum ScalarSyntax {
    /// Null in YAML: empty, `~`, `null`, `Null`, `NULL`.
    static func isNull(_ text: String) -> Bool {
        text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
    }

    /// The YAML 1.1 value of a plain scalar, as go-yaml v2 (and so Beats) resolves it.
    static func implicitValue(_ text: String) -> ConfigValue {
        if isNull(text) { return .null }
        if let b = yaml11Bool(text) { return .bool(b) }
        if let i = int(text) { return .int(i) }
        if let d = yaml11Double(text) { return .double(d) }
        return .string(text)
    }

    private static func yaml11Bool(_ text: String) -> Bool? {
        switch text {
        case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": return true
        case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": return false
        default: return nil
        }
    }

    /// A boolean setting: true/false/yes/no/on/off, any case.
    static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: return nil
        }
    }

    /// A YAML 1.1 integer: decimal, `0x` hex, `0o` or leading-zero octal, `0b` binary, with optional sign
    /// and `_` separators.
    static func int(_ text: String) -> Int64? {
        var s = Substring(text)
        var negative = false
        if let sign = s.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            s = s.dropFirst()
        }
        guard let first = s.first, first.isASCII, first.isNumber else { return nil }
        let digits = s.filter { $0 != "_" }
        let magnitude: Int64?
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            magnitude = Int64(digits.dropFirst(2), radix: 16)
        } else if digits.hasPrefix("0o") {
            magnitude = Int64(digits.dropFirst(2), radix: 8)
        } else if digits.hasPrefix("0b") {
            magnitude = Int64(digits.dropFirst(2), radix: 2)
        } else if digits.count > 1 && digits.hasPrefix("0") {
            magnitude = Int64(digits.dropFirst(), radix: 8)
        } else {
            magnitude = Int64(digits, radix: 10)
        }
        guard let magnitude else { return nil }
        return negative ? -magnitude : magnitude
    }

    private static func yaml11Double(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        guard text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }),
            text.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE_".contains($0)) })
        else { return nil }
        return Double(text.filter { $0 != "_" })
    }

    /// A decimal number (`30`, `-1`, `1.5`) without unit.
    static func decimal(_ text: String) -> Double? {
        guard !text.isEmpty,
            text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-" || $0 == "+") }),
            text.contains(where: \.isNumber)
        else { return nil }
        return Double(text)
    }

    /// A Go duration (`300ms`, `-1.5h`, `2h45m`; units ns, us, µs, ms, s, m, h) or a bare number of seconds.
    static func duration(_ text: String) -> TimeSpan? {
        let s = text.trimmingSpaces
        if let seconds = decimal(s) {
            let ns = seconds * 1e9
            guard ns.magnitude < 9.2e18 else { return nil }
            return TimeSpan(nanoseconds: Int64(ns.rounded()))
        }
        var chars = Array(s.unicodeScalars)[...]
        var negative = false
        if let sign = chars.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            chars = chars.dropFirst()
        }
        guard !chars.isEmpty else { return nil }
        var total = 0.0
        while !chars.isEmpty {
            let number = chars.prefix { ("0"..."9").contains($0) || $0 == "." }
            guard number.contains(where: { $0 != "." }), number.filter({ $0 == "." }).count <= 1,
                let value = Double(String(String.UnicodeScalarView(number)))
            else { return nil }
            chars = chars.dropFirst(number.count)
            let unit = String(String.UnicodeScalarView(chars.prefix { !("0"..."9").contains($0) && $0 != "." }))
            chars = chars.dropFirst(unit.unicodeScalars.count)
            guard let scale = durationUnits[unit] else { return nil }
            total += value * scale
        }
        guard total < 9.2e18 else { return nil }
        let ns = Int64(total.rounded())
        return TimeSpan(nanoseconds: negative ? -ns : ns)
    }

    private static let durationUnits: [String: Double] = [
        "ns": 1, "us": 1e3, "\u{00B5}s": 1e3, "\u{03BC}s": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9,
    ]

    /// A byte size: a number with an optional unit (any case, optional space): B, K/KB (10^3),
    /// KI/KIB (2^10), and so on up to P/PB and PI/PIB.
    static func byteSize(_ text: String) -> Int64? {
        let s = text.trimmingSpaces
        let number = s.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        guard let value = Double(number), value >= 0 else { return nil }
        let unit = s.dropFirst(number.count).trimmingCharacters(" ").lowercased()
        guard let scale = byteUnits[unit] else { return nil }
        let bytes = value * scale
        guard bytes < 9.2e18 else { return nil }
        return Int64(bytes.rounded())
    }

    private static let byteUnits: [String: Double] = {
        var table: [String: Double] = ["": 1, "b": 1]
        for (index, letter) in ["k", "m", "g", "t", "p"].enumerated() {
            let power = Double(index + 1)
            table[letter] = pow10(3 * power)
            table[letter + "b"] = pow10(3 * power)
            table[letter + "i"] = pow2(10 * power)
            table[letter + "ib"] = pow2(10 * power)
        }
        return table
    }()

    private static func pow10(_ e: Double) -> Double { (0..<Int(e)).reduce(1.0) { acc, _ in acc * 10 } }
    private static func pow2(_ e: Double) -> Double { (0..<Int(e)).reduce(1.0) { acc, _ in acc * 2 } }
}

extension Substring {
    fileprivate func trimmingCharacters(_ c: Character) -> String {
        String(drop { $0 == c }.reversed().drop { $0 == c }.reversed())
    }
}
