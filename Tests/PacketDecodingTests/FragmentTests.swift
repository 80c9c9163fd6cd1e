// IP fragment reassembly: order, duplicates, overlaps, every limit at its value and one over, and the timeout.

import NetModel
import PacketDecoding
import Testing

/// A UDP datagram of `size` payload bytes whose bytes encode their own offset (so misplacement shows).
private func udpDatagram(_ size: Int, port: UInt16 = 5000) -> [UInt8] {
    Build.udp(port, port + 1, (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) })
}

/// IPv4 fragments of `datagram` (the transport bytes) cut at `cuts` (offsets, multiples of 8), as Ethernet
/// frames, in order.
private func v4Fragments(_ datagram: [UInt8], cuts: [Int], id: UInt16 = 0x0101, src: [UInt8] = Build.v4A) -> [[UInt8]] {
    let bounds = [0] + cuts + [datagram.count]
    return (0..<(bounds.count - 1)).map { i in
        let more: UInt16 = i < bounds.count - 2 ? 0x2000 : 0
        let chunk = Array(datagram[bounds[i]..<bounds[i + 1]])
        return Build.ethernet(
            0x0800,
            Build.ipv4(17, chunk, id: id, flagsAndOffset: more | UInt16(bounds[i] / 8), ttl: UInt8(60 + i), src: src))
    }
}

/// IPv6 fragments, with optional extension headers before the Fragment header (unfragmentable part).
private func v6Fragments(_ datagram: [UInt8], cuts: [Int], id: UInt32 = 0x99, next: UInt8 = 17) -> [[UInt8]] {
    let bounds = [0] + cuts + [datagram.count]
    return (0..<(bounds.count - 1)).map { i in
        let chunk = Array(datagram[bounds[i]..<bounds[i + 1]])
        let header = Build.fragment6(next, offset: bounds[i], more: i < bounds.count - 2, id: id)
        return Build.ethernet(0x86dd, Build.ipv6(44, header + chunk))
    }
}

@Suite struct IPv4FragmentTests {
    @Test func inOrderFragmentsReassembleOnTheLast() {
        let datagram = udpDatagram(2000)
        let frames = v4Fragments(datagram, cuts: [800, 1600])
        var h = Harness()
        #expect(h.feed(frames[0]).status == .fragmentHeld)
        let middle = h.feed(frames[1])
        #expect(middle.status == .fragmentHeld)
        #expect(middle.packet.network == .ipv4 && middle.packet.transport == .none)
        let d = h.feed(frames[2])
        #expect(d.status == .decoded)
        #expect(d.packet.reassembled)
        #expect(d.packet.transport == .udp && d.packet.srcPort == 5000)
        #expect(d.payload == Array(datagram.dropFirst(8)))
        #expect(d.packet.accountedFrames == 3)
        #expect(d.packet.accountedBytes == frames.reduce(0) { $0 + $1.count })
        #expect(d.packet.ttl == 60)  // from the first fragment
        #expect(h.decoder.counters.fragmentsReceived == 3)
        #expect(h.decoder.counters.datagramsReassembled == 1)
        #expect(h.decoder.pendingReassemblies == 0)
    }

    @Test(arguments: [[2, 0, 1], [1, 2, 0], [2, 1, 0]])
    func outOfOrderFragmentsReassemble(order: [Int]) {
        let datagram = udpDatagram(2000)
        let frames = v4Fragments(datagram, cuts: [800, 1600])
        var h = Harness()
        #expect(h.feed(frames[order[0]]).status == .fragmentHeld)
        #expect(h.feed(frames[order[1]]).status == .fragmentHeld)
        let d = h.feed(frames[order[2]])
        #expect(d.status == .decoded && d.packet.reassembled)
        #expect(d.payload == Array(datagram.dropFirst(8)))
    }

    @Test func exactDuplicatesAreToleratedAndCounted() {
        let datagram = udpDatagram(1000)
        let frames = v4Fragments(datagram, cuts: [504])
        var h = Harness()
        _ = h.feed(frames[0])
        #expect(h.feed(frames[0]).status == .fragmentHeld)
        let d = h.feed(frames[1])
        #expect(d.status == .decoded)
        #expect(d.packet.anomaly == nil)
        #expect(d.packet.accountedFrames == 3)
        #expect(d.packet.accountedBytes == 2 * frames[0].count + frames[1].count)
        #expect(h.decoder.counters.fragmentOverlaps == 0)
    }

