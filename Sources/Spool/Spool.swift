// The spool: the queue between the publish path and the output. Events arrive already encoded (opaque byte
// payloads); an entry leaves only when the output acknowledged it. Implementations: `MemorySpool`
// (`queue.mem`) and `DiskSpool` (`queue.disk`), both at-least-once relative to the output's acknowledgements.

/// One spooled payload and its sequence number (increasing across segments and restarts).
public struct SpoolEntry: Sendable, Equatable {
    /// The sequence number, used to acknowledge the entry.
    public let id: UInt64
    /// The bytes given to `append`.
    public let payload: [UInt8]

    /// An entry.
    public init(id: UInt64, payload: [UInt8]) {
        self.id = id
        self.payload = payload
    }
}

/// What `append` does when the spool has no room.
public enum SpoolFullPolicy: Sendable {
    /// Wait for acknowledgements to make room (back-pressure on the publisher).
    case block
    /// Refuse what does not fit and count it (`droppedFull`), as live Packetbeat capture does.
    case dropNewest
}

/// What a spool did since it was opened, plus gauges of what it holds now.
public struct SpoolCounters: Sendable, Equatable {
    /// Entries accepted by `append` (this process).
    public var appended = 0
    /// Entries acknowledged (this process).
    public var acknowledged = 0
    /// Entries refused because the spool was full (`dropNewest`, or `block` after `stopBlocking`) or closed, or
    /// given up after a write error (`dropNewest`, or `block` after `stopBlocking`).
    public var droppedFull = 0
    /// Payloads bigger than a segment can hold.
    public var rejectedTooLarge = 0
    /// Entries (ids) lost to corruption and skipped.
    public var corruptFrames = 0
    /// Failed disk writes (each one retried, or given up under `dropNewest`).
    public var writeErrors = 0
    /// Unacknowledged entries found at start-up.
    public var recovered = 0
    /// Entries appended or recovered and not yet acknowledged (gauge).
    public var pendingEntries = 0
    /// Size of the segment files in bytes (gauge; 0 for a memory spool).
    public var bytesOnDisk: Int64 = 0
    /// Number of segment files (gauge).
    public var segments = 0

    /// All zero.
    public init() {}
}

/// A durable (or in-memory) at-least-once queue of opaque payloads: one publisher thread appends, one shipper
/// thread reads and acknowledges; `waitUntilEmpty`, `close` and `counters` may be called from any thread.
public protocol Spool: AnyObject, Sendable {
    /// Appends payloads in order; returns how many were accepted. Policy `block` waits until there is room (or
    /// the spool is closed, then the rest is refused and counted); `dropNewest` refuses what does not fit,
    /// counted. Payloads too large for the spool are skipped and counted (`rejectedTooLarge`); every other
    /// refusal ends the call, so the accepted entries are the leading ones that were not too large. For
    /// `DiskSpool`, accepted entries survive kill -9 and power loss once `append` returns.
    func append(_ payloads: [[UInt8]]) -> Int
    /// Up to `max` entries never handed out before (oldest first), waiting up to `timeout` seconds for the
    /// first; empty on timeout, or when closed and everything was handed out.
    func read(max: Int, timeout: Double) -> [SpoolEntry]
    /// The output is done with these entries (delivered, or dropped for good); acknowledgements come in any
    /// order. Ids never handed out, and ids already acknowledged, are ignored.
    func acknowledge(_ ids: [UInt64])
    /// Waits up to `timeout` seconds until every entry is acknowledged; true if so.
    func waitUntilEmpty(timeout: Double) -> Bool
    /// Appends stop waiting for room (the agent is shutting down): a blocked `append`, and every later one,
    /// refuses what does not fit now, counted as `droppedFull`, as under `dropNewest`. Reading and
    /// acknowledging go on. Idempotent.
    func stopBlocking()
    /// Stops: wakes blocked appenders and readers, persists the acknowledgement state, closes files.
    func close()
    /// What the spool did and holds.
    var counters: SpoolCounters { get }
}

/// Why a spool could not be opened.
public struct SpoolError: Error, Sendable, CustomStringConvertible {
    /// What failed, naming the path and the system's reason.
    public let message: String

    /// An error described by `message`.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}
