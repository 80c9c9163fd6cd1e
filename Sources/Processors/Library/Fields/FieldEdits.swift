// What the field processors share: reading a path the way libbeat's MapStr does (telling a missing key
// from a path blocked by a value that is not an object), writing a path without silently replacing such a
// value, the flattened key list that `/regex/` entries match against, and the per-field loop with
// `fail_on_error` semantics.
//
// libbeat's `GetValue("a.b")` fails with "key not found" when `a` or `a.b` is absent, but with "expected
// map but type is string" when `a` holds a string; only the first is forgiven by `ignore_missing`. Its
// `Put("a.b", v)` fails in the second case too, where `Fields.set` would replace `a`, so processors that
// can fail (rename, copy_fields, ...) write through `putChecked` to keep Beats' outcome.

import Config
import Events

/// What a dotted path leads to.
enum FieldLookup: Equatable {
    /// A value.
    case found(FieldValue)
    /// Nothing: some key along the path is absent.
    case missing
    /// A value that is not an object sits where the path needs one; the text is libbeat's error.
    case blocked(String)

    /// The value, when found.
    var value: FieldValue? {
        if case .found(let v) = self { return v }
        return nil
    }
}

extension Fields {
    /// Walks `path` one key at a time, as libbeat's `mapFind` does.
    func lookup(_ path: String) -> FieldLookup {
        var current = self
        var parts = path.split(separator: ".", omittingEmptySubsequences: false)[...]
        while let first = parts.popFirst() {
            guard let v = current[String(first)] else { return .missing }
            if parts.isEmpty { return .found(v) }
            guard case .object(let inner) = v else { return .blocked(FieldLookup.notAnObject(v)) }
            current = inner
        }
        return .missing
    }

    /// The error writing `path` would meet: a value that is not an object where the path needs one.
    func putBlocker(_ path: String) -> String? {
        var current = self
        var parts = path.split(separator: ".", omittingEmptySubsequences: false)[...]
        while let first = parts.popFirst(), !parts.isEmpty {
            guard let v = current[String(first)] else { return nil }
            guard case .object(let inner) = v else { return FieldLookup.notAnObject(v) }
            current = inner
        }
        return nil
    }

    /// Every key path, nested ones before the object holding them (the order of libbeat's `FlattenKeys`,
    /// which lets a `/regex/` delete children before their parent without a "key not found").
    func flattenedKeys(prefix: String = "") -> [String] {
        var out: [String] = []
        forEach { key, value in
            let full = prefix.isEmpty ? key : prefix + "." + key
            if case .object(let inner) = value { out += inner.flattenedKeys(prefix: full) }
            out.append(full)
        }
        return out
    }
}

extension FieldLookup {
    /// libbeat's words for a path running into a scalar or a list.
    static func notAnObject(_ v: FieldValue) -> String { "expected map but type is \(v.typeName)" }

    /// libbeat's `ErrKeyNotFound` text.
    static let keyNotFound = "key not found"
}

extension Event {
    /// Looks `path` up, with `@timestamp` and `@metadata.*` addressable.
    func lookup(_ path: String) -> FieldLookup {
        if path == "@timestamp" { return .found(.timestamp(timestamp)) }
        if path == "@metadata" { return .found(.object(metadata)) }
        if path.hasPrefix(Event.metadataPrefix) {
            return metadata.lookup(String(path.dropFirst(Event.metadataPrefix.count)))
        }
        return fields.lookup(path)
    }

    /// Writes `value` at `path`, failing where libbeat's `PutValue` fails: a scalar in the way, a
    /// non-time `@timestamp`, a non-object `@metadata`.
    mutating func putChecked(_ path: String, _ value: FieldValue) throws(ProcessorFailure) {
        let blocker: String?
        if path.hasPrefix(Event.metadataPrefix) {
            blocker = metadata.putBlocker(String(path.dropFirst(Event.metadataPrefix.count)))
        } else if path == "@timestamp" || path == "@metadata" {
            blocker = nil
        } else {
            blocker = fields.putBlocker(path)
        }
        if let blocker { throw ProcessorFailure(blocker) }
        guard put(path, value) else { throw ProcessorFailure("\(path) cannot hold a \(value.typeName)") }
    }

    /// Runs `body` for each item. With `failOnError`, the first failure restores the event as it was,
    /// sets `error.message` to `errorPrefix` + the failure (when a prefix is given) and stops; without it,
    /// the loop goes on and the failures are reported together, the event keeping every change that
    /// worked (libbeat's rename, copy_fields and truncate_fields loops).
    mutating func applyEach<Item>(
        _ items: [Item], failOnError: Bool, errorPrefix: String?,
        _ body: (inout Event, Item) throws(ProcessorFailure) -> Void
    ) -> ProcessorOutcome {
        let backup = failOnError ? self : nil
        var failures: [String] = []
        for item in items {
            do {
                try body(&self, item)
            } catch {
                let message = (errorPrefix ?? "") + error.message
                if let backup {
                    self = backup
                    if errorPrefix != nil { put("error.message", .string(message)) }
                    return .failed(message)
                }
                failures.append(message)
            }
        }
        return failures.isEmpty ? .keep : .failed(failures.joined(separator: "; "))
    }
}

/// One `{from, to}` pair of rename and copy_fields.
struct FieldMove: Sendable, Equatable {
    let from: String
    let to: String
}

extension ProcessorOptions {
    /// The `fields: [{from, to}, ...]` list, required with at least one pair.
    func fieldMoves(_ key: String = "fields") throws(ConfigError) -> [FieldMove] {
        guard let items = try mapList(key, allowed: ["from", "to"]), !items.isEmpty else {
            throw error(key, "\(name) requires \"\(key)\" with at least one {from, to} pair")
        }
        var out: [FieldMove] = []
        for item in items {
            guard let from = try item.nonEmptyString("from") else {
                throw item.error("from", "\(name) requires \"from\"")
            }
            guard let to = try item.nonEmptyString("to") else { throw item.error("to", "\(name) requires \"to\"") }
            out.append(FieldMove(from: from, to: to))
        }
        return out
    }

    /// A list of field names that must be present but may be empty (`fields: []`), as drop_fields and
    /// include_fields accept.
    func presentStringList(_ key: String) throws(ConfigError) -> [String] {
        guard contains(key) else { throw error(key, "\(name) requires \"\(key)\"") }
        return try stringList(key) ?? []
    }
}
