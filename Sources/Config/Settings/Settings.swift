// The typed, validated packetbeat.yml: what the CLI, the capture and the publishing pipeline read.
// Every value here has been checked (types, ranges, combinations) and carries its default when the user
// did not set it; free-form parts (`fields`, processors) stay trees for the stages that own them.

import NetModel

/// The whole typed configuration.
public struct Settings: Sendable, Equatable {
    /// `name`: the agent name (`agent.name`, `host.name`); nil means the host name.
    public var name: String?
    /// `hostname`: overrides the host name used for `host.name` and `agent.name`.
    public var hostname: String?
    /// `tags`: appended to every event's `tags`.
    public var tags: [String]
    /// `fields`: added to every event under `fields` (or the root, with `fieldsUnderRoot`).
    public var fields: ConfigMap
    /// `fields_under_root`.
    public var fieldsUnderRoot: Bool
    /// Global `processors`, run after the builtin fields are added.
    public var processors: [ProcessorEntry]
    /// `timestamp.precision` of `@timestamp`.
    public var timestampPrecision: TimestampPrecision
    /// `packetbeat.interfaces`: one entry, or several in the list form.
    public var interfaces: [InterfaceSettings]
    /// `packetbeat.flows`; nil when the section is absent or `enabled: false`.
    public var flows: FlowSettings?
    /// `packetbeat.protocols` in the order written; disabled protocols are kept with `enabled == false`.
    public var protocols: [ProtocolSettings]
    /// `packetbeat.ignore_outgoing`.
    public var ignoreOutgoing: Bool
    /// `packetbeat.shutdown_timeout`: how long to keep publishing pending events on shutdown.
    public var shutdownTimeout: TimeSpan
    /// The one enabled output.
    public var output: OutputSettings
    /// The queue between the pipeline and the output.
    public var queue: QueueSettings
    /// `logging.*`.
    public var logging: LoggingSettings
    /// `http.*`: the monitoring endpoint.
    public var http: HTTPSettings
    /// `path.*` after command-line overrides and defaults.
    public var paths: PathSettings
    /// `run_as_user` (wirebeat's own): the user to switch to once capture is open; nil keeps the current one.
    public var runAsUser: String?
    /// `max_procs`: accepted for compatibility; wirebeat sizes its workers itself.
    public var maxProcs: Int?

    /// The protocols that are enabled, in order.
    public var enabledProtocols: [ProtocolSettings] { protocols.filter(\.enabled) }

    /// The settings of one protocol, if it is configured (enabled or not).
    public func protocolSettings(_ type: ProtocolType) -> ProtocolSettings? {
        protocols.first { $0.type == type }
    }
}

/// `timestamp.precision`: how many fraction digits `@timestamp` carries.
public enum TimestampPrecision: String, Sendable, Equatable, CaseIterable {
    /// 3 digits, the Beats default (`2024-05-01T12:34:56.789Z`).
    case millisecond
    /// 6 digits.
    case microsecond
    /// 9 digits.
    case nanosecond

    /// The number of fraction digits.
    public var fractionDigits: Int {
        switch self {
        case .millisecond: return 3
        case .microsecond: return 6
        case .nanosecond: return 9
        }
    }
}

/// State shared while decoding one configuration.
struct DecodeContext {
    var warnings: [ConfigDiagnostic] = []
    let paths: PathSettings

    mutating func warn(_ cursor: Cursor, _ message: String) {
        warnings.append(cursor.warning(message))
    }
}

enum SettingsDecoder {
    /// Decodes and validates the expanded tree.
    static func decode(_ root: ConfigNode, paths: PathSettings) throws(ConfigError) -> (Settings, [ConfigDiagnostic]) {
        var context = DecodeContext(paths: paths)
        let top = Cursor(root, path: "", keyLocation: root.location)
        let beat = top["packetbeat"]
        try beat.requireMapOrAbsent()

        let outputs = try OutputDecoder.decode(top["output"], root: top, context: &context)
        let queue = try QueueDecoder.decode(top: top["queue"], perOutput: outputs.queue, context: &context)
        let protocols = try ProtocolDecoder.decodeAll(beat["protocols"], context: &context)

        let settings = Settings(
            name: try top["name"].string(),
            hostname: try top["hostname"].string(),
            tags: try top["tags"].stringList() ?? [],
            fields: try top["fields"].configMap(),
            fieldsUnderRoot: try top["fields_under_root"].bool(default: false),
            processors: try ProcessorDecoder.decode(top["processors"]),
            timestampPrecision: try top["timestamp"]["precision"].choice(
                ["millisecond": .millisecond, "microsecond": .microsecond, "nanosecond": .nanosecond])
                ?? .millisecond,
            interfaces: try InterfaceDecoder.decodeAll(beat["interfaces"], context: &context),
            flows: try FlowDecoder.decode(beat["flows"]),
            protocols: protocols,
            ignoreOutgoing: try beat["ignore_outgoing"].bool(default: false),
            shutdownTimeout: try nonNegative(beat["shutdown_timeout"]),
            output: outputs.output,
            queue: queue,
            logging: try LoggingDecoder.decode(top["logging"], paths: paths),
            http: try HTTPDecoder.decode(top["http"]),
            paths: paths,
            runAsUser: try top["run_as_user"].nonEmptyString(),
            maxProcs: try top["max_procs"].int(in: 1...Int.max))
        return (settings, context.warnings)
    }

    /// A duration that must not be negative; Beats treats a negative shutdown timeout as zero.
    private static func nonNegative(_ cursor: Cursor) throws(ConfigError) -> TimeSpan {
        let value = try cursor.duration(default: .zero)
        return value < .zero ? .zero : value
    }
}
