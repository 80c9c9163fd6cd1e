// Errors and warnings of configuration loading. Each one is pinned to a place in a file and a dotted key
// path, so a user can go straight to the offending line:
// `packetbeat.yml:12:5: packetbeat.flows.timeout: invalid duration "abc" (...)`.

/// A position in a configuration source: a file (or `-E` for command-line overrides) and, when known,
/// a 1-based line and column.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file name as the user gave it, or `-E` for a command-line override.
    public let file: String
    /// 1-based line, when known.
    public let line: Int?
    /// 1-based column (in Unicode scalars, as libyaml counts), when known.
    public let column: Int?

    /// A location in `file`, optionally at `line`:`column`.
    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`, or just `file` when the position is unknown.
    public var description: String {
        guard let line else { return file }
        guard let column else { return "\(file):\(line)" }
        return "\(file):\(line):\(column)"
    }
}

/// A message pinned to a place in the configuration. `Severity` is a marker type: the same shape serves
/// as the error that stops loading (`ConfigError`) and the warning that does not (`ConfigDiagnostic`).
public struct ConfigMessage<Severity>: Sendable, Equatable, CustomStringConvertible {
    /// The file (as given), `-E` for overrides, or nil when not tied to a file.
    public let file: String?
    /// 1-based line, when known.
    public let line: Int?
    /// 1-based column, when known.
    public let column: Int?
    /// The dotted key path of the setting concerned; list elements appear as their index
    /// (`packetbeat.protocols.0.ports`). Empty for messages about a whole file.
    public let keyPath: String
    /// What is wrong, and where helpful, how to fix it.
    public let message: String

    /// A message with every part given explicitly.
    public init(file: String?, line: Int?, column: Int?, keyPath: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
    }

    /// A message at `location` (or without one).
    public init(at location: SourceLocation?, keyPath: String, message: String) {
        self.init(
            file: location?.file, line: location?.line, column: location?.column, keyPath: keyPath,
            message: message)
    }

    /// The location as one value, when a file is known.
    public var location: SourceLocation? {
        file.map { SourceLocation(file: $0, line: line, column: column) }
    }

    /// `packetbeat.yml:12:5: packetbeat.flows.timeout: invalid duration "abc" (...)`, leaving out unknown parts.
    public var description: String {
        var out = ""
        if let location { out += location.description + ": " }
        if !keyPath.isEmpty { out += keyPath + ": " }
        return out + message
    }
}

/// Marks a message that stops loading.
public enum ErrorSeverity: Sendable {}
/// Marks a message that loading reports and continues past.
public enum WarningSeverity: Sendable {}

/// Why a configuration could not be loaded: a syntax error, a wrong type, a value out of range, or an
/// unsupported combination. Loading stops at the first error.
public typealias ConfigError = ConfigMessage<ErrorSeverity>

/// A warning found while loading: an unknown key (probably a typo), or a setting that is accepted but
/// ignored or mapped to something else. Loading continues.
public typealias ConfigDiagnostic = ConfigMessage<WarningSeverity>

extension ConfigMessage: Error where Severity == ErrorSeverity {}
