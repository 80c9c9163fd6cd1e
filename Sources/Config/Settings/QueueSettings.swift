// `queue.*`: the buffer between the pipeline and the output. `queue.mem` (libbeat 8.13+ defaults) or
// `queue.disk` (libbeat's options and limits, plus wirebeat's `on_full` policy), given at the top level
// or, as in libbeat 8.12+, under the enabled output (not both). The legacy `queue.spool` of Beats 7 maps
// to the disk queue with a warning.

import NetModel

/// The queue.
public enum QueueSettings: Sendable, Equatable {
    /// `queue.mem`, the default.
    case memory(MemoryQueueSettings)
    /// `queue.disk`.
    case disk(DiskQueueSettings)
}

/// `queue.mem`.
public struct MemoryQueueSettings: Sendable, Equatable {
    /// `events`: capacity (default 3200, at least 32).
    public var events = 3200
    /// `flush.min_events`: the largest batch handed to the output (default 1600, at most `events`).
    public var flushMinEvents = 1600
    /// `flush.timeout`: how long a batch may wait to fill (default 10s).
    public var flushTimeout: TimeSpan = .seconds(10)

    /// The defaults.
    public init() {}
}

/// What the disk queue does when it is full.
public enum DiskQueueFullPolicy: String, Sendable, Equatable {
    /// Make the publisher wait (the default).
    case block
    /// Drop the newest events and count them.
    case dropNewest = "drop_newest"
}

/// `queue.disk`.
public struct DiskQueueSettings: Sendable, Equatable {
    /// The smallest non-zero `max_size` libbeat accepts (10 MB).
    public static let minimumMaxSize: Int64 = 10_000_000
    /// The smallest `segment_size` libbeat accepts (1 MB).
    public static let minimumSegmentSize: Int64 = 1_000_000

    /// `path` (default `<path.data>/diskqueue`).
    public var path: String
    /// `max_size` in bytes (default 10GB; 0 is unbounded).
    public var maxSize: Int64 = 10_000_000_000
    /// `segment_size` in bytes (default max_size / 10).
    public var segmentSize: Int64 = 1_000_000_000
    /// `read_ahead` events (default 512).
    public var readAhead = 512
    /// `write_ahead` events (default 2048).
    public var writeAhead = 2048
    /// `retry_interval` after a write error (default 1s).
    public var retryInterval: TimeSpan = .seconds(1)
    /// `max_retry_interval` (default 30s).
    public var maxRetryInterval: TimeSpan = .seconds(30)
    /// `on_full` (wirebeat's own, default block).
    public var onFull: DiskQueueFullPolicy = .block

    /// The defaults in `path`.
    public init(path: String) { self.path = path }
}

enum QueueDecoder {
    static func decode(
        top: Cursor, perOutput: Cursor?, context: inout DecodeContext
    ) throws(ConfigError) -> QueueSettings {
        var cursor = top
        if let perOutput {
            if top.isSet {
                throw perOutput.keyError(
                    "the queue is configured twice, at the top level and under the output; keep one")
            }
            cursor = perOutput
        }
        try cursor.requireMapOrAbsent()
        let kinds = ["mem", "disk", "spool"].filter { cursor[$0].node != nil }
        if kinds.count > 1 {
            throw cursor[kinds[1]].keyError(
                "only one queue type can be configured, found "
                    + kinds.map { "\(cursor.path).\($0)" }.joined(separator: " and "))
        }
        switch kinds.first {
        case "disk": return .disk(try decodeDisk(cursor["disk"], paths: context.paths))
        case "spool": return .disk(try decodeSpool(cursor["spool"], context: &context))
        case "mem": return .memory(try decodeMemory(cursor["mem"]))
        default: return .memory(MemoryQueueSettings())
        }
    }

