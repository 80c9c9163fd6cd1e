// `output.*`: exactly one output may be enabled, as in Beats. wirebeat ships to Kafka, a file or the
// console; a config that enables Elasticsearch, Logstash or Redis fails with a clear message rather than
// running without shipping anything, while disabled sections of those are accepted silently so stock
// files load unchanged.

import Events

/// The enabled output.
public enum OutputSettings: Sendable, Equatable {
    /// `output.console`.
    case console(ConsoleOutputSettings)
    /// `output.file`.
    case file(FileOutputSettings)
    /// `output.kafka`.
    case kafka(KafkaOutputSettings)

    /// `console`, `file` or `kafka`.
    public var typeName: String {
        switch self {
        case .console: return "console"
        case .file: return "file"
        case .kafka: return "kafka"
        }
    }
}

/// How events are encoded.
public enum CodecSettings: Sendable, Equatable {
    /// `codec.json` (the default).
    case json(JSONCodecSettings)
    /// `codec.format.string`: the event formatted as text.
    case format(FormatString)

    /// Compact JSON without HTML escaping, the Beats 7+ default.
    public static let `default` = CodecSettings.json(JSONCodecSettings())
}

/// `codec.json.*`.
public struct JSONCodecSettings: Sendable, Equatable {
    /// `pretty`: indent with two spaces (default false).
    public var pretty = false
    /// `escape_html`: escape `<`, `>`, `&` (default false).
    public var escapeHTML = false

    /// The defaults.
    public init(pretty: Bool = false, escapeHTML: Bool = false) {
        self.pretty = pretty
        self.escapeHTML = escapeHTML
    }
}

/// `output.console`.
public struct ConsoleOutputSettings: Sendable, Equatable {
    /// The codec; the old `pretty` key sets `codec.json.pretty`.
    public var codec: CodecSettings = .default
    /// `bulk_max_size` (default 2048).
    public var bulkMaxSize = 2048

    /// The defaults.
    public init() {}
}

/// `output.file`.
public struct FileOutputSettings: Sendable, Equatable {
    /// `path`: the directory (default path.data).
    public var path: String
    /// `filename` (default "packetbeat").
    public var filename = "packetbeat"
    /// `rotate_every_kb` (default 10240).
    public var rotateEveryKB = 10_240
    /// `number_of_files` (default 7, 2...1024).
    public var numberOfFiles = 7
    /// `permissions` (default 0600).
    public var permissions: UInt32 = 0o600
    /// `rotate_on_startup` (default true).
    public var rotateOnStartup = true
    /// The codec.
    public var codec: CodecSettings = .default

    /// The defaults, writing into `path`.
    public init(path: String) { self.path = path }
}

/// What `OutputDecoder` found.
struct DecodedOutput {
    var output: OutputSettings
    /// `output.<type>.queue`, when given.
    var queue: Cursor?
}

enum OutputDecoder {
    static let supported = ["console", "file", "kafka"]
    static let unsupported = ["elasticsearch", "logstash", "redis"]

    static func decode(
        _ cursor: Cursor, root: Cursor, context: inout DecodeContext
    ) throws(ConfigError) -> DecodedOutput {
        try cursor.requireMapOrAbsent()
        var enabled: [(String, Cursor)] = []
        for (name, section) in try cursor.entries() ?? [] {
            guard supported.contains(name) || unsupported.contains(name) else { continue }
            if section.isSet { try section.requireMapOrAbsent() }
            guard try section["enabled"].bool(default: true) else { continue }
            if unsupported.contains(name) {
                throw section.keyError(
                    "output.\(name) is not supported by wirebeat: use output.kafka, output.file or output.console")
            }
            enabled.append((name, section))
        }
        guard let (name, section) = enabled.first else {
            throw ConfigError(
                at: cursor.node != nil ? cursor.keyLocation : root.location.map { SourceLocation(file: $0.file) },
                keyPath: "output",
                message: "no output is enabled; configure output.kafka, output.file or output.console")
        }
        if enabled.count > 1 {
            let (second, secondCursor) = enabled[1]
            throw secondCursor.keyError(
                "only one output can be enabled, but both output.\(name) and output.\(second) are; "
                    + "set enabled: false on all but one")
        }
        let queue = section["queue"].isSet ? section["queue"] : nil
        switch name {
        case "console": return DecodedOutput(output: .console(try decodeConsole(section)), queue: queue)
        case "file": return DecodedOutput(output: .file(try decodeFile(section, paths: context.paths)), queue: queue)
        default: return DecodedOutput(output: .kafka(try KafkaDecoder.decode(section)), queue: queue)
        }
    }

    static func decodeConsole(_ cursor: Cursor) throws(ConfigError) -> ConsoleOutputSettings {
        var out = ConsoleOutputSettings()
        out.codec = try decodeCodec(cursor["codec"], legacyPretty: try cursor["pretty"].bool())
        out.bulkMaxSize = try cursor["bulk_max_size"].int(default: 2048, in: 0...Int.max)
        return out
    }

    static func decodeFile(_ cursor: Cursor, paths: PathSettings) throws(ConfigError) -> FileOutputSettings {
        var out = FileOutputSettings(path: paths.data)
        if let path = try cursor["path"].nonEmptyString() { out.path = absolutePath(path, base: paths.home) }
        out.filename = try cursor["filename"].nonEmptyString() ?? "packetbeat"
        out.rotateEveryKB = try cursor["rotate_every_kb"].int(default: 10_240, in: 1...Int.max)
        let files = cursor["number_of_files"]
        out.numberOfFiles = try files.int(default: 7)
        guard (2...1024).contains(out.numberOfFiles) else {
            throw files.error("the number_of_files to keep should be between 2 and 1024, got \(out.numberOfFiles)")
        }
        out.permissions = try FileMode.decode(cursor["permissions"]) ?? 0o600
        out.rotateOnStartup = try cursor["rotate_on_startup"].bool(default: true)
        out.codec = try decodeCodec(cursor["codec"], legacyPretty: nil)
        return out
    }

    /// `codec.json` or `codec.format` (not both); `legacyPretty` is the console's old `pretty` key.
    static func decodeCodec(_ cursor: Cursor, legacyPretty: Bool?) throws(ConfigError) -> CodecSettings {
        try cursor.requireMapOrAbsent()
        let json = cursor["json"]
        let format = cursor["format"]
        if json.node != nil && format.node != nil {
            throw format.keyError("only one codec can be configured: codec.json or codec.format")
        }
        if format.node != nil {
            try format.requireMapOrAbsent()
            guard let string = try format["string"].formatString(), !string.source.isEmpty else {
                throw format["string"].keyError("codec.format needs a non-empty \"string\"")
            }
            return .format(string)
        }
        try json.requireMapOrAbsent()
        var settings = JSONCodecSettings()
        settings.pretty = try json["pretty"].bool() ?? legacyPretty ?? false
        // Some libbeat revisions read the key without its underscore; both are accepted.
        let unseparated = try json["escapehtml"].bool(default: false)
        settings.escapeHTML = try json["escape_html"].bool(default: unseparated)
        return .json(settings)
    }
}
