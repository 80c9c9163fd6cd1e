// Combining configuration sources the Beats way: several `-c` files merge with the later file winning,
// maps merging key by key at every depth; `-E key=value` overrides then land on top, where a numeric
// key part addresses an element of an existing list (`packetbeat.protocols.0.enabled=false`).
// Lists are replaced as a whole, never merged element by element.

extension ConfigNode {
    /// Lays `other` over this node: two maps merge recursively, anything else is replaced by `other`.
    mutating func merge(overriding other: ConfigNode) {
        guard case .map(var mine) = kind, case .map(let theirs) = other.kind else {
            self = other
            return
        }
        for entry in theirs {
            if let index = mine.firstIndex(where: { $0.key == entry.key }) {
                mine[index].value.merge(overriding: entry.value)
                mine[index].keyLocation = entry.keyLocation ?? mine[index].keyLocation
            } else {
                mine.append(entry)
            }
        }
        kind = .map(mine)
    }

    /// Sets `value` at the dotted `path`, creating maps on the way. A map value merges into an existing
    /// map; numeric parts index existing lists (the index equal to the count appends).
    mutating func set(_ value: ConfigNode, atPath path: ArraySlice<String>, keyLocation: SourceLocation?) {
        guard let key = path.first else {
            merge(overriding: value)
            return
        }
        let rest = path.dropFirst()
        switch kind {
        case .list(var elements):
            if let index = Int(key), index >= 0, index <= elements.count {
                if index == elements.count {
                    var fresh = ConfigNode.emptyMap(at: keyLocation)
                    fresh.set(value, atPath: rest, keyLocation: keyLocation)
                    elements.append(fresh)
                } else {
                    elements[index].set(value, atPath: rest, keyLocation: keyLocation)
                }
                kind = .list(elements)
                return
            }
            self = .emptyMap(at: keyLocation)
        case .scalar:
            self = .emptyMap(at: keyLocation)
        case .map:
            break
        }
        guard case .map(var entries) = kind else { return }
        if let index = entries.firstIndex(where: { $0.key == key }) {
            entries[index].value.set(value, atPath: rest, keyLocation: keyLocation)
            entries[index].keyLocation = keyLocation
        } else {
            var child = ConfigNode.emptyMap(at: keyLocation)
            if rest.isEmpty {
                child = value
            } else {
                child.set(value, atPath: rest, keyLocation: keyLocation)
            }
            entries.append(ConfigNode.MapEntry(key: key, keyLocation: keyLocation, value: child))
        }
        kind = .map(entries)
    }
}
