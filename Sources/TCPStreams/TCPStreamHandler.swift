// The consumer side of connection tracking: what a stream dissector registry implements.
//
// A connection has a client (the side that sent the first SYN, RFC 9293 §3.5 "active open") and a server
// ("passive open"). When the handshake was not captured the roles are guessed; `RoleEvidence` says how,
// so a consumer can weigh the guess (for example, a TLS dissector can swap its expectations when the
// first bytes it sees from the "client" are a ServerHello).

import NetModel

/// How the tracker decided which endpoint is the client.
public enum RoleEvidence: UInt8, Sendable, Hashable {
    /// A SYN without ACK was seen: its sender is the client (RFC 9293 §3.5).
    case syn
    /// Only the SYN-ACK was seen: its receiver is the client.
    case synAck
    /// No handshake; exactly one port is below 1024 (IANA system ports), and that side is the server.
    case wellKnownPort
    /// No handshake and no port hint: the sender of the first segment seen is taken as the client.
    case firstSender
}

/// What a handler learns when a connection is first seen.
public struct ConnectionInfo: Hashable, Sendable {
    /// The connection's canonical key (both directions share it).
    public var key: FlowKey
    /// The endpoint that opened the connection (or is believed to have; see `roleEvidence`).
    public var client: Endpoint
    /// The endpoint that accepted it.
    public var server: Endpoint
    /// Which canonical side of `key` the client is.
    public var clientSide: FlowSide
    /// How the roles were decided.
    public var roleEvidence: RoleEvidence
    /// Capture time of the first packet of the connection.
    public var firstSeen: Timestamp

    /// Connection details as the tracker builds them.
    public init(key: FlowKey, clientSide: FlowSide, roleEvidence: RoleEvidence, firstSeen: Timestamp) {
        self.key = key
        self.clientSide = clientSide
        self.client = key.endpoint(clientSide)
        self.server = key.endpoint(clientSide.opposite)
        self.roleEvidence = roleEvidence
        self.firstSeen = firstSeen
    }

    /// The direction of a packet sent by canonical side `sender`.
    @inlinable
    public func direction(from sender: FlowSide) -> StreamDirection {
        sender == clientSide ? .clientToServer : .serverToClient
    }
}

/// Whether a handler wants more of a connection's bytes.
public enum StreamInterest: Sendable, Hashable {
    /// Keep delivering.
    case more
    /// Stop delivering chunks for this connection (both directions) and stop storing its out-of-order
    /// bytes; the tracker keeps following the lifecycle and still calls `close` at the end.
    case done
}

/// Receives reassembled connections from a `TCPConnectionTracker`.
///
/// The tracker is generic over its handler, so every call is statically dispatched: a registry of
/// dissectors implements this once with an enum `State` (a case per protocol), not one existential per
/// connection. Calls for one connection arrive in this order: `open`, then `receive` for each chunk of
/// either direction (each direction's chunks in stream order, ending with one `end`), then `close`.
public protocol TCPStreamHandler {
    /// Per-connection state, owned by the tracker and lent to the handler for each call.
    associatedtype State

    /// A new connection; return nil when it is of no interest (the tracker then follows its lifecycle
    /// without reassembling or delivering anything, and never calls `receive` or `close` for it).
    mutating func open(connection: ConnectionInfo) -> State?

    /// The next chunk of one direction. `data` bytes are lent for the call only.
    mutating func receive(
        _ chunk: StreamChunk, from direction: StreamDirection, at timestamp: Timestamp, state: inout State
    ) -> StreamInterest

    /// The connection is over (both directions ended by FIN, a RST, or the tracker's decision); the state
    /// is dropped after this call.
    mutating func close(state: inout State, reason: StreamEndReason, at timestamp: Timestamp)
}
