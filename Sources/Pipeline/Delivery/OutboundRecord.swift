// What the spool stores for the Kafka output: an event already encoded and routed (topic, key, partition
// hash, timestamp), so a restart re-sends exactly the bytes the first attempt would have sent and the
// shipper never re-runs processors or codecs. Layout (little-endian), followed by the value bytes:
//
//   u8 version (1) | u8 flags (1: key present, 2: partition hash present) | u16 topic length | topic |
//   i64 timestamp (ms since the epoch) | [u32 key length | key] | [u32 partition hash] | value
//
// Consequence, documented in the README: a configuration change (topic, codec) applies to events spooled
// after it, not to those already waiting in the spool.

/// The routing header of a spooled record; the value is the rest of the payload.
public struct OutboundRecord: Sendable, Equatable {
    /// The Kafka topic.
    public var topic: String
    /// The message key, or nil.
    public var key: [UInt8]?
    /// The precomputed partition hash (`partition.hash.hash` fields), or nil to let the partitioner choose.
    public var partitionHash: UInt32?
    /// The Kafka timestamp: the event's `@timestamp` in milliseconds.
    public var timestampMs: Int64
    /// Where the value starts in the payload.
    public var valueOffset: Int

    static let version: UInt8 = 1
    static let keyFlag: UInt8 = 1
    static let hashFlag: UInt8 = 2

    /// Appends the header for a record to `out`; the caller appends the value after it.
    public static func writeHeader(
        topic: String, key: [UInt8]?, partitionHash: UInt32?, timestampMs: Int64, into out: inout [UInt8]
    ) {
        var flags: UInt8 = 0
        if key != nil { flags |= keyFlag }
        if partitionHash != nil { flags |= hashFlag }
        out.append(version)
        out.append(flags)
        let topicBytes = topic.utf8
        append(UInt16(truncatingIfNeeded: topicBytes.count), to: &out)
        out.append(contentsOf: topicBytes)
        append(UInt64(bitPattern: timestampMs), to: &out)
        if let key {
            append(UInt32(truncatingIfNeeded: key.count), to: &out)
            out.append(contentsOf: key)
        }
        if let partitionHash { append(partitionHash, to: &out) }
    }

    /// Reads the header of `payload`; nil when it is not a record of this version (the spool's CRC already
    /// caught corruption, so this means a foreign or future format).
    public init?(parsing payload: [UInt8]) {
        var at = 0
        func take<T: FixedWidthInteger>(_: T.Type) -> T? {
            let size = MemoryLayout<T>.size
            guard at + size <= payload.count else { return nil }
            var value: T = 0
            for i in 0..<size { value |= T(payload[at + i]) << (8 * i) }
            at += size
            return value
        }
        func bytes(_ count: Int) -> ArraySlice<UInt8>? {
            guard count >= 0, at + count <= payload.count else { return nil }
            defer { at += count }
            return payload[at..<(at + count)]
        }
        guard let version = take(UInt8.self), version == Self.version, let flags = take(UInt8.self),
            let topicLength = take(UInt16.self), let topic = bytes(Int(topicLength)),
            let timestamp = take(UInt64.self)
        else { return nil }
        self.topic = String(decoding: topic, as: UTF8.self)
        timestampMs = Int64(bitPattern: timestamp)
        key = nil
        partitionHash = nil
        if flags & Self.keyFlag != 0 {
            guard let length = take(UInt32.self), let key = bytes(Int(length)) else { return nil }
            self.key = Array(key)
        }
        if flags & Self.hashFlag != 0 {
            guard let hash = take(UInt32.self) else { return nil }
            partitionHash = hash
        }
        valueOffset = at
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        for i in 0..<MemoryLayout<T>.size { out.append(UInt8(truncatingIfNeeded: value >> (8 * i))) }
    }
}
