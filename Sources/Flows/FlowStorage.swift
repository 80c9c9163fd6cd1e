// Slot storage of the flow table: an array of trivial records reused through a free list, the
// open-addressing `FlowSlotIndex` from key to slot, and a creation-order list threaded through the records.
// A packet of a known flow costs one index probe and one record update; nothing is allocated.

import NetModel
import PacketDecoding

extension FlowTable {
    mutating func insert(key: FlowKey, hash: UInt64, sender: FlowSide, packet: DecodedPacket) -> Int32 {
        var record = FlowRecord(
            key: key, hash: hash, sourceSide: sender, created: packet.timestamp, lastSeen: packet.timestamp,
            hasMACs: packet.hasSourceMAC && packet.hasDestinationMAC,
            sourceMAC: packet.srcMAC, destinationMAC: packet.dstMAC)
        if packet.transport == .icmpv4 || packet.transport == .icmpv6 {
            record.icmpType = packet.icmpType
            record.icmpCode = packet.icmpCode
        }
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
            records[Int(slot)] = record
        } else {
            slot = Int32(records.count)
            records.append(record)
        }
        index.insert(slot: slot, hash: hash)
        records[Int(slot)].orderPrev = orderTail
        if orderTail >= 0 { records[Int(orderTail)].orderNext = slot } else { orderHead = slot }
        orderTail = slot
        counters.created += 1
        return slot
    }

    mutating func remove(_ slot: Int32) {
        let prev = records[Int(slot)].orderPrev, next = records[Int(slot)].orderNext
        if prev >= 0 { records[Int(prev)].orderNext = next } else { orderHead = next }
        if next >= 0 { records[Int(next)].orderPrev = prev } else { orderTail = prev }
        index.remove(slot: slot, hash: records[Int(slot)].hash)
        freeSlots.append(slot)
        if lastSlot == slot { lastSlot = -1 }
        counters.ended += 1
    }

    /// Removes every flow at once (the end of a capture): one flow at a time, each removal would probe the
    /// index at random, a cache miss per flow on a large table.
    mutating func removeAll() {
        counters.ended += index.count
        records = []
        freeSlots = []
        index = FlowTable.emptyIndex(settings)
        orderHead = -1
        orderTail = -1
        lastSlot = -1
    }

    mutating func update(_ slot: Int32, sender: FlowSide, packet: DecodedPacket) {
        let i = Int(slot)
        if packet.timestamp > records[i].lastSeen { records[i].lastSeen = packet.timestamp }
        let bytes = UInt64(packet.accountedBytes > 0 ? packet.accountedBytes : packet.wireLength)
        let frames = UInt64(max(1, packet.accountedFrames))
        if sender == records[i].sourceSide {
            records[i].packets.source &+= frames
            records[i].bytes.source &+= bytes
        } else {
            records[i].packets.destination &+= frames
            records[i].bytes.destination &+= bytes
            if records[i].firstResponsePayload == .zero, packet.payload.count > 0,
                packet.transport == .tcp || packet.transport == .udp
            {
                records[i].firstResponsePayload = packet.timestamp
            }
        }
        if packet.transport == .tcp {
            if packet.tcp.flags.contains(.rst) { records[i].rstSeen = true }
            if packet.tcp.flags.contains(.fin) { records[i].finSeen = true }
        }
    }

    /// Makes room when the table is full: the least recently active `FlowLimits.evictionFraction` of the
    /// flows (at least one) are reported final with reason `evicted` and removed, in one pass. Evicting in
    /// batches keeps the cost per new flow constant without a recency list touched on every packet.
    mutating func evict<Sink: FlowReportSink>(into sink: inout Sink) {
        let n = max(1, index.count / FlowLimits.evictionFraction)
        var candidates: [(lastSeen: Timestamp, slot: Int32)] = []
        candidates.reserveCapacity(index.count)
        var slot = orderHead
        while slot >= 0 {
            candidates.append((records[Int(slot)].lastSeen, slot))
            slot = records[Int(slot)].orderNext
        }
        candidates.sort { $0.lastSeen != $1.lastSeen ? $0.lastSeen < $1.lastSeen : $0.slot < $1.slot }
        for c in candidates.prefix(n) {
            report(c.slot, at: clock, final: true, reason: .evicted, into: &sink)
            remove(c.slot)
            counters.evicted += 1
        }
    }
}
