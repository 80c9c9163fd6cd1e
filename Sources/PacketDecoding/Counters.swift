// The decoder's counters: plain integers bumped on the packet path and read by the pipeline per batch.
//
// Nothing here allocates or synchronises: each worker owns its decoder and publishes a copy of these
// values. Per-anomaly counts live in a fixed-size inline table indexed by `DecodeAnomaly.rawValue`, so
// counting a malformed frame never touches a dictionary or the heap.

/// How many frames the decoder saw, by outcome, and what the fragment reassembler did.
public struct DecodeCounters: Sendable, Equatable {
    /// Every frame passed to `decode`.
    public var frames = 0
    /// Frames that decoded without an IP layer (ARP, LLDP, non-IP address families, ...).
    public var nonIP = 0
    /// Frames whose headers were cut by the snapshot length (`DecodeStatus.truncated`).
    public var truncated = 0
    /// Frames that decoded but whose payload was cut by the snapshot length (`DecodedPacket.truncated`).
    public var payloadTruncated = 0
    /// Frames reported `DecodeStatus.malformed`; `anomalies` breaks them down, together with notes.
    public var malformed = 0
    /// Frames of a link type the decoder does not handle.
    public var unsupportedLinkType = 0
    /// IP fragments seen (atomic IPv6 fragments, RFC 6946, are not fragments and are not counted).
    public var fragmentsReceived = 0
    /// Datagrams completed from fragments.
    public var datagramsReassembled = 0
    /// Datagrams dropped because their fragment timeout passed before they completed.
    public var fragmentSetsExpired = 0
    /// Datagrams dropped to make room (concurrent datagram limit or fragment byte budget).
    public var fragmentSetsEvicted = 0
    /// Fragments that overlapped earlier ones with different data (also counted under `anomalies`).
    public var fragmentOverlaps = 0
    /// Every anomaly by name: the reasons of malformed frames and the notes on frames that decoded.
    public var anomalies = AnomalyCounts()

    /// All zero.
    public init() {}
}

/// A count per `DecodeAnomaly`, stored inline.
public struct AnomalyCounts: Sendable, Equatable {
    /// One slot per possible raw value (`DecodeAnomaly.capacity`).
    private var slots:
        (
            Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int,
            Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int
        ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    /// All zero.
    public init() {}

    /// The count of one anomaly (0 for raw values beyond the table).
    public subscript(anomaly: DecodeAnomaly) -> Int {
        get {
            let i = Int(anomaly.rawValue)
            guard i < DecodeAnomaly.capacity else { return 0 }
            return withUnsafeBytes(of: slots) { $0.load(fromByteOffset: i * MemoryLayout<Int>.stride, as: Int.self) }
        }
        set {
            let i = Int(anomaly.rawValue)
            guard i < DecodeAnomaly.capacity else { return }
            withUnsafeMutableBytes(of: &slots) {
                $0.storeBytes(of: newValue, toByteOffset: i * MemoryLayout<Int>.stride, as: Int.self)
            }
        }
    }

    /// The sum over all anomalies.
    public var total: Int {
        withUnsafeBytes(of: slots) { raw in
            var sum = 0
            for i in 0..<DecodeAnomaly.capacity {
                sum &+= raw.load(fromByteOffset: i * MemoryLayout<Int>.stride, as: Int.self)
            }
            return sum
        }
    }

    /// The non-zero counts by dotted name, for stats output (allocates; not for the packet path).
    public var byName: [(name: String, count: Int)] {
        var out: [(name: String, count: Int)] = []
        for i in 0..<DecodeAnomaly.capacity {
            let a = DecodeAnomaly(rawValue: UInt8(i))
            let n = self[a]
            if n != 0 { out.append((a.name, n)) }
        }
        return out
    }

    /// Equal when every anomaly has the same count.
    public static func == (a: AnomalyCounts, b: AnomalyCounts) -> Bool {
        for i in 0..<DecodeAnomaly.capacity {
            let k = DecodeAnomaly(rawValue: UInt8(i))
            if a[k] != b[k] { return false }
        }
        return true
    }
}
