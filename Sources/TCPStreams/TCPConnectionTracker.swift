// Follows TCP connections in both directions and hands their reassembled streams to a handler.
//
// Implements the connection-level lifecycle of RFC 9293 as a passive observer sees it: §3.5 (the SYN
// without ACK comes from the active opener, the client), §3.6 (each direction closes with its own FIN;
// the connection is over when both have), §3.5.3 (RST aborts both directions at once), and §3.4 (an
// acknowledgment covers every byte before it, which tells the observer which bytes it missed). A tuple
// reused by a new connection (§3.4.3 "quiet time" is the sender's concern, not the observer's) is
// recognised by a fresh SYN after the old incarnation carried data.
//
// Lifecycle of a table entry: created by the first SYN or data-carrying segment of an unknown tuple (a
// pure ACK, FIN or RST alone never creates one, so the last ACK of a closed connection does not resurrect
// it); removed when both directions ended by FIN, on RST, when idle for `idleTimeout` (`expire(now:)`),
// when the table is full and it is the least recently active (`.evicted`), when a new SYN replaces it
// (`.evicted`), or at `finishAll`.
//
// A payload cut short by the snapshot length (`DecodedPacket.truncated`) is taken as captured: the bytes
// the capture missed become a hole that the peer's acknowledgment (or a storage bound) later reports as a
// gap. `DecodedPacket` does not carry the segment's declared length, so the hole cannot be reported at once.

import NetModel
import PacketDecoding

/// A table of TCP connections, each reassembled in both directions and delivered to `Handler`.
///
/// Generic over the handler so that per-packet calls are direct. One tracker belongs to one packet
/// worker; it is not thread-safe and needs not be.
public struct TCPConnectionTracker<Handler: TCPStreamHandler> {
    /// The consumer; owned by the tracker so that its calls need no indirection.
    public var handler: Handler
    /// The bounds in force.
    public let limits: ConnectionLimits
    /// What the tracker did so far, including summed stream counters of connections the handler wanted (while
    /// it wanted them). Sums the live connections' streams on each call: read it for reports, not per packet.
    public var counters: TrackerCounters {
        var total = tally
        var number = table.oldest
        while number >= 0 {
            if table.slots[number].delivering {
                total.streams.add(table.slots[number].client.counters)
                total.streams.add(table.slots[number].server.counters)
            }
            number = table.slots[number].newer
        }
        return total
    }
    /// The connection counters, and the stream counters of connections no longer delivering (closed, declined or
    /// finished with), taken when they stopped: live connections keep their own until then, so that a packet
    /// costs no counter arithmetic.
    var tally = TrackerCounters()
    /// Out-of-order bytes held by all connections together.
    public internal(set) var bufferedBytes = 0

    /// Connection slots, their key index and activity order.
    var table = ConnectionTable()
    /// Handler state per slot number; nil for free slots and declined connections.
    var states: [Handler.State?] = []

    /// A tracker with an empty table.
    public init(handler: Handler, limits: ConnectionLimits = .default) {
        precondition(limits.maxConnections > 0, "a tracker must be able to hold at least one connection")
        self.handler = handler
        self.limits = limits
    }

    /// Connections tracked now.
    public var connectionCount: Int { table.count }

    /// The details of the tracked connection with `key`, if any.
    public func connectionInfo(for key: FlowKey) -> ConnectionInfo? {
        table.find(key).map { table.slots[$0].info }
    }

    /// Processes one decoded packet; packets other than TCP are ignored.
    public mutating func process(_ packet: DecodedPacket) {
        guard packet.transport == .tcp else { return }
        let flow = FlowKey.make(
            src: packet.src, srcPort: packet.srcPort, dst: packet.dst, dstPort: packet.dstPort,
            ipProtocol: IPProtocolNumber.tcp, vlans: packet.vlans)
        let flags = packet.tcp.flags
        let number: Int
        if let existing = table.find(flow.key) {
            if startsNewIncarnation(existing, sender: flow.sender, tcp: packet.tcp) {
                tally.connectionsReplaced += 1
                close(existing, reason: .evicted, at: packet.timestamp)
                number = open(key: flow.key, sender: flow.sender, packet: packet)
            } else {
                number = existing
            }
        } else {
            guard !flags.contains(.rst), flags.contains(.syn) || !packet.payload.isEmpty else { return }
            number = open(key: flow.key, sender: flow.sender, packet: packet)
        }
        table.touch(number, at: packet.timestamp)
        handleSegment(number, sender: flow.sender, tcp: packet.tcp, payload: packet.payload, at: packet.timestamp)
    }

    /// Ends every connection that has seen no packet for `limits.idleTimeout` of capture time before
    /// `now`, with reason `.timeout`. Cost is proportional to the connections ended.
    ///
    /// Connections are visited in order of their latest packet's arrival; if capture timestamps run
    /// backwards (merged interfaces), a connection behind a more recently stamped one waits for a later call.
    public mutating func expire(now: Timestamp) {
        while table.oldest >= 0 {
            let oldest = table.oldest
            guard now - table.slots[oldest].lastSeen >= limits.idleTimeout else { break }
            tally.connectionsTimedOut += 1
            close(oldest, reason: .timeout, at: now)
        }
    }

    /// Ends every connection, least recently active first: held bytes are flushed with gaps, then each
    /// open direction ends with `reason` and the handler's `close` is called.
    public mutating func finishAll(reason: StreamEndReason = .endOfCapture) {
        var number = table.oldest
        while number >= 0 {
            let newer = table.slots[number].newer
            close(number, reason: reason, at: table.slots[number].lastSeen, leavingTheTable: true)
            number = newer
        }
        table.removeAll()
        states.removeAll()
    }
}
