import Events
import FlowHash
import NetModel
import PacketDecoding
import Testing

@testable import Flows

/// Builds decoded packets and collects flow events, with times in seconds from an aligned origin.
struct FlowHarness {
    /// A capture-time origin on a 10 s boundary, so tick times are easy to reason about.
    static let origin = Int64(1_700_000_000) * 1_000_000_000
    var table: FlowTable
    var events: [Event] = []

    init(_ settings: FlowTableSettings) { table = FlowTable(settings: settings) }

    static func time(_ seconds: Double) -> Timestamp { Timestamp(nanoseconds: origin + Int64(seconds * 1e9)) }

    static func packet(
        at seconds: Double, src: String, sport: UInt16, dst: String, dport: UInt16,
        proto: TransportLayer = .tcp, flags: TCPFlags = [.ack], payload: Int = 0, length: Int = 60
    ) -> DecodedPacket {
        var p = DecodedPacket()
        p.timestamp = time(seconds)
        p.wireLength = length
        p.accountedBytes = length
        p.src = IPAddress(src)!
        p.dst = IPAddress(dst)!
        p.network = p.src.isV4 ? .ipv4 : .ipv6
        p.transport = proto
        switch proto {
        case .tcp: p.ipProtocol = 6
        case .udp: p.ipProtocol = 17
        case .icmpv4: p.ipProtocol = 1
        case .icmpv6: p.ipProtocol = 58
        default: p.ipProtocol = 47
        }
        p.srcPort = sport
        p.dstPort = dport
        p.tcp.flags = flags
        if payload > 0 {
            p.payload = UnsafeRawBufferPointer(start: FlowHarness.scratch, count: payload)
        }
        return p
    }

    nonisolated(unsafe) static let scratch = UnsafeMutableRawPointer.allocate(byteCount: 65536, alignment: 8)

    mutating func feed(_ p: DecodedPacket) {
        table.account(p) { events.append($0) }
    }

    mutating func advance(_ seconds: Double) {
        table.advance(to: FlowHarness.time(seconds)) { events.append($0) }
    }

    mutating func finish(_ seconds: Double) {
        table.finish(at: FlowHarness.time(seconds)) { events.append($0) }
    }

    func values(_ path: String) -> [FieldValue?] { events.map { $0.value(at: path) } }
}

@Suite struct FlowTableTests {
    let settings = FlowTableSettings(timeout: .seconds(30), period: .seconds(10), maxFlows: 100)

    @Test func bothDirectionsCountIntoOneFlowWithTheFirstSenderAsSource() {
        var h = FlowHarness(settings)
        h.feed(FlowHarness.packet(at: 0.1, src: "10.0.0.2", sport: 40000, dst: "10.0.0.1", dport: 443, flags: [.syn], length: 74))
        h.feed(FlowHarness.packet(at: 0.2, src: "10.0.0.1", sport: 443, dst: "10.0.0.2", dport: 40000, flags: [.syn, .ack], length: 74))
        h.feed(FlowHarness.packet(at: 0.3, src: "10.0.0.2", sport: 40000, dst: "10.0.0.1", dport: 443, length: 66))
        h.finish(1)
        #expect(h.events.count == 1)
        let e = h.events[0]
        #expect(e.value(at: "source.ip") == .string("10.0.0.2"))
        #expect(e.value(at: "source.port") == .uint(40000))
        #expect(e.value(at: "source.packets") == .uint(2))
        #expect(e.value(at: "source.bytes") == .uint(140))
        #expect(e.value(at: "destination.packets") == .uint(1))
        #expect(e.value(at: "destination.bytes") == .uint(74))
        #expect(e.value(at: "network.bytes") == .uint(214))
        #expect(e.value(at: "network.packets") == .uint(3))
        #expect(e.value(at: "event.duration") == .int(200_000_000))
        #expect(e.value(at: "flow.final") == .bool(true))
        #expect(e.value(at: "flow.end_reason") == .string("end_of_capture"))
        #expect(e.value(at: "event.type") == .strings(["connection", "end"]))
        #expect(e.value(at: "type") == .string("flow"))
        #expect(e.value(at: "related.ip") == .strings(["10.0.0.2", "10.0.0.1"]))
    }

    @Test func destinationCountersAreAbsentUntilTheDestinationSends() {
        var h = FlowHarness(settings)
        h.feed(FlowHarness.packet(at: 0.1, src: "10.0.0.2", sport: 5000, dst: "10.0.0.1", dport: 53, proto: .udp))
        h.finish(1)
        #expect(h.events[0].value(at: "destination.packets") == nil)
        #expect(h.events[0].value(at: "destination.bytes") == nil)
        #expect(h.events[0].value(at: "destination.port") == .uint(53))
    }