    @Test func overlapKeepsTheFirstReceivedBytesAndIsNoted() {
        let datagram = Build.udp(6000, 6001, [UInt8](repeating: 0x41, count: 32))  // 40 bytes of "A"
        let first = Build.ethernet(0x0800, Build.ipv4(17, Array(datagram[0..<24]), id: 2, flagsAndOffset: 0x2000))
        // Covers 16..<40, rewriting 16..<24 with "Z": the receiver may have kept either copy.
        let second = Build.ethernet(
            0x0800, Build.ipv4(17, [UInt8](repeating: 0x5a, count: 8) + datagram[24...], id: 2, flagsAndOffset: 2))
        var h = Harness()
        _ = h.feed(first)
        let d = h.feed(second)
        #expect(d.status == .decoded)
        #expect(d.packet.anomaly == .fragmentOverlap)
        #expect(d.payload == [UInt8](repeating: 0x41, count: 32))
        #expect(h.decoder.counters.fragmentOverlaps == 1)
        #expect(h.decoder.counters.anomalies[.fragmentOverlap] == 1)
    }

    @Test func nonLastFragmentNotAMultipleOf8IsMalformed() {
        let bad = Build.ethernet(0x0800, Build.ipv4(17, [UInt8](repeating: 1, count: 13), flagsAndOffset: 0x2000))
        var h = Harness()
        #expect(h.feed(bad).status == .malformed(.fragmentBadLength))
        let empty = Build.ethernet(0x0800, Build.ipv4(17, [], flagsAndOffset: 0x2001))
        #expect(h.feed(empty).status == .malformed(.fragmentBadLength))
        #expect(h.decoder.counters.fragmentsReceived == 2)
    }

    @Test func reassembledSizeAtTheLimitCompletesAndOneOverIsTooLarge() {
        let limits = DecoderLimits(maxReassembledIPv4Bytes: 20 + 1000)
        var h = Harness(.ethernet, limits: limits)
        let exact = v4Fragments(udpDatagram(992), cuts: [504])  // 1000 transport bytes
        _ = h.feed(exact[0])
        #expect(h.feed(exact[1]).status == .decoded)
        let over = v4Fragments(udpDatagram(993), cuts: [504], id: 2)
        #expect(h.feed(over[0]).status == .fragmentHeld)
        #expect(h.feed(over[1]).status == .malformed(.fragmentTooLarge))
    }

    @Test func theLargestLegalIPv4DatagramReassembles() {
        // 65,535 - 20 = 65,515 transport bytes in 45 fragments of 1480.
        let datagram = udpDatagram(65_515 - 8)
        let frames = v4Fragments(datagram, cuts: Array(stride(from: 1480, to: datagram.count, by: 1480)))
        var h = Harness()
        var last: Decoded?
        for f in frames { last = h.feed(f) }
        #expect(last?.status == .decoded)
        #expect(last?.payload.count == 65_507)
        #expect(last?.packet.accountedFrames == 45)
    }

