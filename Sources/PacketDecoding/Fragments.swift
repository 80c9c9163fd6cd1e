// IP fragment reassembly shared by IPv4 (RFC 791 section 3.2, RFC 815 hole tracking) and IPv6 (RFC 8200
// section 4.5, RFC 5722 overlapping fragments, RFC 6946 atomic fragments are handled by the caller).
//
// Bounded in every direction (see `DecoderLimits`): a fixed number of datagrams at once (a new one evicts
// the oldest), a fixed number of fragments per datagram, a byte budget across datagrams, and a timeout in
// capture time. Fragments may arrive in any order. An exact duplicate (same range, same bytes) is a
// retransmission and is ignored apart from being counted. Any other overlap is an attack or a bug: IPv6
// drops the whole datagram as RFC 5722 requires; IPv4 keeps the bytes that arrived first, as Linux does
// for IPv4 since it cannot know which copy the receiver kept, and the overlap is reported either way.
//
// The captured part of a fragment may be shorter than its declared part (snapshot length). Completion is
// judged on declared ranges, so the datagram is still counted; the reassembled payload then ends where
// the captured bytes first run out, and the packet is marked truncated.

import NetModel

/// One fragment handed to the table.
struct IncomingFragment {
    var key: FragmentKey
    /// Offset of this fragment's data in the fragmentable part, in bytes.
    var offset: Int
    /// Declared data length (from the IP header).
    var length: Int
    /// The captured data, at most `length` bytes.
    var data: UnsafeRawBufferPointer
    /// More-fragments flag clear.
    var isLast: Bool
    /// Transport protocol (IPv4 protocol, or the IPv6 Fragment header's next header).
    var ipProtocol: UInt8
    var ttl: UInt8
    var wireLength: Int
    var timestamp: Timestamp
}

/// A completed datagram; `bytes` lives in the table's buffer until the next fragment is added.
struct ReassembledDatagram {
    /// The contiguous captured prefix of the fragmentable part.
    var bytes: UnsafeRawBufferPointer
    /// The declared length of the fragmentable part.
    var length: Int
    var frames: Int
    var accountedBytes: Int
    var ipProtocol: UInt8
    var ttl: UInt8
}

/// What became of a fragment.
enum FragmentOutcome {
    /// Stored; the datagram is not complete yet. `overlapped`: it overlapped earlier data (IPv4 only).
    case held(overlapped: Bool)
    /// This fragment completed the datagram.
    case completed(ReassembledDatagram, overlapped: Bool)
    /// The fragment (and, for overlap, too-many and conflicting-end, its datagram) was dropped.
    case dropped(DecodeAnomaly)
}

/// The reassembly state of one decoder.
struct FragmentTable {
    let limits: DecoderLimits
    /// Created with the first fragment, so decoders that never see one pay nothing.
    private var storage: FragmentStorage?
    /// Datagrams in progress.
    private(set) var active = 0
    /// Sum of the slots' extents, checked against `limits.fragmentByteBudget`.
    private(set) var heldBytes = 0

    init(limits: DecoderLimits) { self.limits = limits }

    /// Returns storage that this value owns alone, creating or copying it as needed.
    private mutating func uniqueStorage() -> FragmentStorage {
        // Check uniqueness before binding the reference: a bound copy would itself count as a second owner.
        if storage != nil && isKnownUniquelyReferenced(&storage) { return storage! }
        let s =
            storage?.copy()
            ?? FragmentStorage(
                slotCount: limits.maxConcurrentReassemblies, rangesPerSlot: limits.maxFragmentsPerDatagram)
        storage = s
        return s
    }

