// Connection tracking policies: declined connections, handlers that finish early, acknowledgment gaps,
// what creates a connection, tuple reuse and the shared storage budget.

import NetModel
import PacketDecoding
import TCPStreams
import Testing

@Suite("TCPConnectionTracker policies")
struct TrackerPolicyTests {
    @Test("a declined connection is tracked for its lifecycle but nothing is delivered")
    func declinedConnection() {
        var tracker = makeTracker(handler: RecordingHandler(declinePort: 443))
        var c = Conversation()
        for p in c.handshake() { tracker.feed(p) }
        tracker.feed(c.send(.clientToServer, [.psh], "secret"))
        #expect(tracker.connectionCount == 1)
        tracker.feed(c.send(.clientToServer, [.fin]))
        tracker.feed(c.send(.serverToClient, [.fin]))
        #expect(tracker.connectionCount == 0)
        #expect(tracker.handler.records.isEmpty)
        #expect(tracker.counters.connectionsIgnored == 1)
        #expect(tracker.counters.connectionsClosed == 1)
        #expect(tracker.counters.streams.bytesDelivered == 0)
    }

    @Test("a declined connection stores no out-of-order bytes")
    func declinedStoresNothing() {
        var tracker = makeTracker(handler: RecordingHandler(declinePort: 443))
        var c = Conversation()
        for p in c.handshake() { tracker.feed(p) }
        _ = c.send(.clientToServer, [.psh], "lost")
        tracker.feed(c.send(.clientToServer, [.psh], "later"))
        #expect(tracker.bufferedBytes == 0)
    }

    @Test("a handler answering done gets no more chunks, but close still comes")
    func handlerDone() throws {
        var tracker = makeTracker(handler: RecordingHandler(doneAfterDataChunks: 1))
        var c = Conversation()
        for p in c.handshake() { tracker.feed(p) }
        tracker.feed(c.send(.clientToServer, [.psh], "hello"))
        tracker.feed(c.send(.serverToClient, [.psh], "world"))
        _ = c.send(.clientToServer, [.psh], "lost")
        tracker.feed(c.send(.clientToServer, [.psh], "held?"))
        #expect(tracker.bufferedBytes == 0)
        tracker.feed(c.send(.clientToServer, [.fin]))
        tracker.feed(c.send(.serverToClient, [.fin]))
        let record = try #require(tracker.handler.records.first)
        #expect(record.chunks(.clientToServer) == [.data("hello")])
        #expect(record.chunks(.serverToClient) == [])
        #expect(record.closed == .fin)
        #expect(tracker.connectionCount == 0)
    }

    @Test("stream counters count live connections, stop when the handler is done, and survive the close")
    func streamCountersAcrossTheLifecycle() {
        var tracker = makeTracker(handler: RecordingHandler(doneAfterDataChunks: 2))
        var wanted = Conversation()
        var other = Conversation(client: Endpoint(ip: IPAddress(v4: 0x0A00_0003), port: 52_000))
        for p in wanted.handshake() { tracker.feed(p) }
        for p in other.handshake() { tracker.feed(p) }
        tracker.feed(wanted.send(.clientToServer, [.psh], "abc"))
        tracker.feed(other.send(.clientToServer, [.psh], "0123456789"))
        // Both connections are live: their bytes count as they arrive.
        #expect(tracker.counters.streams.bytesDelivered == 13)
        tracker.feed(wanted.send(.serverToClient, [.psh], "de"))  // the handler's second chunk: done after it
        #expect(tracker.counters.streams.bytesDelivered == 15)
        tracker.feed(wanted.send(.clientToServer, [.psh], "not counted"))
        #expect(tracker.counters.streams.bytesDelivered == 15)
        tracker.feed(other.send(.serverToClient, [.psh], "xyz"))  // the other's second chunk
        #expect(tracker.counters.streams.bytesDelivered == 18)
        for c in [wanted, other] {
            var c = c
            tracker.feed(c.send(.clientToServer, [.fin]))
            tracker.feed(c.send(.serverToClient, [.fin]))
        }
        #expect(tracker.connectionCount == 0)
        #expect(tracker.counters.streams.bytesDelivered == 18)
        #expect(tracker.counters.connectionsClosed == 2)
    }

    @Test("the peer's ACK past missing bytes reports the gap before the peer's own data")
    func ackDeclaresGap() throws {
        var tracker = makeTracker()
        var c = Conversation()
        for p in c.handshake() { tracker.feed(p) }
        tracker.feed(c.send(.clientToServer, [.psh], "ab"))
        _ = c.send(.clientToServer, [.psh], "cde")  // lost by the capture, received by the server
        tracker.feed(c.send(.serverToClient, [.psh], "ok"))
        let record = try #require(tracker.handler.records.first)
        #expect(record.chunks(.clientToServer) == [.data("ab"), .gap(3)])
        let order = record.timeline.map { "\($0.0 == .clientToServer ? "c" : "s"):\($0.1)" }
        #expect(order == ["c:data(\"ab\")", "c:gap(3)", "s:data(\"ok\")"])
        #expect(tracker.counters.streams.gapBytes == 3)
    }

