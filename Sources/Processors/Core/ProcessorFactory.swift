// From `processors` entries to a chain. The one table of processor names lives here; each processor's
// builder reads its options through `ProcessorOptions`, which rejects unknown options, so a typo is a
// config error with file:line instead of a processor that silently does nothing.

import Config
import Events

/// How to build one processor.
public struct ProcessorBuilder: Sendable {
    /// The options the processor accepts (besides `when`, which every processor accepts).
    public let options: [String]
    /// Builds the processor from checked options.
    public let build: @Sendable (ProcessorOptions) throws(ConfigError) -> any Processor

    /// A builder accepting `options`.
    public init(options: [String], build: @escaping @Sendable (ProcessorOptions) throws(ConfigError) -> any Processor) {
        self.options = options
        self.build = build
    }
}

/// Builds processor chains from configuration.
public enum ProcessorFactory {
    /// Every processor wirebeat knows, by configured name.
    public static let builders: [String: ProcessorBuilder] = {
        var all: [String: ProcessorBuilder] = [:]
        for group in [fieldProcessors, valueProcessors, enrichmentProcessors, networkProcessors] {
            all.merge(group) { first, _ in first }
        }
        return all
    }()

    /// Names that Beats knows but wirebeat refuses, with the reason and what to use instead.
    static let refused: [String: String] = [
        "script":
            "the script processor (JavaScript) is not available in wirebeat, as in Packetbeat; most uses are "
            + "covered by add_fields, rename, copy_fields, convert, replace, drop_fields and if/then/else",
    ]

    /// Processors of the stock packetbeat.yml that need a platform wirebeat does not query yet (cloud metadata
    /// endpoints, the Docker and Kubernetes APIs) or a protocol it does not dissect yet (HTTP bodies). They are
    /// accepted so that stock configurations load, do nothing, and are announced at start-up.
    static let inert: [String: String] = [
        "add_cloud_metadata": "cloud instance metadata is not queried yet",
        "add_docker_metadata": "the Docker API is not queried yet",
        "add_kubernetes_metadata": "the Kubernetes API is not queried yet",
        "detect_mime_type": "HTTP bodies are not dissected yet",
    ]

    /// Builds the chain of `entries`; processors accepted without effect are described in `notices`.
    public static func chain(
        _ entries: [ProcessorEntry], environment: ProcessorEnvironment = ProcessorEnvironment(),
        notices: inout [String]
    ) throws(ConfigError) -> ProcessorChain {
        var built: [any Processor] = []
        for entry in entries { built.append(try processor(entry, environment: environment, notices: &notices)) }
        return ProcessorChain(built)
    }

    /// Builds one processor (with its `when`), or the `if`/`then`/`else` form.
    public static func processor(
        _ entry: ProcessorEntry, environment: ProcessorEnvironment, notices: inout [String]
    ) throws(ConfigError) -> any Processor {
        if entry.name == "if" { return try ifThenElse(entry, environment: environment, notices: &notices) }
        if let reason = refused[entry.name] { throw entry.error(at: entry.name, reason) }
        if let reason = inert[entry.name] {
            notices.append("\(entry.location): \(entry.path).\(entry.name) is accepted but does nothing in this build: \(reason)")
            return InertProcessor(name: entry.name)
        }
        guard let builder = builders[entry.name] else {
            let known = builders.keys.sorted().joined(separator: ", ")
            throw entry.keyError(at: entry.name, "unknown processor \"\(entry.name)\" (known processors: \(known))")
        }
        let map: ConfigMap
        switch entry.config {
        case .null: map = ConfigMap()
        case .map(let m): map = m
        default: throw entry.error(at: entry.name, "the options of \(entry.name) must be a map, got \(entry.config.shapeName)")
        }
        let options = ProcessorOptions(entry: entry, base: entry.name, map: map, environment: environment)
        try options.rejectUnknown(allowed: builder.options + ["when"])
        let processor = try builder.build(options)
        guard let when = try options.condition("when") else { return processor }
        return ConditionalProcessor(condition: when, inner: processor)
    }

    static func ifThenElse(
        _ entry: ProcessorEntry, environment: ProcessorEnvironment, notices: inout [String]
    ) throws(ConfigError) -> any Processor {
        guard let condition = entry.config["if"] else { throw entry.error(at: "", "a conditional processor has no \"if\"") }
        let parsed = try ConditionParser(entry: entry).parse(condition, at: "if")
        let then = try branch(entry, "then", environment: environment, notices: &notices)
        let otherwise = try branch(entry, "else", environment: environment, notices: &notices)
        return IfThenElseProcessor(condition: parsed, then: then, otherwise: otherwise)
    }

    /// The processors of a `then` or `else` branch: one processor or a list of them.
    static func branch(
        _ entry: ProcessorEntry, _ key: String, environment: ProcessorEnvironment, notices: inout [String]
    ) throws(ConfigError) -> [any Processor] {
        guard let value = entry.config[key], value != .null else { return [] }
        let items: [(ConfigValue, String)]
        if case .list(let list) = value {
            items = list.enumerated().map { ($1, "\(key).\($0)") }
        } else {
            items = [(value, key)]
        }
        var out: [any Processor] = []
        for (index, (item, path)) in items.enumerated() {
            guard case .map(let map) = item, map.count == 1, let only = map.entries.first else {
                throw entry.error(at: path, "a processor must be a map with exactly one key, the processor name")
            }
            let nested = entry.nested(name: only.key, config: only.value, at: path, index: index)
            out.append(try processor(nested, environment: environment, notices: &notices))
        }
        return out
    }
}

/// A processor accepted for compatibility that changes nothing (see `ProcessorFactory.inert`).
struct InertProcessor: Processor {
    let name: String
    func process(_ event: inout Event) -> ProcessorOutcome { .keep }
}
