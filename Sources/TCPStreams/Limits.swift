// Every bound on what TCP reassembly keeps, with the reason for its value.
//
// Out-of-order bytes are the only bytes this target copies (RFC 9293 §3.10.7.4 lets a receiver queue
// segments beyond RCV.NXT "for later processing"; a passive observer does the same, but must bound it
// because it cannot shrink anyone's window). When a bound would be exceeded the oldest hole is declared
// lost and reported as `gap(n)`: a dissector can resynchronise after a gap, while unbounded memory would
// take the whole sensor down. The sequence-jump bound follows RFC 7323 §2.3 (maximum window 2^30).

import NetModel

/// Bounds on one direction's reassembly.
public struct StreamLimits: Hashable, Sendable {
    /// Default for `maxBufferedBytes`: 512 KiB.
    ///
    /// About one bandwidth-delay product of a 40 Mbit/s, 100 ms path. A segment missing for longer than
    /// that has nearly always been acknowledged past by the receiver (which declares the hole lost
    /// sooner), so more storage would only delay the inevitable gap.
    public static let defaultMaxBufferedBytes = 512 * 1024

    /// Default for `maxBufferedSegments`: 512.
    ///
    /// Each stored piece costs one allocation and a slot in a sorted array with linear insertion; the
    /// count bound keeps a flood of tiny out-of-order segments from costing more than the byte bound
    /// suggests. 512 full-size (1,024+ byte) segments reach the byte bound first.
    public static let defaultMaxBufferedSegments = 512

    /// Default for `maxSequenceJump`: 2^30 bytes.
    ///
    /// RFC 7323 §2.3 caps a TCP window at 2^30 bytes, so a sender can never be further ahead of what its
    /// receiver has acknowledged. A segment (or an acknowledgment) further ahead of the delivery point
    /// than this belongs to another incarnation of the connection or is garbage; it is dropped and
    /// counted rather than declaring a gigabyte-sized hole.
    public static let defaultMaxSequenceJump = 1 << 30

    /// Most out-of-order bytes one direction may hold.
    public var maxBufferedBytes: Int
    /// Most out-of-order pieces one direction may hold.
    public var maxBufferedSegments: Int
    /// Furthest a segment or acknowledgment may lie beyond the delivery point and still be accepted.
    public var maxSequenceJump: Int

    /// Limits with the given values; each defaults to the named constant above.
    public init(
        maxBufferedBytes: Int = StreamLimits.defaultMaxBufferedBytes,
        maxBufferedSegments: Int = StreamLimits.defaultMaxBufferedSegments,
        maxSequenceJump: Int = StreamLimits.defaultMaxSequenceJump
    ) {
        self.maxBufferedBytes = maxBufferedBytes
        self.maxBufferedSegments = maxBufferedSegments
        self.maxSequenceJump = maxSequenceJump
    }

    /// The defaults.
    public static let `default` = StreamLimits()
}

/// Bounds on a connection tracker: its table and the out-of-order storage shared between connections.
public struct ConnectionLimits: Hashable, Sendable {
    /// Default for `maxBufferedBytesPerConnection`: 768 KiB.
    ///
    /// Both directions rarely hold holes at once (a loss burst usually hits one path), so a connection
    /// gets one and a half directions' worth rather than two.
    public static let defaultMaxBufferedBytesPerConnection = 768 * 1024

    /// Default for `maxBufferedBytesTotal`: 64 MiB per tracker (one tracker per packet worker).
    ///
    /// The per-connection bound times the connection bound would be tens of gigabytes; this keeps the
    /// worst case of a lossy capture a fixed, small share of the sensor's memory.
    public static let defaultMaxBufferedBytesTotal = 64 * 1024 * 1024

    /// Default for `maxConnections`: 65,536 per tracker.
    ///
    /// One full 16-bit port range toward a single server; a slot without stored data is a few hundred
    /// bytes, so a full table stays around 20 MB. Beyond it the least recently active connection goes.
    public static let defaultMaxConnections = 65_536

    /// Default for `idleTimeout`: 10 seconds of capture time.
    ///
    /// Packetbeat expires a TCP stream after 10 s without packets; matching it keeps the same
    /// connections (and so the same events) when a long-idle connection resumes.
    public static let defaultIdleTimeout = TimeSpan.seconds(10)

    /// Per-direction limits applied to each connection's two streams.
    public var stream: StreamLimits
    /// Most out-of-order bytes both directions of one connection may hold together.
    public var maxBufferedBytesPerConnection: Int
    /// Most out-of-order bytes all connections of the tracker may hold together.
    public var maxBufferedBytesTotal: Int
    /// Most connections tracked at once.
    public var maxConnections: Int
    /// Capture time without packets after which `expire(now:)` ends a connection.
    public var idleTimeout: TimeSpan

    /// Limits with the given values; each defaults to the named constant above.
    public init(
        stream: StreamLimits = .default,
        maxBufferedBytesPerConnection: Int = ConnectionLimits.defaultMaxBufferedBytesPerConnection,
        maxBufferedBytesTotal: Int = ConnectionLimits.defaultMaxBufferedBytesTotal,
        maxConnections: Int = ConnectionLimits.defaultMaxConnections,
        idleTimeout: TimeSpan = ConnectionLimits.defaultIdleTimeout
    ) {
        self.stream = stream
        self.maxBufferedBytesPerConnection = maxBufferedBytesPerConnection
        self.maxBufferedBytesTotal = maxBufferedBytesTotal
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
    }

    /// The defaults.
    public static let `default` = ConnectionLimits()
}
