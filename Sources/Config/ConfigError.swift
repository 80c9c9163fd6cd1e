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

/// Formats `file:line:col: key.path: message`, leaving out the parts that are unknown.
func formatDiagnostic(file: String?, line: Int?, column: Int?, keyPath: String, message: String) -> String {
    var out = ""
    if let file {
        out += SourceLocation(file: file, line: line, column: column).description + ": "
    }
    if !keyPath.isEmpty { out += keyPath + ": " }
    return out + message
}

/// Why a configuration could not be loaded: a syntax error, a wrong type, a value out of range, or an
/// unsupported combination. Loading stops at the first error.
public struct ConfigError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The file the error is in (as given), `-E` for overrides, or nil when not tied to a file.
    public let file: String?
    /// 1-based line, when known.
    public let line: Int?
    /// 1-based column, when known.
    public let column: Int?
    /// The dotted key path of the offending setting; list elements appear as their index
    /// (`packetbeat.protocols.0.ports`). Empty for errors about a whole file.
    public let keyPath: String
    /// What is wrong, and where helpful, how to fix it.
    public let message: String

    /// An error with every part given explicitly.
    public init(file: String?, line: Int?, column: Int?, keyPath: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
    }

    /// An error at `location` (or without one).
    public init(at location: SourceLocation?, keyPath: String, message: String) {
        self.init(
            file: location?.file, line: location?.line, column: location?.column, keyPath: keyPath,
            message: message)
    }

    /// The location as one value, when a file is known.
    public var location: SourceLocation? {
        file.map { SourceLocation(file: $0, line: line, column: column) }
    }

    /// `packetbeat.yml:12:5: packetbeat.flows.timeout: invalid duration "abc" (...)`.
    public var description: String {
        formatDiagnostic(file: file, line: line, column: column, keyPath: keyPath, message: message)
    }
}

/// A warning found while loading: an unknown key (probably a typo), or a setting that is accepted but
/// ignored or mapped to something else. Loading continues.
public struct ConfigDiagnostic: Sendable, Equatable, CustomStringConvertible {
    /// The file the warning is about, or `-E`.
    public let file: String?
    /// 1-based line, when known.
    public let line: Int?
    /// 1-based column, when known.
    public let column: Int?
    /// The dotted key path the warning is about.
    public let keyPath: String
    /// The warning text.
    public let message: String

    /// A warning with every part given explicitly.
    public init(file: String?, line: Int?, column: Int?, keyPath: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
    }

    /// A warning at `location` (or without one).
    public init(at location: SourceLocation?, keyPath: String, message: String) {
        self.init(
            file: location?.file, line: location?.line, column: location?.column, keyPath: keyPath,
            message: message)
    }

    /// `packetbeat.yml:3:1: packetbeat.flows.timout: unknown setting (ignored); did you mean "timeout"?`.
    public var description: String {
        formatDiagnostic(file: file, line: line, column: column, keyPath: keyPath, message: message)
    }
}
