// What the field processors share: the flattened key list that `/regex/` entries match against, the
// per-field loop with `fail_on_error` semantics, and the `{from, to}` option reader. Paths are read and
// written through Core/StrictPaths.swift, as libbeat's MapStr does.

import Config
import Events

extension Fields {
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

extension Event {
    /// Runs `body` for each item. With `failOnError`, the first failure restores the event as it was,
    /// sets `error.message` to `errorPrefix` + the failure (when a prefix is given) and stops; without it,
    /// the loop goes on and the failures are reported together, the event keeping every change that
    /// worked (libbeat's rename, copy_fields and truncate_fields loops).
    ///
    /// `atomic` promises that `body` changes nothing when it throws. A single atomic item then needs no
    /// copy of the event to restore: holding one would make every change below copy the objects it touches,
    /// which was most of the cost of these processors.
    mutating func applyEach<Item>(
        _ items: [Item], failOnError: Bool, errorPrefix: String?, atomic: Bool = false,
        _ body: (inout Event, Item) throws(ProcessorFailure) -> Void
    ) -> ProcessorOutcome {
        let backup = failOnError && !(atomic && items.count == 1) ? self : nil
        var failures: [String] = []
        for item in items {
            do {
                try body(&self, item)
            } catch {
                let message = (errorPrefix ?? "") + error.message
                if failOnError {
                    if let backup { self = backup }
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
