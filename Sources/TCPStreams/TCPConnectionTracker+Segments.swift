// Per-packet work of the connection tracker: roles, the acknowledgment rule, delivery and closing.
//
// RFC 9293 §3.5 gives the roles (the SYN without ACK comes from the client); §3.4 the acknowledgment rule
// (an ACK from one side covers every byte of the other side before it); §3.5.3 RST; §3.6 FIN. When no
// handshake was captured, the IANA system-port range of RFC 6335 §6 (0–1023) is used as a hint: a server
// far more often listens on a system port than a client sends from one.

import NetModel
import PacketDecoding

extension TCPConnectionTracker {
    /// Ports below this are IANA system ports (RFC 6335 §6), used as the server hint without a handshake.
    static var systemPortBound: UInt16 { 1024 }

    /// Decides which side is the client from the first packet of a connection.
    static func roles(sender: FlowSide, flags: TCPFlags, srcPort: UInt16, dstPort: UInt16) -> (FlowSide, RoleEvidence) {
        if flags.contains(.syn) {
            return flags.contains(.ack) ? (sender.opposite, .synAck) : (sender, .syn)
        }
        let srcIsSystem = srcPort < systemPortBound
        let dstIsSystem = dstPort < systemPortBound
        if srcIsSystem != dstIsSystem {
            return (srcIsSystem ? sender.opposite : sender, .wellKnownPort)
        }
        return (sender, .firstSender)
    }

    /// True for a fresh SYN on a tuple whose current connection already carried data or a FIN: the
    /// addresses and ports were reused by a new connection. (Inlined, like `sharedLimit`: called from a
    /// mutating method, a non-mutating one that is not inlined gets a copy of the whole tracker.)
    @inline(__always)
    func startsNewIncarnation(_ number: Int, sender: FlowSide, tcp: TCPHeader) -> Bool {
        guard tcp.flags.contains(.syn), !tcp.flags.contains(.ack), table.slots[number].carried else { return false }
        let retransmitted =
            sender == table.slots[number].info.clientSide
            && table.slots[number].client.initialSequence == SequenceNumber(tcp.seq)
        return !retransmitted
    }

    /// Adds a connection (evicting the least recently active one when the table is full) and asks the
    /// handler whether it wants it.
    mutating func open(key: FlowKey, sender: FlowSide, packet: DecodedPacket) -> Int {
        if table.count >= limits.maxConnections, table.oldest >= 0 {
            tally.connectionsEvicted += 1
            close(table.oldest, reason: .evicted, at: packet.timestamp)
        }
        let (clientSide, evidence) = Self.roles(
            sender: sender, flags: packet.tcp.flags, srcPort: packet.srcPort, dstPort: packet.dstPort)
        let info = ConnectionInfo(key: key, clientSide: clientSide, roleEvidence: evidence, firstSeen: packet.timestamp)
        let number = table.insert(ConnectionSlot(info: info, limits: limits.stream, lastSeen: packet.timestamp))
        if number == states.count { states.append(nil) }
        tally.connectionsOpened += 1
        states[number] = handler.open(connection: info)
        if states[number] == nil {
            tally.connectionsIgnored += 1
            table.slots[number].stopDelivering()
        }
        return number
    }

    /// Feeds one segment to its connection: first the acknowledgment to the opposite direction (what it
    /// acknowledges happened before it was sent), then the segment to its own direction, then RST to
    /// both; closes the connection when both directions have ended.
    mutating func handleSegment(
        _ number: Int, sender: FlowSide, tcp: TCPHeader, payload: UnsafeRawBufferPointer, at time: Timestamp
    ) {
        let direction = table.slots[number].info.direction(from: sender)
        let flags = tcp.flags
        if !payload.isEmpty || flags.contains(.fin) { table.slots[number].carried = true }
        let wasDelivering = table.slots[number].delivering
        guard wasDelivering else {
            Self.follow(&table.slots[number], direction, tcp: tcp, payload: payload, at: time)
            closeIfEnded(number, at: time)
            return
        }
        let bufferedBefore = table.slots[number].bufferedBytes

        if flags.contains(.ack) && !flags.contains(.rst) {
            Self.feed(&table.slots[number], direction.reversed, at: time, handler: &handler, state: &states[number]) {
                slot, sink in slot[direction.reversed].noteAcknowledged(upTo: tcp.ack, deliver: sink)
            }
        }
        let shared = sharedLimit(number, direction: direction)
        Self.feed(&table.slots[number], direction, at: time, handler: &handler, state: &states[number]) {
            slot, sink in
            slot[direction].receive(
                seq: tcp.seq, flags: flags, payload: payload, timestamp: time, sharedLimit: shared, deliver: sink)
        }
        if flags.contains(.rst) {
            // RST aborts the whole connection (§3.5.3): the other direction ends too, its queue flushed.
            Self.feed(&table.slots[number], direction.reversed, at: time, handler: &handler, state: &states[number]) {
                slot, sink in slot[direction.reversed].reset(deliver: sink)
            }
        }

        bufferedBytes += table.slots[number].bufferedBytes - bufferedBefore
        if !table.slots[number].delivering { account(number) }
        closeIfEnded(number, at: time)
    }

