// `replace` and `urldecode` (reference/libbeat.md §4.5): rewrite string fields one entry at a time. With
// `fail_on_error` (the default) the first failing entry restores the event, sets `error.message` to
// "<processor prefix>: <why>" and reports the failure; without it failing entries are skipped and, as in
// libbeat, nothing is reported. `@metadata.` paths are accepted as everywhere.

import Events

/// `replace`: regular-expression replacement inside string fields (Go `ReplaceAllString` semantics:
/// every match, `$1`/`${name}` in the replacement).
struct Replace: Processor {
    /// One `fields` entry.
    struct Rule: Sendable {
        let field: EventPath
        let pattern: Pattern
        let replacement: String
    }

    let rules: [Rule]
    let ignoreMissing: Bool
    let failOnError: Bool
    var name: String { "replace" }

    func process(_ event: inout Event) -> ProcessorOutcome {
        event.rewriteEach(rules, failOnError: failOnError, prefix: "Failed to replace fields in processor") {
            (rule, event) throws(ProcessorFailure) in
            guard let value = try event.fetch(rule.field, ignoreMissing: ignoreMissing) else { return }
            guard case .string(let text) = value else {
                let found = "\(value.goTypeName) with value '\(value.goText)'"
                throw ProcessorFailure("key '\(rule.field)' expected type string, but got \(found)")
            }
            try event.putChecked(rule.field, .string(rule.pattern.replacingMatches(in: text, with: rule.replacement)))
        }
    }
}

/// `urldecode`: decodes URL query escapes (`%41`, `+` for a space) from one field into the same or
/// another field.
struct URLDecode: Processor {
    /// One `fields` entry; an empty `to` decodes in place.
    struct Move: Sendable {
        let from: EventPath
        /// nil to decode in place.
        let to: EventPath?
    }

    let moves: [Move]
    let ignoreMissing: Bool
    let failOnError: Bool
    var name: String { "urldecode" }

    func process(_ event: inout Event) -> ProcessorOutcome {
        event.rewriteEach(moves, failOnError: failOnError, prefix: "failed to decode fields in urldecode processor") {
            (move, event) throws(ProcessorFailure) in
            guard let value = try event.fetch(move.from, ignoreMissing: ignoreMissing) else { return }
            guard case .string(let encoded) = value else {
                throw ProcessorFailure("invalid type for `from`, expecting a string received \(value.goTypeName)")
            }
            let decoded: String
            do throws(ProcessorFailure) {
                decoded = try URLDecode.queryUnescape(encoded)
            } catch {
                throw ProcessorFailure("error trying to URL-decode \(encoded): \(error.message)")
            }
            try event.putChecked(move.to ?? move.from, .string(decoded))
        }
    }

    /// Go's `url.QueryUnescape`: `%XX` becomes the byte XX, `+` a space; a `%` not followed by two hex
    /// digits is an error. Written out because Foundation's percent decoding keeps `+` and refuses bytes that
    /// are not UTF-8, where Go keeps them (they become U+FFFD here, as Go's JSON encoder writes them).
    static func queryUnescape(_ s: String) throws(ProcessorFailure) -> String {
        let bytes = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "%"):
                guard i + 2 < bytes.count, let high = hexValue(bytes[i + 1]), let low = hexValue(bytes[i + 2]) else {
                    let bad = String(decoding: bytes[i..<min(i + 3, bytes.count)], as: UTF8.self)
                    throw ProcessorFailure("invalid URL escape \"\(bad)\"")
                }
                out.append(high << 4 | low)
                i += 3
            case UInt8(ascii: "+"):
                out.append(UInt8(ascii: " "))
                i += 1
            default:
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension Event {
    /// Runs `step` for each entry with libbeat's replace/urldecode error handling (see the file header).
    mutating func rewriteEach<Item>(
        _ items: [Item], failOnError: Bool, prefix: String,
        _ step: (Item, inout Event) throws(ProcessorFailure) -> Void
    ) -> ProcessorOutcome {
        guard failOnError else {
            for item in items { try? step(item, &self) }
            return .keep
        }
        // Each step reads, then writes through putChecked, which changes nothing when it throws.
        return applyEach(items, failOnError: true, errorPrefix: prefix + ": ", atomic: true) {
            (event, item) throws(ProcessorFailure) in try step(item, &event)
        }
    }

    /// The value at `path` for a rewrite: nil when it is missing and `ignoreMissing` is set, an error when it
    /// is missing otherwise (worded as libbeat words it).
    func fetch(_ path: EventPath, ignoreMissing: Bool) throws(ProcessorFailure) -> FieldValue? {
        let found: FieldValue?
        do {
            found = try strictValue(at: path)
        } catch {
            throw ProcessorFailure("could not fetch value for key: \(path), Error: \(error.message)")
        }
        if let found { return found }
        if ignoreMissing { return nil }
        throw ProcessorFailure("could not fetch value for key: \(path), Error: key not found")
    }
}
