// What a stream consumer receives: the lifecycle of one direction of a TCP connection.
//
// RFC 9293 §3.4 makes a TCP stream an ordered sequence of octets; §3.6 closes each direction separately
// with FIN and §3.5.3 aborts both with RST. A passive observer sees that same sequence with holes where
// the capture lost segments, so a direction reads as: any number of `data` and `gap` chunks, then exactly
// one `end`. Nothing is delivered after `end`.

/// One step of a direction's byte stream, in sequence order.
///
/// `data` borrows its bytes for the duration of the callback only: they belong either to the packet
/// being processed or to the reassembler's out-of-order storage, and are reused right after. A consumer
/// that needs bytes later copies the unfinished part itself (the dissector contract's `StreamBuffer`).
public enum StreamChunk {
    /// The next bytes of the stream, lent for the callback.
    case data(UnsafeRawBufferPointer)
    /// This many bytes of the stream were lost (never captured); the next chunk follows them.
    case gap(Int)
    /// The direction is over; nothing follows.
    case end(StreamEndReason)
}

/// Why a direction of a connection stopped delivering bytes.
public enum StreamEndReason: String, Sendable, Hashable, CaseIterable {
    /// The sender closed the direction with FIN and every byte before it was delivered or reported as a
    /// gap (RFC 9293 §3.6).
    case fin = "fin"
    /// A RST aborted the connection (RFC 9293 §3.5.3); out-of-order bytes still held were discarded, as
    /// the receiving TCP itself flushes its queues on reset.
    case rst = "rst"
    /// No packets for the tracker's idle timeout.
    case timeout = "timeout"
    /// The capture ended (end of file, or shutdown) with the connection still open.
    case endOfCapture = "end_of_capture"
    /// The tracker dropped the connection: its table was full, or a new connection reused the same
    /// addresses and ports.
    case evicted = "evicted"
}

/// Which way bytes travel on a connection whose roles are known.
public enum StreamDirection: UInt8, Sendable, Hashable, CaseIterable {
    /// From the client (the side that opened the connection) to the server.
    case clientToServer = 0
    /// From the server to the client.
    case serverToClient = 1

    /// The reverse direction.
    @inlinable public var reversed: StreamDirection { self == .clientToServer ? .serverToClient : .clientToServer }
}
