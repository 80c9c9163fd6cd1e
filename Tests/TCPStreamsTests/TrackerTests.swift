// Connection tracking: roles, both directions, closing, expiry, eviction and the shared budgets.

import NetModel
import PacketDecoding
import TCPStreams
import Testing

typealias Tracker = TCPConnectionTracker<RecordingHandler>

func makeTracker(_ limits: ConnectionLimits = .default, handler: RecordingHandler = RecordingHandler()) -> Tracker {
    Tracker(handler: handler, limits: limits)
}

@Suite("TCPConnectionTracker")
struct TrackerTests {
    @Test("the sender of the SYN is the client")
    func rolesFromSYN() throws {
        var tracker = makeTracker()
        var c = Conversation()
        for p in c.handshake() { tracker.feed(p) }
        let record = try #require(tracker.handler.records.first)
        #expect(record.info.client == Conversation.clientEndpoint)
        #expect(record.info.server == Conversation.serverEndpoint)
        #expect(record.info.roleEvidence == .syn)
        #expect(tracker.handler.records.count == 1)
    }

    @Test("without the SYN, the receiver of the SYN-ACK is the client")
    func rolesFromSYNACK() throws {
        var tracker = makeTracker()
        var c = Conversation()
        _ = c.send(.clientToServer, [.syn])
        tracker.feed(c.send(.serverToClient, [.syn, .ack]))
        let record = try #require(tracker.handler.records.first)
        #expect(record.info.client == Conversation.clientEndpoint)
        #expect(record.info.roleEvidence == .synAck)
    }

    struct MidStream: Sendable, CustomTestStringConvertible {
        let senderPort: UInt16
        let receiverPort: UInt16
        let senderIsClient: Bool
        let evidence: RoleEvidence
        var testDescription: String { "first data \(senderPort) → \(receiverPort)" }
    }

    @Test(
        "mid-stream roles: a system port marks the server, otherwise the first sender is the client",
        arguments: [
            MidStream(senderPort: 443, receiverPort: 51_000, senderIsClient: false, evidence: .wellKnownPort),
            MidStream(senderPort: 51_000, receiverPort: 443, senderIsClient: true, evidence: .wellKnownPort),
            MidStream(senderPort: 8_443, receiverPort: 51_000, senderIsClient: true, evidence: .firstSender),
            MidStream(senderPort: 22, receiverPort: 80, senderIsClient: true, evidence: .firstSender),
        ])
    func rolesMidStream(_ row: MidStream) throws {
        var tracker = makeTracker()
        let sender = Endpoint(ip: IPAddress(v4: 0x0A00_0005), port: row.senderPort)
        let receiver = Endpoint(ip: IPAddress(v4: 0x0A00_0006), port: row.receiverPort)
        tracker.feed(
            TestPacket(src: sender, dst: receiver, seq: 77, ack: 88, flags: [.ack, .psh], payload: "x", time: .zero))
        let record = try #require(tracker.handler.records.first)
        #expect(record.info.client == (row.senderIsClient ? sender : receiver))
        #expect(record.info.roleEvidence == row.evidence)
        let direction: StreamDirection = row.senderIsClient ? .clientToServer : .serverToClient
        #expect(record.chunks(direction) == [.data("x")])
    }

    @Test("both directions reach the handler with their direction; FIN from both closes and removes")
    func bothDirectionsAndFINClose() throws {
        var tracker = makeTracker()
        var c = Conversation()
        for p in c.handshake() { tracker.feed(p) }
        tracker.feed(c.send(.clientToServer, [.psh], "GET /"))
        tracker.feed(c.send(.serverToClient, [.psh], "200 OK"))
        tracker.feed(c.send(.clientToServer, [.fin]))
        #expect(tracker.connectionCount == 1)
        tracker.feed(c.send(.serverToClient, [.fin]))
        #expect(tracker.connectionCount == 0)
        tracker.feed(c.send(.clientToServer))  // the last ACK must not bring the connection back
        #expect(tracker.connectionCount == 0)

        let record = try #require(tracker.handler.records.first)
        #expect(record.chunks(.clientToServer) == [.data("GET /"), .end(.fin)])
        #expect(record.chunks(.serverToClient) == [.data("200 OK"), .end(.fin)])
        #expect(record.closed == .fin)
        #expect(record.closeCalls == 1)
        #expect(tracker.handler.records.count == 1)
        #expect(tracker.counters.connectionsOpened == 1)
        #expect(tracker.counters.connectionsClosed == 1)
        #expect(tracker.counters.streams.bytesDelivered == 11)
    }

    @Test("a RST ends both directions and the connection")
    func resetCloses() throws {
        var tracker = makeTracker()
        var c = Conversation()
        for p in c.handshake() { tracker.feed(p) }
        tracker.feed(c.send(.clientToServer, [.psh], "hello"))
        tracker.feed(c.send(.serverToClient, [.rst]))
        #expect(tracker.connectionCount == 0)
        let record = try #require(tracker.handler.records.first)
        #expect(record.chunks(.clientToServer) == [.data("hello"), .end(.rst)])
        #expect(record.chunks(.serverToClient) == [.end(.rst)])
        #expect(record.closed == .rst)
    }