    /// Adds a fragment whose length and offset the caller has already checked against the limits.
    mutating func add(_ f: IncomingFragment, counters: inout DecodeCounters) -> FragmentOutcome {
        let end = f.offset + f.length
        let capturedEnd = f.offset + f.data.count
        // Callers enforce the configured size limits; this guards the buffer whatever they did.
        guard f.offset >= 0, f.length >= 0, end <= DecoderLimits.reassemblyBufferCapacity, capturedEnd <= end else {
            return .dropped(.fragmentTooLarge)
        }
        let st = uniqueStorage()
        var index = find(f.key, in: st)
        if index >= 0 && f.timestamp - st.slots[index].firstSeen >= limits.fragmentTimeout {
            // Its timer ran out before this fragment arrived: the receiver has dropped it too.
            release(index, in: st)
            counters.fragmentSetsExpired &+= 1
            index = -1
        }
        if index < 0 { index = open(f.key, at: f.timestamp, in: st, counters: &counters) }

        let slot = st.slots + index
        let ranges = st.rangeBase(index)
        let buffer = st.buffer(index)

        if f.isLast {
            if (slot.pointee.totalLength >= 0 && slot.pointee.totalLength != end) || slot.pointee.extent > end {
                return drop(index, in: st, .fragmentConflictingEnd)
            }
        } else if slot.pointee.totalLength >= 0 && end > slot.pointee.totalLength {
            return drop(index, in: st, .fragmentConflictingEnd)
        }

        var overlapped = false
        for r in 0..<slot.pointee.rangeCount {
            let e = ranges[r]
            guard Int(e.start) < end && f.offset < Int(e.end) else { continue }
            if Int(e.start) == f.offset && Int(e.end) == end
                && sameBytes(buffer, f.data, from: f.offset, to: min(capturedEnd, Int(e.capturedEnd)))
            {
                slot.pointee.frames &+= 1
                slot.pointee.accountedBytes &+= f.wireLength
                return .held(overlapped: false)
            }
            overlapped = true
        }
        if overlapped {
            counters.fragmentOverlaps &+= 1
            if f.key.family == .ipv6 { return drop(index, in: st, .fragmentOverlap) }
        }
        if slot.pointee.rangeCount >= limits.maxFragmentsPerDatagram {
            return drop(index, in: st, .fragmentTooMany)
        }

        let growth = max(0, end - slot.pointee.extent)
        while heldBytes + growth > limits.fragmentByteBudget, evictOldest(except: index, in: st) {
            counters.fragmentSetsEvicted &+= 1
        }

        if overlapped {
            copyGaps(
                f.data, from: f.offset, to: capturedEnd, ranges: ranges, count: slot.pointee.rangeCount, into: buffer)
        } else if f.data.count > 0 {
            (buffer + f.offset).copyMemory(from: f.data.baseAddress!, byteCount: f.data.count)
        }
        insert(
            FragmentRange(start: Int32(f.offset), end: Int32(end), capturedEnd: Int32(capturedEnd)),
            into: ranges, count: &slot.pointee.rangeCount)
        slot.pointee.frames &+= 1
        slot.pointee.accountedBytes &+= f.wireLength
        slot.pointee.extent += growth
        heldBytes += growth
        if f.isLast { slot.pointee.totalLength = end }
        if f.offset == 0 {
            slot.pointee.firstProtocol = f.ipProtocol
            slot.pointee.firstTTL = f.ttl
        }

        let total = slot.pointee.totalLength
        guard total >= 0, let prefix = capturedPrefix(ranges, count: slot.pointee.rangeCount, total: total) else {
            return .held(overlapped: overlapped)
        }
        let datagram = ReassembledDatagram(
            bytes: UnsafeRawBufferPointer(start: buffer, count: min(prefix, total)),
            length: total, frames: slot.pointee.frames, accountedBytes: slot.pointee.accountedBytes,
            ipProtocol: slot.pointee.firstProtocol, ttl: slot.pointee.firstTTL)
        // The buffer is not touched again until a later fragment claims this slot, so `bytes` stays valid
        // for the caller's packet.
        release(index, in: st)
        counters.datagramsReassembled &+= 1
        return .completed(datagram, overlapped: overlapped)
    }

    /// Drops every datagram whose timeout has passed at capture time `now`.
    mutating func expire(now: Timestamp, counters: inout DecodeCounters) {
        guard active > 0 else { return }
        let st = uniqueStorage()
        for i in 0..<st.slotCount where st.slots[i].inUse {
            if now - st.slots[i].firstSeen >= limits.fragmentTimeout {
                release(i, in: st)
                counters.fragmentSetsExpired &+= 1
            }
        }
    }

