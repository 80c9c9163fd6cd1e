// The tracker's table of connections: slots reused through a free list, found by key, and kept on a
// least-recently-active list so eviction and idle expiry cost O(1) per connection.
//
// Nothing here follows an RFC; the bounds (`ConnectionLimits.maxConnections`, `idleTimeout`) are the
// observer's own, since a passive sensor cannot rely on connections ever closing cleanly (RFC 9293 §3.5
// lets a half-open connection linger indefinitely).

import NetModel

/// One tracked connection: its two directions and its table bookkeeping.
struct ConnectionSlot: Sendable {
    /// The connection's identity and roles.
    var info: ConnectionInfo
    /// Bytes from client to server.
    var client: StreamReassembler
    /// Bytes from server to client.
    var server: StreamReassembler
    /// Capture time of the latest packet (never moves backwards).
    var lastSeen: Timestamp
    /// True while the handler wants chunks; false for declined or finished-with connections.
    var delivering: Bool
    /// True once either direction carried payload or a FIN: a later fresh SYN is then a new connection.
    var carried = false
    /// Neighbour toward the least recently active end of the activity list, or -1.
    var older = -1
    /// Neighbour toward the most recently active end, or -1.
    var newer = -1

    init(info: ConnectionInfo, limits: StreamLimits, lastSeen: Timestamp) {
        self.info = info
        self.client = StreamReassembler(limits: limits)
        self.server = StreamReassembler(limits: limits)
        self.lastSeen = lastSeen
        self.delivering = true
    }

    /// Stops storing out-of-order bytes: with no storage, a hole is declared lost as soon as later data
    /// arrives, so the lifecycle (FIN, RST) is still followed without copying anything.
    mutating func stopDelivering() {
        delivering = false
        for direction in StreamDirection.allCases {
            self[direction].discardBuffered()
            self[direction].limits.maxBufferedBytes = 0
            self[direction].limits.maxBufferedSegments = 0
        }
    }

    /// The reassembler of `direction`.
    subscript(direction: StreamDirection) -> StreamReassembler {
        _read {
            if direction == .clientToServer { yield client } else { yield server }
        }
        _modify {
            if direction == .clientToServer { yield &client } else { yield &server }
        }
    }

    /// Out-of-order bytes both directions hold.
    var bufferedBytes: Int { client.bufferedBytes + server.bufferedBytes }
}

/// Connection slots with a key index, a free list and an activity-ordered list.
struct ConnectionTable: Sendable {
    /// Slots by number; a slot on the free list holds a released placeholder.
    var slots: [ConnectionSlot] = []
    /// Slot number of each tracked connection, by key.
    var index = FlowSlotIndex(capacity: 1024)
    /// Slots ready for reuse.
    var free: [Int] = []
    /// The least recently active connection, or -1.
    var oldest = -1
    /// The most recently active connection, or -1.
    var newest = -1

    /// Connections tracked now.
    var count: Int { index.count }

    /// Adds a connection as the most recently active; returns its slot number.
    mutating func insert(_ slot: ConnectionSlot) -> Int {
        let number: Int
        if let reused = free.popLast() {
            number = reused
            slots[number] = slot
        } else {
            number = slots.count
            slots.append(slot)
        }
        index.insert(slot: Int32(number), hash: FlowSlotIndex.hash(slot.info.key))
        link(number)
        return number
    }

    /// Removes a connection and releases its storage.
    mutating func remove(_ number: Int) {
        unlink(number)
        index.remove(slot: Int32(number), hash: FlowSlotIndex.hash(slots[number].info.key))
        slots[number].client = StreamReassembler()
        slots[number].server = StreamReassembler()
        free.append(number)
    }

    /// Removes every connection at once (one at a time, each removal probes the index at random).
    mutating func removeAll() {
        self = ConnectionTable()
    }

    /// The slot number of the connection with `key`, if it is tracked.
    @inline(__always)
    func find(_ key: FlowKey) -> Int? {
        index.find(hash: FlowSlotIndex.hash(key)) { slots[Int($0)].info.key == key }.map(Int.init)
    }

    /// Marks a connection as the most recently active.
    ///
    /// Every packet does this, so the slots are reached through one buffer pointer: each `slots[i].x = …` is
    /// otherwise a uniqueness check of the array, about half of the cost.
    mutating func touch(_ number: Int, at time: Timestamp) {
        precondition(number >= 0 && number < slots.count, "no such connection slot")
        var ends = (oldest: oldest, newest: newest)
        slots.withUnsafeMutableBufferPointer { s in
            if time > s[number].lastSeen { s[number].lastSeen = time }
            guard number != ends.newest else { return }
            Self.unlink(number, in: s, ends: &ends)
            Self.link(number, in: s, ends: &ends)
        }
        (oldest, newest) = ends
    }

    /// Appends a slot at the most recent end of the activity list.
    private mutating func link(_ number: Int) {
        var ends = (oldest: oldest, newest: newest)
        slots.withUnsafeMutableBufferPointer { Self.link(number, in: $0, ends: &ends) }
        (oldest, newest) = ends
    }

    /// Takes a slot out of the activity list.
    private mutating func unlink(_ number: Int) {
        var ends = (oldest: oldest, newest: newest)
        slots.withUnsafeMutableBufferPointer { Self.unlink(number, in: $0, ends: &ends) }
        (oldest, newest) = ends
    }

    // The list operations on the slots' buffer. Slot numbers on the list are valid indices by construction
    // (`insert` links only slots it placed; `remove` unlinks before freeing).

    @inline(__always)
    private static func link(
        _ number: Int, in s: UnsafeMutableBufferPointer<ConnectionSlot>, ends: inout (oldest: Int, newest: Int)
    ) {
        s[number].older = ends.newest
        s[number].newer = -1
        if ends.newest >= 0 { s[ends.newest].newer = number } else { ends.oldest = number }
        ends.newest = number
    }

    @inline(__always)
    private static func unlink(
        _ number: Int, in s: UnsafeMutableBufferPointer<ConnectionSlot>, ends: inout (oldest: Int, newest: Int)
    ) {
        let older = s[number].older
        let newer = s[number].newer
        if older >= 0 { s[older].newer = newer } else { ends.oldest = newer }
        if newer >= 0 { s[newer].older = older } else { ends.newest = older }
        s[number].older = -1
        s[number].newer = -1
    }
}