    @Test func periodicReportsEveryPeriodThenFinalAfterTimeout() {
        // As in Packetbeat, the schedule starts on the next 10 s boundary (10 s here) and the first tick
        // comes one tick later; with timeout 30 s and period 10 s the tick is 10 s and every third tick
        // also checks timeouts: ticks at 20, 30, 40 (timeout), 50, ...
        var h = FlowHarness(settings)
        h.feed(FlowHarness.packet(at: 1, src: "10.0.0.2", sport: 1, dst: "10.0.0.1", dport: 2))
        h.advance(19.9)
        #expect(h.events.isEmpty)
        h.advance(20)
        #expect(h.values("flow.final") == [.bool(false)])
        #expect(h.events[0].value(at: "flow.end_reason") == nil)
        h.advance(30)
        #expect(h.values("flow.final") == [.bool(false), .bool(false)])
        // At 40 s (a timeout tick) the flow has been idle 39 s > 30 s: final, idle_timeout, and gone.
        h.advance(40)
        #expect(h.values("flow.final") == [.bool(false), .bool(false), .bool(true)])
        #expect(h.events.last?.value(at: "flow.end_reason") == .string("idle_timeout"))
        #expect(h.events.last?.timestamp == FlowHarness.time(40))
        #expect(h.table.count == 0)
        h.finish(100)
        #expect(h.events.count == 3)
    }

    @Test func deltaReportsCountNetworkTotalsSinceThePreviousReport() {
        var h = FlowHarness(FlowTableSettings(timeout: .seconds(30), period: .seconds(10), maxFlows: 10, deltaReports: true))
        h.feed(FlowHarness.packet(at: 1, src: "10.0.0.2", sport: 1, dst: "10.0.0.1", dport: 2, length: 100))
        h.feed(FlowHarness.packet(at: 2, src: "10.0.0.1", sport: 2, dst: "10.0.0.2", dport: 1, length: 50))
        h.advance(20)
        h.feed(FlowHarness.packet(at: 21, src: "10.0.0.2", sport: 1, dst: "10.0.0.1", dport: 2, length: 70))
        h.advance(30)
        h.finish(31)
        #expect(h.values("network.bytes") == [.uint(150), .uint(70), .uint(0)])
        #expect(h.values("network.packets") == [.uint(2), .uint(1), .uint(0)])
        // Per-side counters stay cumulative.
        #expect(h.events.last?.value(at: "source.bytes") == .uint(170))
    }

    @Test func aFlowInsideTheTimeoutSurvivesATimeoutTick() {
        var h = FlowHarness(settings)
        h.feed(FlowHarness.packet(at: 1, src: "10.0.0.2", sport: 1, dst: "10.0.0.1", dport: 2))
        h.feed(FlowHarness.packet(at: 15, src: "10.0.0.2", sport: 1, dst: "10.0.0.1", dport: 2))
        h.advance(40)  // idle 25 s at the timeout tick: reported, not final
        #expect(h.values("flow.final") == [.bool(false), .bool(false), .bool(false)])
        h.advance(70)  // idle 55 s at the next timeout tick
        #expect(h.values("flow.final").last == .bool(true))
    }

    @Test func periodMinusOneReportsOnlyFinalFlows() {
        // Without periodic reports the tick is the timeout itself: ticks at 15, 20, ...
        var h = FlowHarness(FlowTableSettings(timeout: .seconds(5), period: nil, maxFlows: 10))
        h.feed(FlowHarness.packet(at: 1, src: "10.0.0.2", sport: 1, dst: "10.0.0.1", dport: 2))
        h.advance(14.9)
        #expect(h.events.isEmpty)
        h.advance(15)
        #expect(h.values("flow.final") == [.bool(true)])
    }

    @Test func reportsUseCaptureTimeAndKeepTheSameFlowID() {
        var h = FlowHarness(settings)
        h.feed(FlowHarness.packet(at: 1, src: "10.0.0.2", sport: 1, dst: "10.0.0.1", dport: 2))
        h.advance(20)
        h.feed(FlowHarness.packet(at: 22, src: "10.0.0.1", sport: 2, dst: "10.0.0.2", dport: 1))
        h.finish(23)
        try? #require(h.events.count == 2)
        guard h.events.count == 2 else { return }
        #expect(h.events[0].timestamp == FlowHarness.time(20))
        #expect(h.events[1].timestamp == FlowHarness.time(23))
        #expect(h.events[0].value(at: "flow.id") == h.events[1].value(at: "flow.id"))
        #expect(h.events[0].value(at: "network.community_id") == h.events[1].value(at: "network.community_id"))
        #expect(h.events[1].value(at: "source.packets") == .uint(1))
        #expect(h.events[1].value(at: "destination.packets") == .uint(1))
    }