    @Test("a pure ACK, a lone FIN or a lone RST does not create a connection")
    func whatCreatesAConnection() {
        var tracker = makeTracker()
        var c = Conversation()
        tracker.feed(c.send(.clientToServer))
        tracker.feed(c.send(.clientToServer, [.fin]))
        tracker.feed(c.send(.serverToClient, [.rst]))
        #expect(tracker.connectionCount == 0)
        #expect(tracker.counters.connectionsOpened == 0)
    }

    @Test("non-TCP packets are ignored")
    func nonTCPIgnored() {
        var tracker = makeTracker()
        var c = Conversation()
        var p = c.send(.clientToServer, [.psh], "dns?")
        p.transport = .udp
        tracker.feed(p)
        #expect(tracker.connectionCount == 0)
    }

    @Test("a fresh SYN on a tuple that carried data starts a new connection and evicts the old one")
    func tupleReuse() {
        var tracker = makeTracker()
        var first = Conversation(clientISN: 1_000)
        for p in first.handshake() { tracker.feed(p) }
        tracker.feed(first.send(.clientToServer, [.psh], "one"))
        var second = Conversation(clientISN: 777_000, startSeconds: 200)
        for p in second.handshake() { tracker.feed(p) }
        tracker.feed(second.send(.clientToServer, [.psh], "two"))

        #expect(tracker.connectionCount == 1)
        #expect(tracker.counters.connectionsReplaced == 1)
        #expect(tracker.handler.records.count == 2)
        #expect(tracker.handler.records[0].closed == .evicted)
        #expect(tracker.handler.records[0].chunks(.clientToServer) == [.data("one"), .end(.evicted)])
        #expect(tracker.handler.records[1].chunks(.clientToServer) == [.data("two")])
    }

    @Test("a retransmitted SYN after data does not replace the connection")
    func synRetransmissionAfterData() {
        var tracker = makeTracker()
        var c = Conversation(clientISN: 1_000)
        let handshake = c.handshake()
        for p in handshake { tracker.feed(p) }
        tracker.feed(c.send(.clientToServer, [.psh], "one"))
        tracker.feed(handshake[0])
        tracker.feed(c.send(.clientToServer, [.psh], "two"))
        #expect(tracker.handler.records.count == 1)
        #expect(tracker.counters.connectionsReplaced == 0)
        #expect(tracker.handler.records[0].chunks(.clientToServer) == [.data("onetwo")])
    }

    @Test("both directions of a connection share its storage budget")
    func perConnectionBudget() throws {
        var tracker = makeTracker(ConnectionLimits(maxBufferedBytesPerConnection: 10))
        var c = Conversation()
        for p in c.handshake() { tracker.feed(p) }
        _ = c.send(.clientToServer, [.psh], "x")
        let clientHeld = c.send(.clientToServer, [.psh], "12345678")
        _ = c.send(.serverToClient, [.psh], "y")
        var serverAhead = c.send(.serverToClient, [.psh], "abcde")
        serverAhead.ack = clientHeld.seq &- 1  // acknowledges only up to the client's hole
        tracker.feed(clientHeld)
        #expect(tracker.bufferedBytes == 8)
        tracker.feed(serverAhead)
        let record = try #require(tracker.handler.records.first)
        #expect(record.chunks(.serverToClient) == [.gap(1), .data("abcde")])
        #expect(tracker.bufferedBytes == 8)
        #expect(tracker.counters.streams.storageLimitHits == 1)
    }

    @Test("the tracker-wide budget bounds all connections together")
    func totalBudget() {
        var tracker = makeTracker(ConnectionLimits(maxBufferedBytesTotal: 6))
        var a = Conversation(client: Endpoint(ip: IPAddress(v4: 0x0A00_0001), port: 50_001))
        var b = Conversation(client: Endpoint(ip: IPAddress(v4: 0x0A00_0001), port: 50_002))
        for p in a.handshake() + b.handshake() { tracker.feed(p) }
        _ = a.send(.clientToServer, [.psh], "x")
        tracker.feed(a.send(.clientToServer, [.psh], "1234"))
        _ = b.send(.clientToServer, [.psh], "y")
        tracker.feed(b.send(.clientToServer, [.psh], "5678"))
        #expect(tracker.bufferedBytes == 4)
        #expect(tracker.handler.records[1].chunks(.clientToServer) == [.gap(1), .data("5678")])
    }
}