    struct Idle: Sendable, CustomTestStringConvertible {
        let idleNanoseconds: Int64
        let expires: Bool
        var testDescription: String { "idle \(idleNanoseconds) ns" }
    }

    @Test(
        "expire(now:) ends connections idle for the timeout, not one nanosecond sooner",
        arguments: [
            Idle(idleNanoseconds: 9_999_999_999, expires: false), Idle(idleNanoseconds: 10_000_000_000, expires: true),
        ])
    func idleTimeout(_ row: Idle) throws {
        var tracker = makeTracker(ConnectionLimits(idleTimeout: .seconds(10)))
        var c = Conversation()
        for p in c.handshake() { tracker.feed(p) }
        tracker.feed(c.send(.clientToServer, [.psh], "ping"))
        tracker.expire(now: c.time + TimeSpan(nanoseconds: row.idleNanoseconds))
        let record = try #require(tracker.handler.records.first)
        if row.expires {
            #expect(tracker.connectionCount == 0)
            #expect(record.chunks(.clientToServer) == [.data("ping"), .end(.timeout)])
            #expect(record.chunks(.serverToClient) == [.end(.timeout)])
            #expect(record.closed == .timeout)
            #expect(tracker.counters.connectionsTimedOut == 1)
        } else {
            #expect(tracker.connectionCount == 1)
            #expect(record.closed == nil)
            #expect(tracker.counters.connectionsTimedOut == 0)
        }
    }

    @Test("expiry stops at the first connection still active")
    func expiryIsOrderedByActivity() {
        var tracker = makeTracker(ConnectionLimits(idleTimeout: .seconds(10)))
        var old = Conversation(client: Endpoint(ip: IPAddress(v4: 0x0A00_0001), port: 50_001), startSeconds: 100)
        var recent = Conversation(client: Endpoint(ip: IPAddress(v4: 0x0A00_0001), port: 50_002), startSeconds: 200)
        tracker.feed(old.send(.clientToServer, [.syn]))
        tracker.feed(recent.send(.clientToServer, [.syn]))
        tracker.expire(now: Timestamp(seconds: 150, nanoseconds: 0))
        #expect(tracker.connectionCount == 1)
        #expect(tracker.handler.records.map(\.closed) == [.timeout, nil])
    }

    @Test(
        "the table holds max connections; one more evicts the least recently active",
        arguments: [2, 3])
    func eviction(connections: Int) {
        var tracker = makeTracker(ConnectionLimits(maxConnections: 2))
        var conversations = (0..<connections).map {
            Conversation(
                client: Endpoint(ip: IPAddress(v4: 0x0A00_0001), port: 50_000 + UInt16($0)),
                startSeconds: 100 + 10 * Int64($0))
        }
        tracker.feed(conversations[0].send(.clientToServer, [.syn]))
        tracker.feed(conversations[1].send(.clientToServer, [.syn]))
        tracker.feed(conversations[0].send(.clientToServer, [.psh], "a"))  // the first is now the more recent
        if connections == 3 { tracker.feed(conversations[2].send(.clientToServer, [.syn])) }

        #expect(tracker.connectionCount == 2)
        let closed = tracker.handler.records.map(\.closed)
        if connections == 3 {
            #expect(closed == [nil, .evicted, nil])
            #expect(tracker.handler.records[1].chunks(.clientToServer) == [.end(.evicted)])
            #expect(tracker.counters.connectionsEvicted == 1)
        } else {
            #expect(closed == [nil, nil])
            #expect(tracker.counters.connectionsEvicted == 0)
        }
    }

    @Test("finishAll flushes held bytes with gaps and ends everything with end-of-capture")
    func finishAllFlushes() throws {
        var tracker = makeTracker()
        var c = Conversation()
        for p in c.handshake() { tracker.feed(p) }
        tracker.feed(c.send(.clientToServer, [.psh], "a"))
        _ = c.send(.clientToServer, [.psh], "b")  // lost; the server never acknowledges past it
        let third = c.send(.clientToServer, [.psh], "c")
        tracker.feed(third)
        #expect(tracker.bufferedBytes == 1)
        tracker.finishAll()
        let record = try #require(tracker.handler.records.first)
        #expect(record.chunks(.clientToServer) == [.data("a"), .gap(1), .data("c"), .end(.endOfCapture)])
        #expect(record.chunks(.serverToClient) == [.end(.endOfCapture)])
        #expect(record.closed == .endOfCapture)
        #expect(tracker.connectionCount == 0)
        #expect(tracker.bufferedBytes == 0)
        #expect(tracker.counters.streams.gapBytes == 1)
    }
}
