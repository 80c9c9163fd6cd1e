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

/// A destination for events. Called from the publish thread only.
public protocol Output: AnyObject {
    /// The Beats output type name (`console`, `file`, `kafka`).
    var typeName: String { get }
    /// Encodes and writes a batch of events.
    func publish(_ events: [Event]) throws(OutputError) -> PublishReport
    /// Writes anything buffered.
    func flush() throws(OutputError)
    /// Flushes and releases resources.
    func close() throws(OutputError)
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