    /// `handleSegment` for a connection whose chunks nobody wants (declined, or finished with): the same calls
    /// on the two reassemblers, in the same order, with the chunks dropped at once rather than offered to the
    /// handler. Such a connection stores nothing (`ConnectionSlot.stopDelivering`), so there is no shared
    /// limit to work out. This is the path of most packets (bulk data after a handshake), and it skips the
    /// per-call closures, the direction subscript and the handler's bookkeeping.
    @inline(__always)
    static func follow(
        _ slot: inout ConnectionSlot, _ direction: StreamDirection, tcp: TCPHeader, payload: UnsafeRawBufferPointer,
        at time: Timestamp
    ) {
        let flags = tcp.flags
        let drop: (StreamChunk) -> Void = { _ in }
        if direction == .clientToServer {
            if flags.contains(.ack) && !flags.contains(.rst) { slot.server.noteAcknowledged(upTo: tcp.ack, deliver: drop) }
            slot.client.receive(seq: tcp.seq, flags: flags, payload: payload, timestamp: time, sharedLimit: 0, deliver: drop)
            if flags.contains(.rst) { slot.server.reset(deliver: drop) }
        } else {
            if flags.contains(.ack) && !flags.contains(.rst) { slot.client.noteAcknowledged(upTo: tcp.ack, deliver: drop) }
            slot.server.receive(seq: tcp.seq, flags: flags, payload: payload, timestamp: time, sharedLimit: 0, deliver: drop)
            if flags.contains(.rst) { slot.client.reset(deliver: drop) }
        }
    }

    /// Closes the connection once both directions have ended.
    @inline(__always)
    mutating func closeIfEnded(_ number: Int, at time: Timestamp) {
        let client = table.slots[number].client.phase
        let server = table.slots[number].server.phase
        if case .ended(let clientReason) = client, case .ended(let serverReason) = server {
            close(number, reason: clientReason == .rst || serverReason == .rst ? .rst : .fin, at: time)
        }
    }

    /// How many out-of-order bytes `direction` of a connection may hold, given what the other direction
    /// and all other connections hold.
    @inline(__always)
    func sharedLimit(_ number: Int, direction: StreamDirection) -> Int {
        let clientHeld = table.slots[number].client.bufferedBytes
        let serverHeld = table.slots[number].server.bufferedBytes
        let own = direction == .clientToServer ? clientHeld : serverHeld
        let other = direction == .clientToServer ? serverHeld : clientHeld
        let perConnection = limits.maxBufferedBytesPerConnection - other
        let total = limits.maxBufferedBytesTotal - (bufferedBytes - own)
        return max(0, min(perConnection, total))
    }

    /// Ends a connection: flushes and ends each open direction with `reason`, calls the handler's
    /// `close`, and frees the slot (unless `leavingTheTable`: the caller empties the whole table next).
    mutating func close(_ number: Int, reason: StreamEndReason, at time: Timestamp, leavingTheTable: Bool = false) {
        let wasDelivering = table.slots[number].delivering
        bufferedBytes -= table.slots[number].bufferedBytes
        Self.feed(&table.slots[number], .clientToServer, at: time, handler: &handler, state: &states[number]) {
            slot, sink in slot.client.finish(reason, deliver: sink)
        }
        Self.feed(&table.slots[number], .serverToClient, at: time, handler: &handler, state: &states[number]) {
            slot, sink in slot.server.finish(reason, deliver: sink)
        }
        if wasDelivering { account(number) }
        if states[number] != nil {
            handler.close(state: &states[number]!, reason: reason, at: time)
            states[number] = nil
        }
        if !leavingTheTable { table.remove(number) }
        tally.connectionsClosed += 1
    }

    /// Adds what a connection's two directions counted to the tracker's tally, when it stops delivering.
    mutating func account(_ number: Int) {
        tally.streams.add(table.slots[number].client.counters)
        tally.streams.add(table.slots[number].server.counters)
    }

    /// Runs `body` on a slot with a sink that forwards chunks of `direction` to the handler while it wants
    /// them; a handler answering `.done` stops delivery (and storage) for the whole connection.
    ///
    /// Static, with everything passed `inout`, so that the slot, the handler and the state are distinct
    /// accesses: the sink may call the handler while the reassembler inside the slot is being mutated.
    @inline(__always)
    static func feed(
        _ slot: inout ConnectionSlot, _ direction: StreamDirection, at time: Timestamp,
        handler: inout Handler, state: inout Handler.State?,
        _ body: (inout ConnectionSlot, (StreamChunk) -> Void) -> Void
    ) {
        var wanted = slot.delivering
        body(&slot) { chunk in
            guard wanted else { return }
            if handler.receive(chunk, from: direction, at: time, state: &state!) == .done { wanted = false }
        }
        if slot.delivering && !wanted { slot.stopDelivering() }
    }
}
