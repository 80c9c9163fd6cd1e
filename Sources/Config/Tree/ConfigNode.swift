// The raw configuration tree between YAML and typed settings. Every node remembers where it was written,
// scalars keep their text and whether they were plain (unquoted), because typing happens late: after
// files are merged, `-E` overrides applied and `${VAR}` references expanded, exactly as Beats does it.

/// A node of the raw configuration tree.
struct ConfigNode: Sendable {
    /// The shape of a node.
    enum Kind: Sendable {
        case scalar(Scalar)
        case list([ConfigNode])
        case map([MapEntry])
    }

    /// A scalar's text and how it may be typed.
    struct Scalar: Sendable {
        /// The text after expansion.
        var text: String
        /// True for an unquoted YAML scalar (or a whole-value `${...}` that was re-typed): it may mean
        /// null, a boolean or a number. Quoted scalars are always strings.
        var plain: Bool
        /// True when the whole scalar was one `${...}` reference: a comma-separated value then reads as a
        /// list where a list is expected, as Beats reads environment variables.
        var fromVariable: Bool = false
    }

    /// A key of a map with where the key was written.
    struct MapEntry: Sendable {
        var key: String
        var keyLocation: SourceLocation?
        var value: ConfigNode
    }

    var kind: Kind
    var location: SourceLocation?

    init(_ kind: Kind, at location: SourceLocation?) {
        self.kind = kind
        self.location = location
    }

    /// A plain or quoted scalar.
    static func scalar(_ text: String, plain: Bool, at location: SourceLocation?) -> ConfigNode {
        ConfigNode(.scalar(Scalar(text: text, plain: plain)), at: location)
    }

    /// An empty map.
    static func emptyMap(at location: SourceLocation?) -> ConfigNode {
        ConfigNode(.map([]), at: location)
    }

    /// True for `~`, `null`, `Null`, `NULL` and empty plain scalars.
    var isNull: Bool {
        guard case .scalar(let s) = kind, s.plain else { return false }
        return ScalarSyntax.isNull(s.text)
    }

    /// The entries when this is a map.
    var mapEntries: [MapEntry]? {
        if case .map(let entries) = kind { return entries }
        return nil
    }

    /// The elements when this is a list.
    var listElements: [ConfigNode]? {
        if case .list(let elements) = kind { return elements }
        return nil
    }

    /// The scalar when this is one.
    var scalarValue: Scalar? {
        if case .scalar(let s) = kind { return s }
        return nil
    }

    /// The entry for `key` when this is a map.
    func entry(_ key: String) -> MapEntry? {
        mapEntries?.first { $0.key == key }
    }

    /// The node at a dotted path; numeric parts index lists.
    func node(atPath path: [String]) -> ConfigNode? {
        var current = self
        for part in path {
            switch current.kind {
            case .map(let entries):
                guard let next = entries.first(where: { $0.key == part }) else { return nil }
                current = next.value
            case .list(let elements):
                guard let index = Int(part), elements.indices.contains(index) else { return nil }
                current = elements[index]
            case .scalar:
                return nil
            }
        }
        return current
    }

    /// A short name of the node's shape for error messages.
    var shapeName: String {
        switch kind {
        case .scalar: return isNull ? "null" : "a scalar"
        case .list: return "a list"
        case .map: return "a map"
        }
    }

    /// The free-form value: plain scalars typed by YAML 1.1 rules, quoted scalars as strings.
    var value: ConfigValue {
        switch kind {
        case .scalar(let s):
            return s.plain ? ScalarSyntax.implicitValue(s.text) : .string(s.text)
        case .list(let elements):
            return .list(elements.map(\.value))
        case .map(let entries):
            return .map(ConfigMap(entries.map { ConfigMap.Entry(key: $0.key, value: $0.value.value) }))
        }
    }
}

/// Joins a parent key path and a child key: `join("a.b", "c") == "a.b.c"`, `join("", "c") == "c"`.
func joinPath(_ parent: String, _ child: String) -> String {
    parent.isEmpty ? child : parent + "." + child
}
