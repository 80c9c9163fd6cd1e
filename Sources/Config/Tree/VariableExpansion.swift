// `${...}` references in scalar values, expanded after all sources are merged and before typing:
//   ${NAME}            another setting by its full dotted name (`${path.data}`), else the environment
//                      variable; undefined gives the empty string, as in Beats
//   ${NAME:default}    the default (itself expandable) when NAME is undefined
//   ${NAME:?message}   a load error carrying the message when NAME is undefined
//   $${  and  $}       a literal `${` and `}`
// A plain scalar that is exactly one reference is re-typed from the result: `port: ${PORT:5066}` is an
// integer, `hosts: ${HOSTS}` with `a:9092,b:9092` is a list, and a reference to a map splices the map.
// Deliberate difference: there is no keystore yet, so secrets come from the environment only.

/// Expands references over a whole tree.
final class VariableExpander {
    private let root: ConfigNode
    private let environment: [String: String]
    private let pathDefaults: (String, VariableExpander) throws(ConfigError) -> String?
    /// Dotted names being resolved, innermost last, to report cycles instead of recursing forever.
    private var resolving: [String] = []

    /// - Parameter pathDefaults: the value of `path.home|config|data|logs` when the tree does not say
    ///   (or when a command-line flag overrides it); nil for any other name.
    init(
        root: ConfigNode, environment: [String: String],
        pathDefaults: @escaping (String, VariableExpander) throws(ConfigError) -> String?
    ) {
        self.root = root
        self.environment = environment
        self.pathDefaults = pathDefaults
    }

    /// The tree with every scalar expanded.
    func expandAll() throws(ConfigError) -> ConfigNode {
        try expand(root, path: "")
    }

    /// Expands one subtree whose dotted path is `path`.
    func expand(_ node: ConfigNode, path: String) throws(ConfigError) -> ConfigNode {
        switch node.kind {
        case .scalar(let scalar):
            guard scalar.text.contains("$") else { return node }
            resolving.append(path)
            defer { resolving.removeLast() }
            return try expandScalar(scalar, location: node.location, path: path)
        case .list(let elements):
            var out: [ConfigNode] = []
            for (index, element) in elements.enumerated() {
                out.append(try expand(element, path: joinPath(path, String(index))))
            }
            return ConfigNode(.list(out), at: node.location)
        case .map(let entries):
            var out = entries
            for index in out.indices {
                out[index].value = try expand(out[index].value, path: joinPath(path, out[index].key))
            }
            return ConfigNode(.map(out), at: node.location)
        }
    }

