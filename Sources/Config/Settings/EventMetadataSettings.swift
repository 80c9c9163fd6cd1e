// The options every event source shares in Beats (flows and each protocol): `tags`, `fields`,
// `fields_under_root`, `processors`, `keep_null`, `index`. Beats calls the first three "event metadata".

/// What the pipeline adds to, and runs on, the events of one source (flows, or one protocol).
public struct EventMetadataSettings: Sendable, Equatable {
    /// `tags` appended to the events' `tags`.
    public var tags: [String] = []
    /// `fields` added under `fields` (or at the root).
    public var fields = ConfigMap()
    /// `fields_under_root`.
    public var fieldsUnderRoot = false
    /// `processors` run on these events before the global ones.
    public var processors: [ProcessorEntry] = []
    /// `keep_null`: publish null fields.
    public var keepNull = false
    /// `index`: goes to `@metadata.raw_index`; nil when not set.
    public var index: String?

    /// No tags, fields or processors.
    public init() {}

    /// Reads the shared keys of a flows or protocol section.
    init(_ cursor: Cursor) throws(ConfigError) {
        tags = try cursor["tags"].stringList() ?? []
        fields = try cursor["fields"].configMap()
        fieldsUnderRoot = try cursor["fields_under_root"].bool(default: false)
        processors = try ProcessorDecoder.decode(cursor["processors"])
        keepNull = try cursor["keep_null"].bool(default: false)
        index = try cursor["index"].nonEmptyString()
    }
}
