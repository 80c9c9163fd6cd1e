// Log lines on standard error, through swift-log. Text by default
// (`2024-05-01T12:00:00.000Z  INFO  [pipeline]  message  {"k":"v"}`, the 7.x Beats text layout), or one ECS
// JSON object per line with `logging.json: true` (the 8.x layout: log.level, @timestamp, log.logger,
// message, service.name, ecs.version).

import Events
import Foundation
import Logging
import NetModel

/// A swift-log handler writing to standard error.
struct StderrLogHandler: LogHandler {
    let label: String
    let json: Bool
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    init(label: String, level: Logger.Level, json: Bool) {
        self.label = label
        self.logLevel = level
        self.json = json
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let now = RFC3339.format(Self.now(), fractionDigits: 3)
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        var line: String
        if json {
            var fields = Fields()
            fields["log.level"] = .string(Self.beatsLevel(event.level))
            fields["@timestamp"] = .string(now)
            fields["log.logger"] = .string(label)
            fields["message"] = .string(event.message.description)
            for (k, v) in merged.sorted(by: { $0.key < $1.key }) { fields[k] = .string(v.description) }
            fields["service.name"] = .string("wirebeat")
            fields["ecs.version"] = .string("1.6.0")
            line = JSONEventEncoder(identity: BeatIdentity(version: "")).encode(value: .object(fields))
        } else {
            line = "\(now)\t\(Self.beatsLevel(event.level).uppercased())\t[\(label)]\t\(event.message)"
            if !merged.isEmpty {
                let pairs = merged.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }
                line += "\t{" + pairs.joined(separator: ",") + "}"
            }
        }
        line += "\n"
        FileHandle.standardError.write(Data(line.utf8))
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