    static func decodeMemory(_ cursor: Cursor) throws(ConfigError) -> MemoryQueueSettings {
        try cursor.requireMapOrAbsent()
        var out = MemoryQueueSettings()
        out.events = try cursor["events"].int(default: 3200, in: 32...Int.max)
        let minEvents = cursor["flush"]["min_events"]
        out.flushMinEvents = try minEvents.int(default: min(1600, out.events), in: 0...Int.max)
        guard out.flushMinEvents <= out.events else {
            throw minEvents.error("flush.min_events (\(out.flushMinEvents)) must not exceed events (\(out.events))")
        }
        out.flushTimeout = try cursor["flush"]["timeout"].duration(default: .seconds(10))
        guard out.flushTimeout >= .zero else { throw cursor["flush"]["timeout"].error("must not be negative") }
        return out
    }

    static func decodeDisk(_ cursor: Cursor, paths: PathSettings) throws(ConfigError) -> DiskQueueSettings {
        try cursor.requireMapOrAbsent()
        var out = DiskQueueSettings(path: paths.data + "/diskqueue")
        if let path = try cursor["path"].nonEmptyString() { out.path = absolutePath(path, base: paths.home) }
        let maxSize = cursor["max_size"]
        out.maxSize = try maxSize.byteSize() ?? 10_000_000_000
        if out.maxSize != 0 && out.maxSize < DiskQueueSettings.minimumMaxSize {
            throw maxSize.error("max_size must be at least 10MB (10000000 bytes) or 0 for no limit, got \(out.maxSize)")
        }
        let segment = cursor["segment_size"]
        // libbeat's default segment is a tenth of max_size; with no limit it uses 100 MiB.
        out.segmentSize = try segment.byteSize() ?? (out.maxSize == 0 ? 104_857_600 : out.maxSize / 10)
        guard out.segmentSize >= DiskQueueSettings.minimumSegmentSize else {
            throw (segment.isSet ? segment : maxSize).error(
                "segment_size must be at least 1MB (1000000 bytes), got \(out.segmentSize)")
        }
        if out.maxSize != 0 && out.maxSize < 2 * out.segmentSize {
            throw (segment.isSet ? segment : maxSize).error(
                "max_size (\(out.maxSize)) must be at least twice segment_size (\(out.segmentSize))")
        }
        out.readAhead = try cursor["read_ahead"].int(default: 512, in: 1...Int.max)
        out.writeAhead = try cursor["write_ahead"].int(default: 2048, in: 1...Int.max)
        let retry = cursor["retry_interval"]
        out.retryInterval = try retry.duration(default: .seconds(1))
        guard out.retryInterval > .zero else { throw retry.error("retry_interval must be greater than 0") }
        let maxRetry = cursor["max_retry_interval"]
        out.maxRetryInterval = try maxRetry.duration(default: .seconds(30))
        guard out.maxRetryInterval >= out.retryInterval else {
            throw maxRetry.error(
                "max_retry_interval (\(out.maxRetryInterval)) must be at least retry_interval (\(out.retryInterval))")
        }
        out.onFull =
            try cursor["on_full"].choice(["block": .block, "drop_newest": .dropNewest], caseInsensitive: true) ?? .block
        return out
    }

    /// Beats 7's spool file maps onto the disk queue: its size becomes `max_size`, the directory of its
    /// file becomes the queue's directory.
    static func decodeSpool(_ cursor: Cursor, context: inout DecodeContext) throws(ConfigError) -> DiskQueueSettings {
        try cursor.requireMapOrAbsent()
        context.warn(
            cursor,
            "queue.spool was removed in Beats 8; using the disk queue instead "
                + "(max_size from file.size, path from the directory of file.path)")
        let paths = context.paths
        var out = DiskQueueSettings(path: paths.data + "/diskqueue")
        if let file = try cursor["file"]["path"].nonEmptyString() {
            let absolute = absolutePath(file, base: paths.home)
            out.path = absolute.split(separator: "/").dropLast().reduce("") { $0 + "/" + $1 }
            if out.path.isEmpty { out.path = "/" }
        }
        let size = cursor["file"]["size"]
        out.maxSize = try size.byteSize() ?? 104_857_600
        guard out.maxSize >= DiskQueueSettings.minimumMaxSize else {
            throw size.error("file.size must be at least 10MB for the disk queue, got \(out.maxSize)")
        }
        out.segmentSize = max(out.maxSize / 10, DiskQueueSettings.minimumSegmentSize)
        return out
    }
}
