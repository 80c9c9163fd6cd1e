// The memory behind IP fragment reassembly: a fixed pool of datagram slots, each with a fixed table of
// fragment ranges and a reassembly buffer that is allocated the first time the slot is used and then
// reused for every later datagram.
//
// It is a class only so the buffers have stable addresses (`DecodedPacket.payload` points into them after
// a datagram completes) and are freed with the decoder. `FragmentTable` copies it before writing when it
// is shared, so `PacketDecoder` keeps value semantics. All properties are `let` pointers: reading them costs
// no exclusivity check and no reference counting on the packet path.

import NetModel

/// Identity of a datagram being reassembled: RFC 791 section 3.2 (source, destination, protocol,
/// identification) for IPv4; RFC 8200 section 4.5 (source, destination, identification) for IPv6, where
/// `ipProtocol` is always 0.
struct FragmentKey: Equatable {
    var src: IPAddress
    var dst: IPAddress
    var id: UInt32
    var ipProtocol: UInt8
    var family: NetworkLayer
}

/// Where one received fragment sits in the fragmentable part: `start..<end` as declared by its IP header,
/// of which `start..<capturedEnd` was actually captured (less when the snapshot length cut the frame).
struct FragmentRange {
    var start: Int32
    var end: Int32
    var capturedEnd: Int32
}

/// The bookkeeping of one datagram slot.
struct FragmentSlot {
    var inUse = false
    var key = FragmentKey(src: .zeroV4, dst: .zeroV4, id: 0, ipProtocol: 0, family: .none)
    /// Capture time of the first fragment: the timeout runs from here, as Linux's reassembly timer does.
    var firstSeen = Timestamp.zero
    /// Distinct fragment ranges in `FragmentStorage.ranges`, sorted by start.
    var rangeCount = 0
    /// Frames received for this datagram, exact duplicates included (they were on the wire).
    var frames = 0
    /// Sum of the wire lengths of those frames.
    var accountedBytes = 0
    /// Length of the fragmentable part once the last fragment has arrived; -1 before.
    var totalLength = -1
    /// Highest end offset received: the buffer bytes this datagram occupies, charged to the byte budget.
    var extent = 0
    /// Transport protocol (IPv6: the first fragment's Fragment header next-header) and TTL/hop limit,
    /// taken from the fragment at offset 0.
    var firstProtocol: UInt8 = 0
    var firstTTL: UInt8 = 0
}

/// The pool of slots, ranges and buffers.
final class FragmentStorage: @unchecked Sendable {
    // @unchecked: instances are only mutated through `FragmentTable`, which copies a shared instance first
    // (copy-on-write), so no two threads ever write the same instance.
    let slotCount: Int
    let rangesPerSlot: Int
    let slots: UnsafeMutablePointer<FragmentSlot>
    let ranges: UnsafeMutablePointer<FragmentRange>
    let buffers: UnsafeMutablePointer<UnsafeMutableRawPointer?>

    init(slotCount: Int, rangesPerSlot: Int) {
        self.slotCount = slotCount
        self.rangesPerSlot = rangesPerSlot
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: FragmentSlot(), count: slotCount)
        ranges = .allocate(capacity: slotCount * rangesPerSlot)
        ranges.initialize(repeating: FragmentRange(start: 0, end: 0, capturedEnd: 0), count: slotCount * rangesPerSlot)
        buffers = .allocate(capacity: slotCount)
        buffers.initialize(repeating: nil, count: slotCount)
    }

    deinit {
        for i in 0..<slotCount { buffers[i]?.deallocate() }
        buffers.deinitialize(count: slotCount)
        buffers.deallocate()
        ranges.deinitialize(count: slotCount * rangesPerSlot)
        ranges.deallocate()
        slots.deinitialize(count: slotCount)
        slots.deallocate()
    }

    /// A deep copy, for copy-on-write.
    func copy() -> FragmentStorage {
        let c = FragmentStorage(slotCount: slotCount, rangesPerSlot: rangesPerSlot)
        c.slots.update(from: slots, count: slotCount)
        c.ranges.update(from: ranges, count: slotCount * rangesPerSlot)
        for i in 0..<slotCount {
            if let b = buffers[i] {
                let nb = UnsafeMutableRawPointer.allocate(
                    byteCount: DecoderLimits.reassemblyBufferCapacity, alignment: 16)
                nb.copyMemory(from: b, byteCount: DecoderLimits.reassemblyBufferCapacity)
                c.buffers[i] = nb
            }
        }
        return c
    }

    /// The ranges of slot `i`.
    @inline(__always)
    func rangeBase(_ i: Int) -> UnsafeMutablePointer<FragmentRange> { ranges + i * rangesPerSlot }

    /// The reassembly buffer of slot `i`, allocated on first use.
    func buffer(_ i: Int) -> UnsafeMutableRawPointer {
        if let b = buffers[i] { return b }
        let b = UnsafeMutableRawPointer.allocate(byteCount: DecoderLimits.reassemblyBufferCapacity, alignment: 16)
        b.initializeMemory(as: UInt8.self, repeating: 0, count: DecoderLimits.reassemblyBufferCapacity)
        buffers[i] = b
        return b
    }
}