    @Test(arguments: [(TCPFlags.rst, "rst"), (TCPFlags.fin, "fin")])
    func endReasonReflectsTCPTeardown(flag: TCPFlags, reason: String) {
        var h = FlowHarness(settings)
        h.feed(FlowHarness.packet(at: 1, src: "10.0.0.2", sport: 1, dst: "10.0.0.1", dport: 2))
        h.feed(FlowHarness.packet(at: 2, src: "10.0.0.1", sport: 2, dst: "10.0.0.2", dport: 1, flags: [flag, .ack]))
        h.finish(3)
        #expect(h.events.last?.value(at: "flow.end_reason") == .string(reason))
    }

    @Test func evictsTheLeastRecentlySeenFlowAtTheCapAndCountsIt() {
        var h = FlowHarness(FlowTableSettings(timeout: .seconds(30), period: nil, maxFlows: 2))
        h.feed(FlowHarness.packet(at: 1, src: "10.0.0.1", sport: 1, dst: "10.0.0.9", dport: 80))
        h.feed(FlowHarness.packet(at: 2, src: "10.0.0.2", sport: 1, dst: "10.0.0.9", dport: 80))
        h.feed(FlowHarness.packet(at: 3, src: "10.0.0.1", sport: 1, dst: "10.0.0.9", dport: 80))  // refresh flow 1
        #expect(h.events.isEmpty)
        h.feed(FlowHarness.packet(at: 4, src: "10.0.0.3", sport: 1, dst: "10.0.0.9", dport: 80))  // one over
        #expect(h.events.count == 1)
        #expect(h.events[0].value(at: "source.ip") == .string("10.0.0.2"))
        #expect(h.events[0].value(at: "flow.end_reason") == .string("evicted"))
        #expect(h.table.counters.evicted == 1)
        #expect(h.table.count == 2)
    }

    @Test func activeTimeoutEndsLongFlowsAndStartsAFreshOne() {
        // Tick = timeout = 5 s (ticks at 15, 20, 25, ...): at 25 s the flow is 24 s old, past 20 s.
        var h = FlowHarness(FlowTableSettings(timeout: .seconds(5), period: nil, activeTimeout: .seconds(20), maxFlows: 10))
        for t in stride(from: 1.0, through: 35.0, by: 2.0) {
            h.feed(FlowHarness.packet(at: t, src: "10.0.0.1", sport: 1, dst: "10.0.0.9", dport: 80))
        }
        #expect(h.values("flow.end_reason").contains(.string("active_timeout")))
        h.finish(36)
        #expect(h.events.count == 2)
        let total = h.events.compactMap { if case .uint(let n)? = $0.value(at: "source.packets") { return n } else { return nil } }.reduce(0, +)
        #expect(total == 18)
    }

    @Test func ttfbIsTheDelayToTheFirstPayloadFromTheDestination() {
        var h = FlowHarness(settings)
        h.feed(FlowHarness.packet(at: 1.0, src: "10.0.0.2", sport: 9, dst: "10.0.0.1", dport: 80, flags: [.syn]))
        h.feed(FlowHarness.packet(at: 1.1, src: "10.0.0.1", sport: 80, dst: "10.0.0.2", dport: 9, flags: [.syn, .ack]))
        h.feed(FlowHarness.packet(at: 1.2, src: "10.0.0.2", sport: 9, dst: "10.0.0.1", dport: 80, payload: 100))
        h.feed(FlowHarness.packet(at: 1.5, src: "10.0.0.1", sport: 80, dst: "10.0.0.2", dport: 9, payload: 1000))
        h.finish(2)
        #expect(h.events[0].value(at: "flow.ttfb") == .int(500_000_000))
    }