    @Test func fragmentsPerDatagramAtTheLimitCompleteAndOneMoreDropsIt() {
        let limits = DecoderLimits(maxFragmentsPerDatagram: 4)
        var h = Harness(.ethernet, limits: limits)
        for f in v4Fragments(udpDatagram(56), cuts: [16, 32, 48]).dropLast() { _ = h.feed(f) }
        #expect(h.feed(v4Fragments(udpDatagram(56), cuts: [16, 32, 48]).last!).status == .decoded)
        let five = v4Fragments(udpDatagram(72), cuts: [16, 32, 48, 64], id: 2)
        for f in five.dropLast() { #expect(h.feed(f).status == .fragmentHeld) }
        #expect(h.feed(five.last!).status == .malformed(.fragmentTooMany))
        #expect(h.decoder.pendingReassemblies == 0)
    }

    @Test func concurrentDatagramsAtTheLimitAreKeptAndOneMoreEvictsTheOldest() {
        let limits = DecoderLimits(maxConcurrentReassemblies: 3)
        var h = Harness(.ethernet, limits: limits)
        let sets = (0..<4).map { v4Fragments(udpDatagram(100), cuts: [56], id: UInt16(10 + $0)) }
        for i in 0..<3 { _ = h.feed(sets[i][0], seconds: Int64(i)) }
        #expect(h.decoder.pendingReassemblies == 3)
        #expect(h.decoder.counters.fragmentSetsEvicted == 0)
        _ = h.feed(sets[3][0], seconds: 3)
        #expect(h.decoder.pendingReassemblies == 3)
        #expect(h.decoder.counters.fragmentSetsEvicted == 1)
        // The oldest (id 10) is gone: its last fragment now starts a new set instead of completing.
        #expect(h.feed(sets[0][1], seconds: 4).status == .fragmentHeld)
        #expect(h.feed(sets[3][1], seconds: 4).status == .decoded)
    }

    @Test func byteBudgetAtTheLimitHoldsAndOneByteMoreEvicts() {
        // The budget is never below one largest datagram (65,535 bytes of fragmentable part).
        var h = Harness(.ethernet, limits: DecoderLimits(fragmentByteBudget: 65_535))
        func fragment(id: UInt16, offset: UInt16, more: Bool, size: Int) -> [UInt8] {
            let flags: UInt16 = (more ? 0x2000 : 0) | offset / 8
            return Build.ethernet(
                0x0800, Build.ipv4(17, [UInt8](repeating: 1, count: size), id: id, flagsAndOffset: flags))
        }
        // Extents 32,768 and 8 + 32,759 = 32,767: exactly the budget together.
        #expect(h.feed(fragment(id: 1, offset: 0, more: true, size: 32_768), seconds: 1).status == .fragmentHeld)
        #expect(h.feed(fragment(id: 2, offset: 8, more: false, size: 32_759), seconds: 2).status == .fragmentHeld)
        #expect(h.decoder.pendingReassemblies == 2)
        #expect(h.decoder.counters.fragmentSetsEvicted == 0)
        // Eight bytes more: the oldest datagram makes room.
        #expect(h.feed(fragment(id: 3, offset: 0, more: true, size: 8), seconds: 3).status == .fragmentHeld)
        #expect(h.decoder.counters.fragmentSetsEvicted == 1)
        #expect(h.decoder.pendingReassemblies == 2)
    }

    @Test func expireFragmentsDropsSetsAtTheTimeoutNotBefore() {
        var h = Harness()
        let frames = v4Fragments(udpDatagram(100), cuts: [56])
        _ = h.feed(frames[0], seconds: 100)
        h.decoder.expireFragments(now: Timestamp(seconds: 130, nanoseconds: -1))
        #expect(h.decoder.pendingReassemblies == 1)
        h.decoder.expireFragments(now: Timestamp(seconds: 130, nanoseconds: 0))
        #expect(h.decoder.pendingReassemblies == 0)
        #expect(h.decoder.counters.fragmentSetsExpired == 1)
        #expect(h.feed(frames[1], seconds: 130).status == .fragmentHeld)
    }

    @Test func aLateFragmentFindsItsSetExpiredEvenWithoutATick() {
        var h = Harness(.ethernet, limits: DecoderLimits(fragmentTimeout: .seconds(5)))
        let frames = v4Fragments(udpDatagram(100), cuts: [56])
        _ = h.feed(frames[0], seconds: 10)
        #expect(h.feed(frames[1], seconds: 15).status == .fragmentHeld)
        #expect(h.decoder.counters.fragmentSetsExpired == 1)
        let again = v4Fragments(udpDatagram(100), cuts: [56], id: 7)
        _ = h.feed(again[0], seconds: 20)
        #expect(h.feed(again[1], seconds: 25, nanoseconds: -1).status == .decoded)
    }

    @Test func dataPastTheKnownEndDropsTheDatagram() {
        var h = Harness()
        let frames = v4Fragments(udpDatagram(100), cuts: [56])
        _ = h.feed(frames[1])  // the last fragment: the datagram ends at 108
        let longer = Build.ethernet(
            0x0800, Build.ipv4(17, [UInt8](repeating: 0, count: 64), id: 0x0101, flagsAndOffset: 0x2000 | 7))
        #expect(h.feed(longer).status == .malformed(.fragmentConflictingEnd))
        #expect(h.decoder.pendingReassemblies == 0)
        #expect(h.decoder.counters.anomalies[.fragmentConflictingEnd] == 1)
    }

    @Test func aSecondLastFragmentWithAnotherEndDropsTheDatagram() {
        var h = Harness()
        _ = h.feed(v4Fragments(udpDatagram(100), cuts: [56])[1])  // ends at 108
        let otherLast = v4Fragments(udpDatagram(120), cuts: [56])[1]  // same id, ends at 128
        #expect(h.feed(otherLast).status == .malformed(.fragmentConflictingEnd))
    }

    @Test func aLastFragmentEndingBeforeDataAlreadyHeldDropsTheDatagram() {
        var h = Harness()
        _ = h.feed(v4Fragments(udpDatagram(200), cuts: [56, 160])[1])  // 56..<160, more to come
        let shortLast = v4Fragments(udpDatagram(100), cuts: [56])[1]  // claims the end is 108
        #expect(h.feed(shortLast).status == .malformed(.fragmentConflictingEnd))
    }

    @Test func differentSourcesAreDifferentDatagrams() {
        var h = Harness()
        let a = v4Fragments(udpDatagram(100), cuts: [56], src: Build.v4A)
        let b = v4Fragments(udpDatagram(100), cuts: [56], src: [198, 51, 100, 1])
        _ = h.feed(a[0])
        #expect(h.feed(b[1]).status == .fragmentHeld)
        #expect(h.decoder.pendingReassemblies == 2)
    }

    @Test func snaplenCutFragmentsStillCompleteTheDatagramButMarkItTruncated() {
        let datagram = udpDatagram(2000)
        let frames = v4Fragments(datagram, cuts: [800, 1600])
        var h = Harness()
        _ = h.feed(frames[0])
        _ = h.feed(Array(frames[1].prefix(100)), wire: frames[1].count)  // only 66 bytes of its data
        let d = h.feed(frames[2])
        #expect(d.status == .decoded)
        #expect(d.packet.truncated)
        #expect(d.payload == Array(datagram[8..<(800 + 66)]))
        #expect(d.packet.accountedBytes == frames.reduce(0) { $0 + $1.count })
        #expect(h.decoder.counters.payloadTruncated == 1)
    }
}

@Suite struct IPv6FragmentTests {
    @Test func inOrderFragmentsReassemble() {
        let datagram = udpDatagram(3000)
        let frames = v6Fragments(datagram, cuts: [1448, 2896])
        var h = Harness(.ethernet)
        #expect(h.feed(frames[0]).status == .fragmentHeld)
        #expect(h.feed(frames[1]).status == .fragmentHeld)
        let d = h.feed(frames[2])
        #expect(d.status == .decoded && d.packet.reassembled)
        #expect(d.packet.ipProtocol == 17 && d.packet.transport == .udp)
        #expect(d.payload == Array(datagram.dropFirst(8)))
        #expect(d.packet.accountedFrames == 3)
        #expect(d.packet.accountedBytes == frames.reduce(0) { $0 + $1.count })
    }