    // MARK: - Slots

    private func find(_ key: FragmentKey, in st: FragmentStorage) -> Int {
        guard active > 0 else { return -1 }
        for i in 0..<st.slotCount where st.slots[i].inUse && st.slots[i].key == key { return i }
        return -1
    }

    /// Claims a free slot (the lowest, so the same few buffers are reused), evicting the oldest if full.
    private mutating func open(
        _ key: FragmentKey, at time: Timestamp, in st: FragmentStorage, counters: inout DecodeCounters
    ) -> Int {
        if active >= st.slotCount {
            _ = evictOldest(except: -1, in: st)
            counters.fragmentSetsEvicted &+= 1
        }
        var i = 0
        while st.slots[i].inUse { i += 1 }
        var slot = FragmentSlot()
        slot.inUse = true
        slot.key = key
        slot.firstSeen = time
        st.slots[i] = slot
        active += 1
        return i
    }

    private mutating func release(_ i: Int, in st: FragmentStorage) {
        heldBytes -= st.slots[i].extent
        st.slots[i].inUse = false
        active -= 1
    }

    private mutating func drop(_ i: Int, in st: FragmentStorage, _ why: DecodeAnomaly) -> FragmentOutcome {
        release(i, in: st)
        return .dropped(why)
    }

    /// Releases the in-use slot with the earliest first fragment, other than `except`; false if none.
    private mutating func evictOldest(except: Int, in st: FragmentStorage) -> Bool {
        var oldest = -1
        for i in 0..<st.slotCount where i != except && st.slots[i].inUse {
            if oldest < 0 || st.slots[i].firstSeen < st.slots[oldest].firstSeen { oldest = i }
        }
        guard oldest >= 0 else { return false }
        release(oldest, in: st)
        return true
    }

    // MARK: - Ranges and bytes

    private func sameBytes(_ buffer: UnsafeMutableRawPointer, _ data: UnsafeRawBufferPointer, from: Int, to: Int)
        -> Bool
    {
        var i = from
        while i < to {
            if buffer.load(fromByteOffset: i, as: UInt8.self) != data[i - from] { return false }
            i += 1
        }
        return true
    }

    /// Copies the parts of `data` (covering `from..<to`) that no earlier fragment supplied.
    private func copyGaps(
        _ data: UnsafeRawBufferPointer, from: Int, to: Int, ranges: UnsafeMutablePointer<FragmentRange>, count: Int,
        into buffer: UnsafeMutableRawPointer
    ) {
        var pos = from
        func copy(_ a: Int, _ b: Int) {
            if b > a { (buffer + a).copyMemory(from: data.baseAddress! + (a - from), byteCount: b - a) }
        }
        for r in 0..<count {
            let s = Int(ranges[r].start)
            let c = Int(ranges[r].capturedEnd)
            if c <= pos { continue }
            if s >= to { break }
            if s > pos { copy(pos, min(s, to)) }
            pos = max(pos, c)
            if pos >= to { return }
        }
        copy(pos, to)
    }

    private func insert(_ r: FragmentRange, into ranges: UnsafeMutablePointer<FragmentRange>, count: inout Int) {
        var i = count
        while i > 0 && ranges[i - 1].start > r.start {
            ranges[i] = ranges[i - 1]
            i -= 1
        }
        ranges[i] = r
        count += 1
    }

    /// nil while some part of `0..<total` has not arrived; otherwise how far the captured bytes reach
    /// without a gap.
    private func capturedPrefix(_ ranges: UnsafeMutablePointer<FragmentRange>, count: Int, total: Int) -> Int? {
        var covered = 0
        var captured = 0
        var capturedContiguous = true
        for r in 0..<count {
            let e = ranges[r]
            if Int(e.start) > covered { return nil }
            covered = max(covered, Int(e.end))
            if capturedContiguous {
                if Int(e.start) > captured {
                    capturedContiguous = false
                } else {
                    captured = max(captured, Int(e.capturedEnd))
                }
            }
        }
        return covered >= total ? captured : nil
    }
}
