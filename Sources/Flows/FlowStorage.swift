// Slot storage of the flow table: an array of records reused through a free list, a dictionary from key
// to slot, and two intrusive doubly linked lists threaded through the records by index (least recently
// seen, and creation order). Moving a flow to the recent end costs a few integer writes per packet.

import NetModel
import PacketDecoding

extension FlowTable {
    mutating func insert(key: FlowKey, sender: FlowSide, packet: DecodedPacket) -> Int32 {
        var record = FlowRecord(
            key: key, sourceSide: sender, created: packet.timestamp, lastSeen: packet.timestamp,
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
        index[key] = slot
        // Append to both lists.
        records[Int(slot)].lruPrev = lruTail
        if lruTail >= 0 { records[Int(lruTail)].lruNext = slot } else { lruHead = slot }
        lruTail = slot
        records[Int(slot)].orderPrev = orderTail
        if orderTail >= 0 { records[Int(orderTail)].orderNext = slot } else { orderHead = slot }
        orderTail = slot
        counters.created += 1
        return slot
    }

    mutating func remove(_ slot: Int32) {
        let r = records[Int(slot)]
        if r.lruPrev >= 0 { records[Int(r.lruPrev)].lruNext = r.lruNext } else { lruHead = r.lruNext }
        if r.lruNext >= 0 { records[Int(r.lruNext)].lruPrev = r.lruPrev } else { lruTail = r.lruPrev }
        if r.orderPrev >= 0 { records[Int(r.orderPrev)].orderNext = r.orderNext } else { orderHead = r.orderNext }
        if r.orderNext >= 0 { records[Int(r.orderNext)].orderPrev = r.orderPrev } else { orderTail = r.orderPrev }
        index[r.key] = nil
        records[Int(slot)].inUse = false
        records[Int(slot)].flowID = nil
        records[Int(slot)].communityID = nil
        freeSlots.append(slot)
        counters.ended += 1
    }

    /// Moves `slot` to the most recently seen end of the LRU list.
    mutating func touch(_ slot: Int32) {
        guard lruTail != slot else { return }
        let prev = records[Int(slot)].lruPrev, next = records[Int(slot)].lruNext
        if prev >= 0 { records[Int(prev)].lruNext = next } else { lruHead = next }
        if next >= 0 { records[Int(next)].lruPrev = prev }
        records[Int(slot)].lruPrev = lruTail
        records[Int(slot)].lruNext = -1
        if lruTail >= 0 { records[Int(lruTail)].lruNext = slot }
        lruTail = slot
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
            if records[i].firstResponsePayload == nil, packet.payload.count > 0,
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
}
