// wirebeat's own log lines, through swift-log, as Beats 8 writes them:
// - to files (`logging.to_files`, the default without -e): one ECS JSON object per line (log.level,
//   @timestamp, log.logger, log.origin, message, service.name, ecs.version), in rotated files;
// - to standard error: every line with -e / `logging.to_stderr` (which turns files off, as in Beats),
//   otherwise warnings and errors only, so that a problem is never silent (a deliberate addition to Beats);
//   text (the 7.x layout) unless `logging.json: true`.
// Debug lines pass only for the selected loggers (`logging.selectors`, `-d`; `*` selects all). Secret
// values from the configuration (passwords, tokens, Authorization headers) are replaced by [REDACTED] in
// every line, whatever logged them.

import Events
import Foundation
import Logging
import NetModel

/// Where lines go and how they look.
public struct LogDestinations: Sendable {
    /// The log file, when logging to files.
    public var file: RotatingLogFile?
    /// The least level written to standard error.
    public var stderrLevel: Logger.Level
    /// ECS JSON on standard error (`logging.json`); files are always JSON.
    public var stderrJSON: Bool
    /// Loggers whose debug lines pass (`*` for all); empty passes none.
    public var selectors: Set<String>
    /// Values replaced by [REDACTED].
    public var secrets: [String]

    public init(
        file: RotatingLogFile?, stderrLevel: Logger.Level, stderrJSON: Bool, selectors: Set<String>,
        secrets: [String]
    ) {
        self.file = file
        self.stderrLevel = stderrLevel
        self.stderrJSON = stderrJSON
        self.selectors = selectors
        self.secrets = secrets
    }
}

/// A swift-log handler writing to the agent's destinations.
public struct AgentLogHandler: LogHandler {
    public let label: String
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    let destinations: LogDestinations

    public init(label: String, level: Logger.Level, destinations: LogDestinations) {
        self.label = label
        self.logLevel = level
        self.destinations = destinations
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        if event.level <= .debug && !(destinations.selectors.contains("*") || destinations.selectors.contains(label)) {
            return
        }
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let now = RFC3339.format(Self.now(), fractionDigits: 3)
        let message = redact(event.message.description)
        let fields = merged.sorted { $0.key < $1.key }.map { ($0.key, redact($0.value.description)) }
        if let file = destinations.file {
            file.write(Self.json(event, now: now, label: label, message: message, fields: fields) + "\n")
        }
        if event.level >= destinations.stderrLevel {
            let line =
                destinations.stderrJSON
                ? Self.json(event, now: now, label: label, message: message, fields: fields)
                : Self.text(event.level, now: now, label: label, message: message, fields: fields)
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    func redact(_ text: String) -> String {
        destinations.secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "[REDACTED]") }
    }

    /// One ECS JSON line (Beats 8).
    static func json(_ event: LogEvent, now: String, label: String, message: String, fields: [(String, String)])
        -> String
    {
        var object = Fields()
        object["log.level"] = .string(beatsLevel(event.level))
        object["@timestamp"] = .string(now)
        object["log.logger"] = .string(label)
        object["log.origin"] = .object([
            "function": .string(event.function),
            "file.name": .string(URL(fileURLWithPath: event.file).lastPathComponent),
            "file.line": .int(Int64(event.line)),
        ])
        object["message"] = .string(message)
        for (k, v) in fields { object[k] = .string(v) }
        object["service.name"] = .string("wirebeat")
        object["ecs.version"] = .string("1.6.0")
        return JSONEventEncoder(identity: BeatIdentity(version: "")).encode(value: .object(object))
    }

    /// One text line (the 7.x layout): time, level, [logger], message, then the fields as JSON.
    static func text(_ level: Logger.Level, now: String, label: String, message: String, fields: [(String, String)])
        -> String
    {
        var line = "\(now)\t\(beatsLevel(level).uppercased())\t[\(label)]\t\(message)"
        if !fields.isEmpty {
            line += "\t{" + fields.map { "\"\($0.0)\":\"\($0.1)\"" }.joined(separator: ",") + "}"
        }
        return line
    }

    static func beatsLevel(_ level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: return "debug"
        case .info, .notice: return "info"
        case .warning: return "warn"
        case .error, .critical: return "error"
        }
    }

    static func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(seconds: Int64(ts.tv_sec), nanoseconds: Int64(ts.tv_nsec))
    }
}