    @Test func icmpFlowsHaveNoPortsAndSeparateByEchoIdentifier() {
        var h = FlowHarness(settings)
        var a = FlowHarness.packet(at: 1, src: "10.0.0.1", sport: 0, dst: "10.0.0.2", dport: 0, proto: .icmpv4)
        a.icmpType = 8
        a.icmpID = 7
        var b = a
        b.icmpID = 8
        var reply = FlowHarness.packet(at: 1.1, src: "10.0.0.2", sport: 0, dst: "10.0.0.1", dport: 0, proto: .icmpv4)
        reply.icmpID = 7
        h.feed(a)
        h.feed(b)
        h.feed(reply)
        h.finish(2)
        #expect(h.events.count == 2)
        #expect(h.events[0].value(at: "source.port") == nil)
        #expect(h.events[0].value(at: "network.transport") == .string("icmp"))
        #expect(h.events[0].value(at: "destination.packets") == .uint(1))
        // Echo request/reply: the Community ID spec's two-way mapping; same as the published baseline pair.
        #expect(h.events[0].value(at: "network.community_id") == h.events[1].value(at: "network.community_id"))
    }

    /// The pipeline skips its null removal for flow events on the strength of `FlowEventMapper.eventsHoldNoNulls`:
    /// events of every shape (each transport, both address families, VLAN tags and MACs, periodic and final
    /// reports, with and without a reply or a first response) must hold no null anywhere.
    @Test func flowEventsOfEveryShapeHoldNoNulls() {
        #expect(FlowEventMapper.eventsHoldNoNulls)
        var h = FlowHarness(settings)
        let shapes: [(TransportLayer, String, String)] = [
            (.tcp, "10.0.0.2", "10.0.0.1"), (.udp, "10.0.0.2", "10.0.0.1"), (.icmpv4, "10.0.0.2", "10.0.0.1"),
            (.icmpv6, "2001:db8::2", "2001:db8::1"), (.tcp, "2001:db8::2", "2001:db8::1"),
            (.none, "10.0.0.2", "10.0.0.1"),
        ]
        for (n, (proto, a, b)) in shapes.enumerated() {
            let tagged = [VLANTags(count: 1, outer: 7, inner: 0), VLANTags(count: 2, outer: 7, inner: 9)]
            for vlans in [VLANTags.none] + tagged {
                let port = UInt16(1000 + n * 10 + Int(vlans.count))
                var p = FlowHarness.packet(at: 0.1, src: a, sport: port, dst: b, dport: 80, proto: proto, flags: [.syn])
                p.vlans = vlans
                p.hasSourceMAC = vlans.count > 0
                p.hasDestinationMAC = vlans.count > 0
                h.feed(p)
                if n % 2 == 0 {  // a reply with payload: destination counters and ttfb
                    var r = FlowHarness.packet(
                        at: 0.2, src: b, sport: 80, dst: a, dport: port, proto: proto, payload: 10)
                    r.vlans = vlans
                    h.feed(r)
                }
            }
        }
        h.advance(20)  // periodic reports (the first tick is at 20 s: see the test above)
        h.finish(21)  // final reports
        #expect(h.events.count >= 2 * shapes.count * 3)
        #expect(Set(h.events.compactMap { $0.value(at: "network.transport")?.string }).count >= 4)
        #expect(h.events.contains { $0.value(at: "flow.vlan") != nil })
        #expect(h.events.contains { $0.value(at: "source.mac") != nil })
        #expect(h.events.contains { $0.value(at: "flow.ttfb") != nil })
        #expect(h.events.contains { $0.value(at: "flow.final") == .bool(false) })
        for event in h.events {
            var stripped = event.fields
            stripped.removeNulls()
            #expect(stripped == event.fields, "a flow event holds a null: \(event.fields)")
        }
    }

    @Test func idleStretchesAreSkippedWithoutSpinning() {
        var h = FlowHarness(settings)
        h.feed(FlowHarness.packet(at: 1, src: "10.0.0.1", sport: 1, dst: "10.0.0.2", dport: 2))
        h.advance(100)
        let before = h.events.count
        // A year later: the empty table jumps ahead in one step.
        h.feed(FlowHarness.packet(at: 31_536_000, src: "10.0.0.1", sport: 1, dst: "10.0.0.2", dport: 2))
        #expect(h.events.count == before)
        h.finish(31_536_001)
        #expect(h.events.last?.value(at: "event.start") == .timestamp(FlowHarness.time(31_536_000)))
    }
}

