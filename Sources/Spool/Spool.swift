// The spool: the queue between the publish path and the output. Events arrive already encoded (opaque byte
// payloads); an entry leaves only when the output acknowledged it. Implementations: `MemorySpool`
// (`queue.mem`) and `DiskSpool` (`queue.disk`).

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
