// `export config`: the merged tree after `-E` overrides and `${VAR}` expansion, as YAML, with secrets
// replaced by "[REDACTED]" so the output can be pasted into a bug report. A key is secret when one of
// its words (split at `_`, `-`) is password, passwd, passphrase, secret, token, or when it is an API
// key, an Authorization header or `cloud.auth`; `headers` lists of `{key: Authorization, value: ...}`
// and passwords inside URLs (`https://user:pw@host`) are redacted too.

import Yams

enum EffectiveYAML {
    static let redacted = "[REDACTED]"

    static func render(_ root: ConfigNode) -> String {
        let node = yamsNode(redact(root, path: []))
        let text = (try? Yams.serialize(node: node, indent: 2, width: -1, allowUnicode: true)) ?? ""
        return text == "{}\n" ? "" : text
    }

    /// True for keys whose values must not be printed.
    static func isSecret(key: String, path: [String]) -> Bool {
        let lower = key.lowercased()
        if ["api_key", "apikey", "authorization", "proxy-authorization", "auth_token"].contains(lower) { return true }
        if lower == "auth" && path.last == "cloud" { return true }
        let words = lower.split(whereSeparator: { $0 == "_" || $0 == "-" })
        return words.contains { ["password", "passwd", "passphrase", "secret", "token"].contains($0) }
    }

    static func redact(_ node: ConfigNode, path: [String]) -> ConfigNode {
        switch node.kind {
        case .scalar(let scalar):
            let text = redactURLPassword(scalar.text)
            return text == scalar.text ? node : .scalar(text, plain: false, at: node.location)
        case .list(let elements):
            return ConfigNode(.list(elements.map { redactHeaderEntry(redact($0, path: path)) }), at: node.location)
        case .map(let entries):
            let out = entries.map { entry -> ConfigNode.MapEntry in
                var copy = entry
                if isSecret(key: entry.key, path: path) && !entry.value.isNull {
                    copy.value = .scalar(redacted, plain: false, at: entry.value.location)
                } else {
                    copy.value = redact(entry.value, path: path + [entry.key])
                }
                return copy
            }
            return ConfigNode(.map(out), at: node.location)
        }
    }

    /// Every secret value of the tree (the texts `redact` would hide), for redacting logs.
    static func secrets(_ node: ConfigNode, path: [String] = []) -> [String] {
        switch node.kind {
        case .scalar(let scalar):
            let text = scalar.text
            guard let scheme = text.range(of: "://") else { return [] }
            let authority = text[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else {
                return []
            }
            return [String(authority[authority.index(after: colon)..<at])]
        case .list(let elements):
            return elements.flatMap { element -> [String] in
                if let key = element.entry("key")?.value.scalarValue?.text, isSecret(key: key, path: []),
                    let value = element.entry("value")?.value.scalarValue?.text
                {
                    return [value]
                }
                return secrets(element, path: path)
            }
        case .map(let entries):
            return entries.flatMap { entry -> [String] in
                if isSecret(key: entry.key, path: path), !entry.value.isNull {
                    if let text = entry.value.scalarValue?.text { return [text] }
                }
                return secrets(entry.value, path: path + [entry.key])
            }
        }
    }

    /// `{key: Authorization, value: ...}` header entries (Kafka `headers`) hide their value.
    private static func redactHeaderEntry(_ node: ConfigNode) -> ConfigNode {
        guard var entries = node.mapEntries, let key = node.entry("key")?.value.scalarValue?.text,
            isSecret(key: key, path: []), let index = entries.firstIndex(where: { $0.key == "value" })
        else { return node }
        entries[index].value = .scalar(redacted, plain: false, at: entries[index].value.location)
        return ConfigNode(.map(entries), at: node.location)
    }

    /// `scheme://user:password@host` becomes `scheme://user:[REDACTED]@host`.
    static func redactURLPassword(_ text: String) -> String {
        guard let scheme = text.range(of: "://") else { return text }
        let authority = text[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else {
            return text
        }
        return String(text[..<authority.index(after: colon)]) + redacted + String(text[at...])
    }

    private static func yamsNode(_ node: ConfigNode) -> Yams.Node {
        switch node.kind {
        case .scalar(let scalar):
            if node.isNull { return Yams.Node("null", Tag(.null), .plain) }
            return Yams.Node(scalar.text, .implicit, scalar.plain ? .plain : .doubleQuoted)
        case .list(let elements):
            return Yams.Node(elements.map(yamsNode))
        case .map(let entries):
            return Yams.Node(entries.map { (Yams.Node($0.key), yamsNode($0.value)) })
        }
    }
}
