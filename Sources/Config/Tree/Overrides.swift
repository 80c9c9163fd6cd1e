// `-E key=value` command-line overrides. The value is YAML (`-E 'output.kafka.hosts=["a:9092","b:9092"]'`,
// `-E output='{console.enabled: true}'`); a bare comma-separated value reads as a list where a list is
// expected, as with Beats' flag parser. Errors name the key and come from the pseudo-file `-E`.

/// One parsed `-E` override.
struct Override {
    /// The dotted key path, split.
    var path: [String]
    /// The value tree.
    var value: ConfigNode
}

/// Parses `-E` arguments.
enum OverrideParser {
    /// The pseudo file name of command-line overrides in errors and warnings.
    static let sourceName = "-E"

    /// Parses `key=value`.
    static func parse(_ argument: String) throws(ConfigError) -> Override {
        let here = SourceLocation(file: sourceName)
        guard let equals = argument.firstIndex(of: "=") else {
            throw ConfigError(
                at: here, keyPath: argument.trimmingSpaces,
                message: "expected key=value, got \"\(argument)\"")
        }
        let key = String(argument[..<equals]).trimmingSpaces
        let text = String(argument[argument.index(after: equals)...])
        let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !key.isEmpty, !parts.contains(where: \.isEmpty) else {
            throw ConfigError(at: here, keyPath: key, message: "invalid key \"\(key)\" in -E \"\(argument)\"")
        }
        if text.trimmingSpaces.isEmpty {
            return Override(path: parts, value: .scalar("", plain: false, at: here))
        }
        var value: ConfigNode
        do {
            value = try TreeBuilder.parse(yaml: text, file: sourceName, keepMarks: false)
        } catch {
            throw ConfigError(
                at: here, keyPath: key, message: "invalid value \"\(text)\": \(error.message)")
        }
        if case .scalar(var scalar) = value.kind, scalar.plain {
            scalar.fromVariable = true
            value.kind = .scalar(scalar)
        }
        return Override(path: parts, value: value)
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
            let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })
        else { return "" }
        return String(scalars[first...last])
    }
}
