// Beats format strings (reference/libbeat.md §1.2): literal text with `%{[field.path]}` or `%{[a][b]}`
// references, an optional `:fallback` used when the field is missing or empty, and `%{+pattern}` to
// format `@timestamp` (Joda-style letters yyyy, yy, MM, dd, HH, mm, ss, SSS; UTC). Used by
// `codec.format.string`, Kafka `topic`/`key` (issue 5) and file output paths.

import NetModel

/// A parsed format string.
public struct FormatString: Sendable, Equatable, CustomStringConvertible {
    enum Part: Sendable, Equatable {
        case literal(String)
        case field(path: String, fallback: String?)
        case time(pattern: String)
    }

    let parts: [Part]
    /// The text it was parsed from.
    public let source: String

    /// Why a format string cannot be parsed.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Why a format string could not be evaluated against an event.
    public enum EvaluationError: Error, Sendable, Equatable {
        /// A referenced field is missing (and had no fallback) or is a map/array.
        case missingField(String)
    }

    /// Parses `text`.
    public init(_ text: String) throws(ParseError) {
        source = text
        var parts: [Part] = []
        var literal = ""
        var rest = Substring(text)
        while let start = rest.firstRange(of: "%{") {
            literal += rest[rest.startIndex..<start.lowerBound]
            let afterOpen = rest[start.upperBound...]
            guard let close = afterOpen.firstIndex(of: "}") else {
                throw ParseError(message: "unterminated %{ in format string \"\(text)\"")
            }
            let inner = afterOpen[afterOpen.startIndex..<close]
            if !literal.isEmpty {
                parts.append(.literal(literal))
                literal = ""
            }
            if inner.hasPrefix("+") {
                let pattern = String(inner.dropFirst())
                if pattern.isEmpty { throw ParseError(message: "empty time pattern in format string \"\(text)\"") }
                parts.append(.time(pattern: pattern))
            } else {
                parts.append(try FormatString.field(inner, text: text))
            }
            rest = afterOpen[afterOpen.index(after: close)...]
        }
        literal += rest
        if !literal.isEmpty { parts.append(.literal(literal)) }
        self.parts = parts
    }

    /// `[a.b]`, `[a][b]` or `[a.b]:fallback`.
    static func field(_ inner: Substring, text: String) throws(ParseError) -> Part {
        guard inner.first == "[" else {
            throw ParseError(message: "expected %{[field]} in format string \"\(text)\"")
        }
        var segments: [String] = []
        var cursor = inner[...]
        while cursor.first == "[" {
            guard let end = cursor.firstIndex(of: "]") else {
                throw ParseError(message: "unbalanced [ in format string \"\(text)\"")
            }
            let name = cursor[cursor.index(after: cursor.startIndex)..<end]
            if name.isEmpty || name.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
                throw ParseError(message: "empty field name in format string \"\(text)\"")
            }
            segments.append(String(name))
            cursor = cursor[cursor.index(after: end)...]
        }
        var fallback: String? = nil
        if cursor.first == ":" {
            fallback = String(cursor.dropFirst())
        } else if !cursor.isEmpty {
            throw ParseError(message: "unexpected \"\(cursor)\" in format string \"\(text)\"")
        }
        return .field(path: segments.joined(separator: "."), fallback: fallback)
    }

    /// True when the string has no references (a constant topic, say).
    public var isConstant: Bool {
        parts.allSatisfy { if case .literal = $0 { return true } else { return false } }
    }

    /// The fields referenced, in order.
    public var fields: [String] {
        parts.compactMap { if case .field(let p, _) = $0 { return p } else { return nil } }
    }

    /// Renders the string for `event`.
    public func render(_ event: Event) throws(EvaluationError) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let s):
                out += s
            case .time(let pattern):
                out += FormatString.formatTime(event.timestamp, pattern: pattern)
            case .field(let path, let fallback):
                let text = event.value(at: path).flatMap(FormatString.text)
                if let text, !text.isEmpty {
                    out += text
                } else if let fallback {
                    out += fallback
                } else {
                    throw .missingField(path)
                }
            }
        }
        return out
    }

    /// Strings as-is, numbers in decimal, booleans as true/false, times in RFC 3339; maps and arrays have no
    /// text form (Beats treats them as a conversion error).
    static func text(_ v: FieldValue) -> String? {
        switch v {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .uint(let u): return String(u)
        case .double(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .bool(let b): return b ? "true" : "false"
        case .timestamp(let t): return RFC3339.format(t)
        case .null, .array, .object: return nil
        }
    }

    /// Formats `t` (UTC) with Joda-style letters: yyyy yy MM dd HH mm ss SSS; other characters are copied.
    static func formatTime(_ t: Timestamp, pattern: String) -> String {
        let iso = RFC3339.format(t, fractionDigits: 3)  // YYYY-MM-DDTHH:MM:SS.fffZ
        let u = Array(iso.utf8)
        func field(_ from: Int, _ len: Int) -> String { String(decoding: u[from..<(from + len)], as: UTF8.self) }
        let tokens: [(String, String)] = [
            ("yyyy", field(0, 4)), ("yy", field(2, 2)), ("MM", field(5, 2)), ("dd", field(8, 2)),
            ("HH", field(11, 2)), ("mm", field(14, 2)), ("ss", field(17, 2)), ("SSS", field(20, 3)),
        ]
        var out = ""
        var rest = Substring(pattern)
        outer: while !rest.isEmpty {
            for (token, value) in tokens where rest.hasPrefix(token) {
                out += value
                rest = rest.dropFirst(token.count)
                continue outer
            }
            out.append(rest.removeFirst())
        }
        return out
    }

    public var description: String { source }
}
