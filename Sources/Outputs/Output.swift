// The output boundary of the publish path and the codecs the local outputs share.

import Events

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How events become bytes (`output.*.codec`).
public enum OutputCodec: Sendable {
    /// `codec.json` (the default): one JSON document per event.
    case json(JSONEventEncoder)
    /// `codec.format.string`: the rendered format string, no JSON.
    case format(FormatString)

    /// The JSON encoder of `codec.json`, nil for a format string. Callers that encode many events keep it: taking
    /// it out of the enum per event copied it (a retain and a release of its strings).
    public var jsonEncoder: JSONEventEncoder? {
        if case .json(let encoder) = self { return encoder }
        return nil
    }

    /// Appends the encoded event to `out`; returns false when the event cannot be encoded (a format string
    /// referencing a missing field), which outputs count as dropped.
    public func encode(_ event: Event, into out: inout [UInt8]) -> Bool {
        switch self {
        case .json(let encoder):
            encoder.encode(event, into: &out)
            return true
        case .format(let format):
            guard let text = try? format.render(event) else { return false }
            out.append(contentsOf: text.utf8)
            return true
        }
    }
}

/// What an output did with a batch.
public struct PublishReport: Sendable, Equatable {
    /// Events written (for local outputs) or acknowledged by the broker.
    public var acked: Int
    /// Events that could not be encoded or were refused for good, with the reason counted by the output.
    public var dropped: Int

    public init(acked: Int = 0, dropped: Int = 0) {
        self.acked = acked
        self.dropped = dropped
    }
}

/// An output failure. `isPermanent` means the output cannot continue (its stream is closed).
public struct OutputError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public let isPermanent: Bool
    public init(_ message: String, isPermanent: Bool = false) {
        self.message = message
        self.isPermanent = isPermanent
    }
    public var description: String { message }
}

/// A batch encoded for an output: the records in the batch's order, and the events that could not be encoded.
/// Encoding is the costly half of publishing and needs none of the output's state, so the publisher encodes
/// batches on several threads at once and writes them one at a time, in order.
public struct EncodedBatch: Sendable {
    /// One encoded record per event that could be encoded, in order.
    public var records: [[UInt8]]
    /// The events that could not be encoded.
    public var drops: [EncodeDrop]
    /// The events themselves, for an output without a separate encoding step (the default `encode`).
    public var events: [Event]

    public init(records: [[UInt8]] = [], drops: [EncodeDrop] = [], events: [Event] = []) {
        self.records = records
        self.drops = drops
        self.events = events
    }

    /// Appends `other`'s records, drops and events after this batch's.
    public mutating func append(_ other: EncodedBatch) {
        records.append(contentsOf: other.records)
        drops.append(contentsOf: other.drops)
        events.append(contentsOf: other.events)
    }
}

/// An event an output could not encode: why (a name of the output's choosing, counted by it) and a line for
/// the log.
public struct EncodeDrop: Sendable, Equatable {
    public var reason: String
    public var detail: String

    public init(reason: String, detail: String) {
        self.reason = reason
        self.detail = detail
    }
}

/// A destination for events. `encode` may be called from several publish threads at once; `publish`,
/// `write`, `flush` and `close` are called by one thread at a time, for batches in order.
public protocol Output: AnyObject {
    /// The Beats output type name (`console`, `file`, `kafka`).
    var typeName: String { get }
    /// Encodes and writes a batch of events.
    func publish(_ events: [Event]) throws(OutputError) -> PublishReport
    /// Encodes a batch without touching the output's mutable state.
    func encode(_ events: [Event]) -> EncodedBatch
    /// Writes a batch `encode` made.
    func write(_ batch: EncodedBatch) throws(OutputError) -> PublishReport
    /// Writes anything buffered.
    func flush() throws(OutputError)
    /// Flushes and releases resources.
    func close() throws(OutputError)
}

extension Output {
    /// Without a separate encoding step, the events travel as they are and `write` publishes them.
    public func encode(_ events: [Event]) -> EncodedBatch { EncodedBatch(events: events) }

    public func write(_ batch: EncodedBatch) throws(OutputError) -> PublishReport { try publish(batch.events) }
}

extension EncodedBatch {
    /// A batch of `events`, each encoded by `encode`: it appends the record to the empty buffer it is lent and
    /// returns nil, or returns why the event cannot be encoded.
    public init(encoding events: [Event], _ encode: (Event, inout [UInt8]) -> EncodeDrop?) {
        self.init()
        records.reserveCapacity(events.count)
        var buffer: [UInt8] = []
        // By index: each event is lent to `encode` where it lies, not copied out (a retain and a release of
        // its trees per event).
        for index in events.indices {
            buffer.removeAll(keepingCapacity: true)
            if let drop = encode(events[index], &buffer) { drops.append(drop) } else { records.append(buffer) }
        }
    }
}

extension OutputCodec {
    /// Encodes each event as one line (the codec's bytes and a newline); events the codec refuses are dropped
    /// with reason `encoding`.
    public func encodeLines(_ events: [Event]) -> EncodedBatch {
        if let json = jsonEncoder {
            return EncodedBatch(encoding: events) { event, line in
                json.encode(event, into: &line)
                line.append(0x0a)
                return nil
            }
        }
        return EncodedBatch(encoding: events) { event, line in
            guard encode(event, into: &line) else {
                return EncodeDrop(reason: "encoding", detail: "the codec could not encode the event")
            }
            line.append(0x0a)
            return nil
        }
    }
}

/// Writes all of `bytes` to `fd`, retrying on EINTR/EAGAIN; EPIPE and other errors become `OutputError`.
func writeAll(fd: Int32, _ bytes: [UInt8], what: String) throws(OutputError) {
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { buf in
            write(fd, buf.baseAddress! + offset, buf.count - offset)
        }
        if n >= 0 {
            offset += n
            continue
        }
        let err = errno
        if err == EINTR || err == EAGAIN { continue }
        let text = String(cString: strerror(err))
        throw OutputError("writing to \(what) failed: \(text)", isPermanent: err == EPIPE || err == EBADF)
    }
}
