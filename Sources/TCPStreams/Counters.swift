// Plain integer counters for reassembly and connection tracking.
//
// The packet path publishes counters per batch (ARCHITECTURE.md, "Threads"), so these are ordinary
// integers owned by one worker: no atomics. Byte counts are stream bytes (RFC 9293 §3.4 sequence space),
// never header or frame bytes.

/// What one direction's reassembly did, or (summed) what all directions of a tracker did.
public struct StreamCounters: Hashable, Sendable {
    /// Bytes handed to the consumer in `data` chunks.
    public var bytesDelivered = 0
    /// Bytes reported missing in `gap` chunks.
    public var gapBytes = 0
    /// Number of `gap` chunks.
    public var gaps = 0
    /// Bytes received again: already delivered, or already held out of order.
    public var retransmittedBytes = 0
    /// Segments that repeated held bytes with different values; the first copy was kept.
    public var overlapConflicts = 0
    /// Segments stored (wholly or partly) because they arrived ahead of a hole.
    public var outOfOrderSegments = 0
    /// Times a storage bound forced the oldest hole to be declared lost.
    public var storageLimitHits = 0
    /// Payload bytes at or beyond the FIN's sequence number, which a closed direction cannot carry.
    public var dataAfterFIN = 0
    /// Keep-alive probes seen (RFC 9293 §3.8.4: sequence number one below the next, 0 or 1 byte).
    public var keepAlives = 0
    /// Out-of-order bytes thrown away because a RST arrived before the hole was filled.
    public var discardedOnReset = 0
    /// Segments or acknowledgments further from the delivery point than `StreamLimits.maxSequenceJump`.
    public var outOfWindow = 0
    /// Payload bytes that arrived after the direction ended for a reason other than FIN.
    public var bytesAfterEnd = 0

    /// All zero.
    public init() {}

    /// Adds every counter of `other` into this one.
    public mutating func add(_ other: StreamCounters) {
        bytesDelivered &+= other.bytesDelivered
        gapBytes &+= other.gapBytes
        gaps &+= other.gaps
        retransmittedBytes &+= other.retransmittedBytes
        overlapConflicts &+= other.overlapConflicts
        outOfOrderSegments &+= other.outOfOrderSegments
        storageLimitHits &+= other.storageLimitHits
        dataAfterFIN &+= other.dataAfterFIN
        keepAlives &+= other.keepAlives
        discardedOnReset &+= other.discardedOnReset
        outOfWindow &+= other.outOfWindow
        bytesAfterEnd &+= other.bytesAfterEnd
    }
}

/// What a connection tracker did, plus the sum of its streams' counters.
///
/// `connectionsClosed` counts every connection removed for any reason, so `connectionsOpened −
/// connectionsClosed` is the number tracked now; `connectionsEvicted`, `connectionsTimedOut` and
/// `connectionsReplaced` say why some of them went.
public struct TrackerCounters: Hashable, Sendable {
    /// Connections added to the table.
    public var connectionsOpened = 0
    /// Connections removed from the table, whatever the reason.
    public var connectionsClosed = 0
    /// Connections removed to make room in a full table.
    public var connectionsEvicted = 0
    /// Connections removed by `expire(now:)`.
    public var connectionsTimedOut = 0
    /// Connections ended because a new SYN reused their addresses and ports.
    public var connectionsReplaced = 0
    /// Connections whose handler declined them (`open` returned nil); tracked for their lifecycle only.
    public var connectionsIgnored = 0
    /// Summed reassembly counters of every direction the tracker reassembled.
    public var streams = StreamCounters()

    /// All zero.
    public init() {}
}