    /// The expanded value of the setting at a dotted path in the merged tree, if it is set.
    func settingNode(_ name: String) throws(ConfigError) -> ConfigNode? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let node = root.node(atPath: parts), !node.isNull else { return nil }
        return try expand(node, path: name)
    }

    private func expandScalar(
        _ scalar: ConfigNode.Scalar, location: SourceLocation?, path: String
    ) throws(ConfigError) -> ConfigNode {
        let text = Array(scalar.text.unicodeScalars)
        if scalar.plain, let body = wholeReference(text) {
            return try resolveWhole(body, location: location, path: path)
        }
        let expanded = try expandText(text[...], location: location, path: path)
        return ConfigNode(.scalar(ConfigNode.Scalar(text: expanded, plain: scalar.plain)), at: location)
    }

    /// The body of `${body}` when the text is exactly one reference.
    private func wholeReference(_ text: [Unicode.Scalar]) -> ArraySlice<Unicode.Scalar>? {
        guard text.count >= 3, text[0] == "$", text[1] == "{",
            let close = matchingClose(text[...], openAt: 0), close == text.count - 1
        else { return nil }
        return text[2..<close]
    }

    /// Resolves a whole-scalar reference to a node: a re-typed scalar, or a spliced map or list.
    private func resolveWhole(
        _ body: ArraySlice<Unicode.Scalar>, location: SourceLocation?, path: String
    ) throws(ConfigError) -> ConfigNode {
        let (name, operation) = split(body)
        if let found = try lookup(name, location: location, path: path) {
            if case .scalar(let s) = found.kind {
                return retyped(s.text, plain: s.plain, location: location)
            }
            return ConfigNode(found.kind, at: location)
        }
        switch operation {
        case .none:
            // Undefined means "", which is then a string: an int or bool setting reports it as invalid.
            return .scalar("", plain: false, at: location)
        case .required(let message):
            throw missing(name, message: message, location: location, path: path)
        case .fallback(let text):
            let value = try expandText(text, location: location, path: path)
            return retyped(value, plain: true, location: location)
        }
    }

    /// A variable's text as a typed node: flow lists and maps parse as YAML, everything else is a plain
    /// scalar that list settings may split at commas.
    private func retyped(_ text: String, plain: Bool, location: SourceLocation?) -> ConfigNode {
        let trimmed = text.trimmingSpaces
        if plain, trimmed.hasPrefix("[") || trimmed.hasPrefix("{"),
            let parsed = try? TreeBuilder.parse(yaml: trimmed, file: location?.file ?? "", keepMarks: false)
        {
            return relocated(parsed, to: location)
        }
        // An empty value stays an empty string rather than becoming null, so `port: ${PORT}` with PORT=""
        // fails as an invalid integer instead of silently taking the default.
        var scalar = ConfigNode.Scalar(text: text, plain: plain && !text.isEmpty)
        scalar.fromVariable = scalar.plain
        return ConfigNode(.scalar(scalar), at: location)
    }

    private func relocated(_ node: ConfigNode, to location: SourceLocation?) -> ConfigNode {
        switch node.kind {
        case .scalar:
            return ConfigNode(node.kind, at: location)
        case .list(let elements):
            return ConfigNode(.list(elements.map { relocated($0, to: location) }), at: location)
        case .map(let entries):
            let moved = entries.map {
                ConfigNode.MapEntry(key: $0.key, keyLocation: location, value: relocated($0.value, to: location))
            }
            return ConfigNode(.map(moved), at: location)
        }
    }

    /// Expands every reference inside a string.
    private func expandText(
        _ text: ArraySlice<Unicode.Scalar>, location: SourceLocation?, path: String
    ) throws(ConfigError) -> String {
        var out = String.UnicodeScalarView()
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            let next = i + 1 < text.endIndex ? text[i + 1] : nil
            if c == "$", next == "$", i + 2 < text.endIndex, text[i + 2] == "{" {
                out.append("$")
                out.append("{")
                i += 3
            } else if c == "$", next == "}" {
                out.append("}")
                i += 2
            } else if c == "$", next == "{" {
                guard let close = matchingClose(text, openAt: i) else {
                    throw ConfigError(
                        at: location, keyPath: path,
                        message: "unterminated \"${\" in \"\(String(String.UnicodeScalarView(text)))\"")
                }
                out.append(
                    contentsOf: try resolveInline(text[(i + 2)..<close], location: location, path: path)
                        .unicodeScalars)
                i = close + 1
            } else {
                out.append(c)
                i += 1
            }
        }
        return String(out)
    }

    private func resolveInline(
        _ body: ArraySlice<Unicode.Scalar>, location: SourceLocation?, path: String
    ) throws(ConfigError) -> String {
        let (name, operation) = split(body)
        if let found = try lookup(name, location: location, path: path) {
            guard case .scalar(let s) = found.kind else {
                throw ConfigError(
                    at: location, keyPath: path,
                    message: "\"${\(name)}\" is \(found.shapeName) and cannot be part of a string")
            }
            return s.text
        }
        switch operation {
        case .none: return ""
        case .required(let message): throw missing(name, message: message, location: location, path: path)
        case .fallback(let text): return try expandText(text, location: location, path: path)
        }
    }

    /// Looks a name up: path settings, then other settings, then the environment.
    private func lookup(_ name: String, location: SourceLocation?, path: String) throws(ConfigError) -> ConfigNode? {
        let cycle = resolving.contains(name)
        if !cycle {
            resolving.append(name)
            defer { resolving.removeLast() }
            if let value = try pathDefaults(name, self) {
                return .scalar(value, plain: false, at: location)
            }
            if let node = try settingNode(name) { return node }
        }
        if let value = environment[name] { return .scalar(value, plain: true, at: location) }
        if cycle {
            throw ConfigError(
                at: location, keyPath: path, message: "circular reference: \"${\(name)}\" depends on itself")
        }
        return nil
    }

    private func missing(_ name: String, message: String, location: SourceLocation?, path: String) -> ConfigError {
        let text = message.isEmpty ? "required variable \"\(name)\" is not set" : message
        return ConfigError(at: location, keyPath: path, message: "\(text) (${\(name)} is not set)")
    }

    private enum Operation {
        case none
        case fallback(ArraySlice<Unicode.Scalar>)
        case required(String)
    }

    /// Splits `NAME:rest` at the first colon outside nested references.
    private func split(_ body: ArraySlice<Unicode.Scalar>) -> (String, Operation) {
        var depth = 0
        var i = body.startIndex
        while i < body.endIndex {
            if body[i] == "$", i + 1 < body.endIndex, body[i + 1] == "{" {
                depth += 1
                i += 2
                continue
            }
            if body[i] == "}" { depth -= 1 }
            if body[i] == ":", depth == 0 {
                let name = String(String.UnicodeScalarView(body[body.startIndex..<i]))
                let rest = body[(i + 1)...]
                if rest.first == "?" {
                    return (name, .required(String(String.UnicodeScalarView(rest.dropFirst()))))
                }
                return (name, .fallback(rest))
            }
            i += 1
        }
        return (String(String.UnicodeScalarView(body)), .none)
    }

    /// The index of the `}` closing the `${` at `openAt`, skipping nested references and escapes.
    private func matchingClose(_ text: ArraySlice<Unicode.Scalar>, openAt: Int) -> Int? {
        var depth = 0
        var i = openAt
        while i < text.endIndex {
            let next = i + 1 < text.endIndex ? text[i + 1] : nil
            if text[i] == "$", next == "$", i + 2 < text.endIndex, text[i + 2] == "{" {
                i += 3
            } else if text[i] == "$", next == "}" {
                i += 2
            } else if text[i] == "$", next == "{" {
                depth += 1
                i += 2
            } else if text[i] == "}" {
                depth -= 1
                if depth == 0 { return i }
                i += 1
            } else {
                i += 1
            }
        }
        return nil
    }
}