@Suite struct PacketbeatFlowIDTests {
    /// Layout as Packetbeat serialises it: flags (LE), 12 layer offsets, 3 counts, then MACs (in MAC order),
    /// IPv4 addresses and TCP ports (little-endian) in the order the MACs fixed, unpadded base64.
    @Test func matchesPacketbeatLayoutForEthernetIPv4TCP() {
        let mac1 = MACAddress(0x0102_0304_0506), mac2 = MACAddress(0x0605_0403_0201)
        var r = FlowRecord(
            key: FlowKey.make(src: IPAddress("128.0.1.2")!, srcPort: 1, dst: IPAddress("127.0.0.1")!, dstPort: 2, ipProtocol: 6).key,
            hash: 0, sourceSide: .high, created: .zero, lastSeen: .zero, hasMACs: true, sourceMAC: mac1, destinationMAC: mac2)
        r.sourceSide = r.key.lowIP == IPAddress("128.0.1.2")! ? FlowSide.low : FlowSide.high
        var expected: [UInt8] = [0x11, 0x04, 0, 0xff, 0xff, 0xff, 12, 0xff, 0xff, 0xff, 0xff, 0xff, 20, 0xff, 1, 0, 1]
        expected += [1, 2, 3, 4, 5, 6, 6, 5, 4, 3, 2, 1]  // source MAC first: it orders lower
        expected += [128, 0, 1, 2, 127, 0, 0, 1]  // then the addresses in the same (source-first) order
        expected += [1, 0, 2, 0]  // ports, little-endian, same order
        #expect(PacketbeatFlowID.make(r) == Base64.encode(expected, padding: false))
        // The reverse direction of the same conversation gives the same id.
        var reversed = r
        reversed.sourceSide = r.sourceSide.opposite
        reversed.sourceMAC = mac2
        reversed.destinationMAC = mac1
        #expect(PacketbeatFlowID.make(reversed) == PacketbeatFlowID.make(r))
    }

    /// Two VLAN ids (outer first, little-endian; the outer's offset moves to slot 1), IPv6 addresses with the
    /// lower first, UDP ports in the order the addresses fixed.
    @Test func vlanStackIPv6UDP() {
        let low = IPAddress("2001:db8::1")!, high = IPAddress("2001:db8::2")!
        var r = FlowRecord(
            key: FlowKey.make(
                src: high, srcPort: 53, dst: low, dstPort: 4000, ipProtocol: 17,
                vlans: VLANTags(count: 2, outer: 0x0102, inner: 0x0304)
            ).key,
            hash: 0, sourceSide: .high, created: .zero, lastSeen: .zero, hasMACs: false, sourceMAC: MACAddress(0),
            destinationMAC: MACAddress(0))
        r.sourceSide = .high  // the source is the higher address
        // Flags: VLAN 0x4, outer VLAN 0x2, IPv6 0x40, UDP 0x200.
        var expected: [UInt8] = [0x46, 0x02, 0xff, 0, 2, 0xff, 0xff, 0xff, 4, 0xff, 0xff, 36, 0xff, 0xff, 0, 2, 1]
        expected += [0x02, 0x01, 0x04, 0x03]  // VLAN ids, outer then inner
        expected += low.bytes + high.bytes  // the lower address first: here the destination
        expected += [0xa0, 0x0f, 53, 0]  // ports in the same order (destination first), little-endian
        #expect(PacketbeatFlowID.make(r) == Base64.encode(expected, padding: false))
    }

    /// ICMPv4: the identifier (little-endian) in the ICMP slot, and no port layer.
    @Test func icmpV4() {
        let a = IPAddress("10.0.0.1")!, b = IPAddress("10.0.0.2")!
        let r = FlowRecord(
            key: FlowKey.make(src: a, srcPort: 8, dst: b, dstPort: 0, ipProtocol: 1, icmpID: 0x1234).key,
            hash: 0, sourceSide: .low, created: .zero, lastSeen: .zero, hasMACs: false, sourceMAC: MACAddress(0),
            destinationMAC: MACAddress(0))
        // Flags: IPv4 0x10, ICMPv4 0x80.
        var expected: [UInt8] = [0x90, 0x00, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, 8, 0xff, 0xff, 0xff, 0xff, 0, 0, 1]
        expected += [10, 0, 0, 1, 10, 0, 0, 2]
        expected += [0x34, 0x12]
        #expect(PacketbeatFlowID.make(r) == Base64.encode(expected, padding: false))
    }
}

@Suite struct FlowEventCacheTests {
    /// The cache gives each address's own text, whichever addresses it holds or has replaced: 2,000 lookups of
    /// 20 addresses through its 8 slots.
    @Test func macTextIsTheAddresssOwnWhateverTheCacheHolds() {
        let cache = FlowEventCache()
        var generator = SystemRandomNumberGenerator()
        let pool = (0..<20).map { _ in MACAddress(UInt64.random(in: 0...0xffff_ffff_ffff, using: &generator)) }
        for _ in 0..<2000 {
            let mac = pool.randomElement(using: &generator)!
            #expect(cache.text(of: mac) == mac.description)
        }
    }
}
