// What the field processors share: the flattened key list that `/regex/` entries match against and the
// `{from, to}` option reader. Paths are read and
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

/// One `{from, to}` pair of rename and copy_fields.
struct FieldMove: Sendable, Equatable {
    let from: EventPath
    let to: EventPath
    /// True when `to` lies inside `from` (`a` → `a.b`); worked out once, not per event.
    let toIsInsideFrom: Bool

    /// For two document fields in the same object (`flow.id` → `flow.key`), their last keys. A rename between
    /// them is one walk when that object holds `from` and not `to` (`Fields.renameKey`); every other case takes
    /// the general path.
    let siblingKeys: (from: String, to: String)?

    init(from: String, to: String) {
        self.from = EventPath(from)
        self.to = EventPath(to)
        toIsInsideFrom = to.hasPrefix(from + ".")
        siblingKeys = FieldMove.siblingKeys(self.from, self.to)
    }

    static func siblingKeys(_ from: EventPath, _ to: EventPath) -> (from: String, to: String)? {
        guard from.root == .fields, to.root == .fields else { return nil }
        func split(_ text: String) -> (parent: Substring?, key: Substring) {
            guard let dot = text.lastIndex(of: ".") else { return (nil, text[...]) }
            return (text[..<dot], text[text.index(after: dot)...])
        }
        let a = split(from.text), b = split(to.text)
        guard a.parent == b.parent, a.key != b.key else { return nil }
        return (String(a.key), String(b.key))
    }

    static func == (a: FieldMove, b: FieldMove) -> Bool { a.from == b.from && a.to == b.to }

    /// True when both paths are event fields (not `@timestamp` or `@metadata`) and `to` is not inside `from`.
    var isBetweenFields: Bool { from.root == .fields && to.root == .fields && !toIsInsideFrom }
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
