// `logging.*` and `http.*`: where wirebeat writes its own logs and how its monitoring endpoint listens.
// Defaults follow libbeat 8.x (file logging in path.logs, 7 files of 10 MiB, metrics every 30s;
// `localhost:5066`, off).

import NetModel

/// The log level.
public enum LogLevel: String, Sendable, Equatable, CaseIterable {
    /// Everything, for the selected components.
    case debug
    /// The default.
    case info
    /// `warning` (also written `warn`).
    case warning
    /// Errors only.
    case error
}

/// `logging.*`.
public struct LoggingSettings: Sendable, Equatable {
    /// `logging.level` (default info).
    public var level: LogLevel = .info
    /// `logging.selectors`: components logged at debug level (`*` for all).
    public var selectors: [String] = []
    /// `logging.to_stderr` (the `-e` flag sets it too).
    public var toStderr = false
    /// `logging.to_syslog`.
    public var toSyslog = false
    /// `logging.to_eventlog` (Windows; accepted, ignored).
    public var toEventlog = false
    /// `logging.to_files` (default true).
    public var toFiles = true
    /// `logging.files.*`.
    public var files = LogFileSettings(path: "")
    /// `logging.metrics.*`.
    public var metrics = LogMetricsSettings()
    /// `logging.json` (7.x; 8.x always logs JSON): nil when not set.
    public var json: Bool?

    /// The defaults, with log files in `logsPath`.
    public init(logsPath: String) { files = LogFileSettings(path: logsPath) }
}

/// `logging.files.*`.
public struct LogFileSettings: Sendable, Equatable {
    /// `path` (default path.logs).
    public var path: String
    /// `name` (default "packetbeat").
    public var name = "packetbeat"
    /// `rotateeverybytes` (default 10485760).
    public var rotateEveryBytes: Int64 = 10_485_760
    /// `keepfiles` (default 7, 2...1024).
    public var keepFiles = 7
    /// `permissions` (default 0600).
    public var permissions: UInt32 = 0o600
    /// `interval`: time-based rotation; zero is off.
    public var interval: TimeSpan = .zero
    /// `rotateonstartup` (default true).
    public var rotateOnStartup = true
    /// `redirect_stderr` (default false).
    public var redirectStderr = false

    /// The defaults in `path`.
    public init(path: String) { self.path = path }
}

/// `logging.metrics.*`: the periodic "non-zero metrics" log line.
public struct LogMetricsSettings: Sendable, Equatable {
    /// `enabled` (default true).
    public var enabled = true
    /// `period` (default 30s).
    public var period: TimeSpan = .seconds(30)
    /// `namespaces` (default [stats]).
    public var namespaces = ["stats"]

    /// The defaults.
    public init() {}
}

/// `http.*`: the monitoring endpoint (`/`, `/stats`).
public struct HTTPSettings: Sendable, Equatable {
    /// `http.enabled` (default false).
    public var enabled = false
    /// `http.host`: a host name or address, or `unix:///path` (default localhost).
    public var host = "localhost"
    /// `http.port` (default 5066).
    public var port = 5066

    /// The defaults.
    public init() {}
}

enum LoggingDecoder {
    static func decode(_ cursor: Cursor, paths: PathSettings) throws(ConfigError) -> LoggingSettings {
        try cursor.requireMapOrAbsent()
        var out = LoggingSettings(logsPath: paths.logs)
        out.level =
            try cursor["level"].choice(
                ["debug": .debug, "info": .info, "warning": .warning, "warn": .warning, "error": .error],
                caseInsensitive: true) ?? .info
        out.selectors = try cursor["selectors"].stringList() ?? []
        out.toStderr = try cursor["to_stderr"].bool(default: false)
        out.toSyslog = try cursor["to_syslog"].bool(default: false)
        out.toEventlog = try cursor["to_eventlog"].bool(default: false)
        out.toFiles = try cursor["to_files"].bool(default: true)
        out.json = try cursor["json"].bool()
        let files = cursor["files"]
        try files.requireMapOrAbsent()
        out.files.path = try files["path"].nonEmptyString().map { absolutePath($0, base: paths.home) } ?? paths.logs
        out.files.name = try files["name"].nonEmptyString() ?? "packetbeat"
        if let size = try files["rotateeverybytes"].byteSize() {
            guard size >= 1 else { throw files["rotateeverybytes"].error("must be at least 1") }
            out.files.rotateEveryBytes = size
        }
        out.files.keepFiles = try files["keepfiles"].int(default: 7, in: 2...1024)
        out.files.permissions = try FileMode.decode(files["permissions"]) ?? 0o600
        out.files.interval = try files["interval"].duration(default: .zero)
        out.files.rotateOnStartup = try files["rotateonstartup"].bool(default: true)
        out.files.redirectStderr = try files["redirect_stderr"].bool(default: false)
        let metrics = cursor["metrics"]
        try metrics.requireMapOrAbsent()
        out.metrics.enabled = try metrics["enabled"].bool(default: true)
        out.metrics.period = try metrics["period"].duration(default: .seconds(30))
        if out.metrics.enabled && out.metrics.period <= .zero {
            throw metrics["period"].error("must be greater than 0")
        }
        out.metrics.namespaces = try metrics["namespaces"].stringList() ?? ["stats"]
        return out
    }
}

enum HTTPDecoder {
    static func decode(_ cursor: Cursor) throws(ConfigError) -> HTTPSettings {
        try cursor.requireMapOrAbsent()
        var out = HTTPSettings()
        out.enabled = try cursor["enabled"].bool(default: false)
        out.host = try cursor["host"].nonEmptyString() ?? "localhost"
        out.port = try cursor["port"].int(default: 5066, in: 1...65535)
        return out
    }
}

/// File modes written as octal (`0600`, `"0640"`, `0o600`).
enum FileMode {
    static func decode(_ cursor: Cursor) throws(ConfigError) -> UInt32? {
        guard let text = try cursor.scalarText(expecting: "a file mode such as 0600") else { return nil }
        let plain = cursor.node?.scalarValue?.plain ?? false
        // A quoted "0600" is octal text; a plain 0600 is already octal by YAML 1.1 rules.
        let octal = text.hasPrefix("0o") ? String(text.dropFirst(2)) : text
        let value: Int64? = plain ? ScalarSyntax.int(text) : Int64(octal, radix: 8)
        guard let value, (0...0o777).contains(value) else {
            throw cursor.error("invalid file mode \"\(text)\" (use an octal mode such as 0600)")
        }
        return UInt32(value)
    }
}