    @Test func outOfOrderFragmentsReassemble() {
        let datagram = udpDatagram(3000)
        let frames = v6Fragments(datagram, cuts: [1448, 2896])
        var h = Harness(.ethernet)
        _ = h.feed(frames[2])
        _ = h.feed(frames[0])
        let d = h.feed(frames[1])
        #expect(d.status == .decoded)
        #expect(d.payload == Array(datagram.dropFirst(8)))
    }

    @Test func extensionHeadersAfterTheFragmentHeaderAreWalkedInTheReassembledBytes() {
        let inner = Build.ext(17) + udpDatagram(40)  // destination options, then UDP
        let frames = v6Fragments(inner, cuts: [24], next: 60)
        var h = Harness(.ethernet)
        _ = h.feed(frames[0])
        let d = h.feed(frames[1])
        #expect(d.status == .decoded)
        #expect(d.packet.ipProtocol == 17 && d.packet.srcPort == 5000)
    }

    @Test func overlappingFragmentsDropTheDatagram() {
        let datagram = udpDatagram(1500)
        var h = Harness(.ethernet)
        let first = v6Fragments(datagram, cuts: [1000])[0]
        let overlapping = Build.ethernet(
            0x86dd, Build.ipv6(44, Build.fragment6(17, offset: 992, more: false, id: 0x99) + datagram[992...]))
        _ = h.feed(first)
        #expect(h.feed(overlapping).status == .malformed(.fragmentOverlap))
        #expect(h.decoder.pendingReassemblies == 0)
        #expect(h.decoder.counters.fragmentOverlaps == 1)
    }

    @Test func exactDuplicatesAreNotOverlaps() {
        let frames = v6Fragments(udpDatagram(100), cuts: [56])
        var h = Harness(.ethernet)
        _ = h.feed(frames[0])
        #expect(h.feed(frames[0]).status == .fragmentHeld)
        #expect(h.feed(frames[1]).status == .decoded)
    }

    @Test func reassembledPayloadAtTheLimitCompletesAndOneOverIsTooLarge() {
        let limits = DecoderLimits(maxReassembledIPv6Bytes: 40 + 1000)  // the Fragment header is not counted
        var h = Harness(.ethernet, limits: limits)
        let exact = v6Fragments(udpDatagram(992), cuts: [504])
        _ = h.feed(exact[0])
        #expect(h.feed(exact[1]).status == .decoded)
        let over = v6Fragments(udpDatagram(993), cuts: [504], id: 2)
        _ = h.feed(over[0])
        #expect(h.feed(over[1]).status == .malformed(.fragmentTooLarge))
    }

    @Test func nonLastFragmentNotAMultipleOf8IsMalformed() {
        let bad = Build.ethernet(0x86dd, Build.ipv6(44, Build.fragment6(17, offset: 0, more: true, id: 1) + [1, 2, 3]))
        var h = Harness(.ethernet)
        #expect(h.feed(bad).status == .malformed(.fragmentBadLength))
    }

    @Test func expiryAppliesToIPv6Too() {
        var h = Harness(.ethernet)
        _ = h.feed(v6Fragments(udpDatagram(100), cuts: [56])[0], seconds: 0)
        h.decoder.expireFragments(now: Timestamp(seconds: 30, nanoseconds: 0))
        #expect(h.decoder.counters.fragmentSetsExpired == 1)
    }
}
