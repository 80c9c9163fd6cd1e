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

    private init(topic: String, key: [UInt8]?, partitionHash: UInt32?, timestampMs: Int64, valueOffset: Int) {
        self.topic = topic
        self.key = key
        self.partitionHash = partitionHash
        self.timestampMs = timestampMs
        self.valueOffset = valueOffset
    }

    /// A placeholder for a free shipper slot.
    static let empty = OutboundRecord(topic: "", key: nil, partitionHash: nil, timestampMs: 0, valueOffset: 0)

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
    /// caught corruption, so this means a foreign or future format). Runs once per record the shipper sends, so
    /// fields are loaded in place, and the topic String of the previous record (`knownTopic`) is reused when the
    /// bytes match instead of being decoded again.
    public init?(parsing payload: [UInt8], knownTopic: String? = nil) {
        guard let parsed = payload.withUnsafeBytes({ Self.parse($0, knownTopic: knownTopic) }) else { return nil }
        self = parsed
    }

    private static func parse(_ raw: UnsafeRawBufferPointer, knownTopic: String?) -> OutboundRecord? {
        var reader = Reader(raw: raw)
        guard reader.take(UInt8.self) == version, let flags = reader.take(UInt8.self),
            let topicLength = reader.take(UInt16.self), let topicBytes = reader.bytes(Int(topicLength)),
            let timestamp = reader.take(UInt64.self)
        else { return nil }
        var key: [UInt8]?
        var partitionHash: UInt32?
        if flags & keyFlag != 0 {
            guard let length = reader.take(UInt32.self), let bytes = reader.bytes(Int(length)) else { return nil }
            key = Array(bytes)
        }
        if flags & hashFlag != 0 {
            guard let hash = reader.take(UInt32.self) else { return nil }
            partitionHash = hash
        }
        var topic: String
        if var known = knownTopic, known.withUTF8({ $0.elementsEqual(topicBytes) }) {
            topic = known
        } else {
            topic = String(decoding: topicBytes, as: UTF8.self)
        }
        return OutboundRecord(
            topic: topic, key: key, partitionHash: partitionHash, timestampMs: Int64(bitPattern: timestamp),
            valueOffset: reader.at)
    }

    /// Little-endian fields taken one after another.
    private struct Reader {
        let raw: UnsafeRawBufferPointer
        var at = 0

        @inline(__always)
        mutating func take<T: FixedWidthInteger>(_: T.Type) -> T? {
            guard raw.count - at >= MemoryLayout<T>.size else { return nil }
            defer { at += MemoryLayout<T>.size }
            return T(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: T.self))
        }

        @inline(__always)
        mutating func bytes(_ count: Int) -> UnsafeRawBufferPointer? {
            guard raw.count - at >= count else { return nil }
            defer { at += count }
            return UnsafeRawBufferPointer(rebasing: raw[at..<(at + count)])
        }
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        for i in 0..<MemoryLayout<T>.size { out.append(UInt8(truncatingIfNeeded: value >> (8 * i))) }
    }
}
