// Helpers for connection tracker tests: a recording handler and a conversation that numbers segments.

import NetModel
import PacketDecoding
import TCPStreams

/// Records every call, per connection, as comparable values.
struct RecordingHandler: TCPStreamHandler {
    struct Record {
        var info: ConnectionInfo
        var clientToServer = ChunkRecorder()
        var serverToClient = ChunkRecorder()
        /// Every chunk in the order delivered, with its direction.
        var timeline: [(StreamDirection, Chunk)] = []
        var closed: StreamEndReason?
        var closeCalls = 0

        func chunks(_ direction: StreamDirection) -> [Chunk] {
            direction == .clientToServer ? clientToServer.chunks : serverToClient.chunks
        }
    }

    var records: [Record] = []
    /// Connections to this server port are declined.
    var declinePort: UInt16?
    /// After this many `data` chunks on a connection the handler answers `.done`.
    var doneAfterDataChunks: Int?

    mutating func open(connection: ConnectionInfo) -> Int? {
        if connection.server.port == declinePort { return nil }
        records.append(Record(info: connection))
        return records.count - 1
    }

    mutating func receive(
        _ chunk: StreamChunk, from direction: StreamDirection, at timestamp: Timestamp, state: inout Int
    ) -> StreamInterest {
        if direction == .clientToServer {
            records[state].clientToServer.record(chunk)
        } else {
            records[state].serverToClient.record(chunk)
        }
        records[state].timeline.append((direction, Chunk(chunk)))
        if let limit = doneAfterDataChunks {
            let seen = records[state].clientToServer.rawDataCount + records[state].serverToClient.rawDataCount
            if seen >= limit { return .done }
        }
        return .more
    }

    mutating func close(state: inout Int, reason: StreamEndReason, at timestamp: Timestamp) {
        records[state].closed = reason
        records[state].closeCalls += 1
    }
}

/// One TCP segment to feed a tracker.
struct TestPacket {
    var src: Endpoint
    var dst: Endpoint
    var seq: UInt32
    var ack: UInt32
    var flags: TCPFlags
    var payload: String
    var time: Timestamp
    var transport: TransportLayer = .tcp
}

extension TCPConnectionTracker {
    /// Decodes nothing: fills a `DecodedPacket` the way the decoder would and processes it.
    mutating func feed(_ p: TestPacket) {
        bytes(p.payload).withUnsafeBytes { buffer in
            var packet = DecodedPacket()
            packet.timestamp = p.time
            packet.network = .ipv4
            packet.src = p.src.ip
            packet.dst = p.dst.ip
            packet.ipProtocol = IPProtocolNumber.tcp
            packet.transport = p.transport
            packet.srcPort = p.src.port
            packet.dstPort = p.dst.port
            packet.tcp.seq = p.seq
            packet.tcp.ack = p.ack
            packet.tcp.flags = p.flags
            packet.payload = buffer
            process(packet)
        }
    }
}

/// Two endpoints exchanging segments, with sequence numbers kept as real TCP would.
struct Conversation {
    static let clientEndpoint = Endpoint(ip: IPAddress(v4: 0x0A00_0001), port: 51_000)
    static let serverEndpoint = Endpoint(ip: IPAddress(v4: 0x0A00_0002), port: 443)

    var client: Endpoint
    var server: Endpoint
    var clientNext: UInt32
    var serverNext: UInt32
    /// Capture time of the last segment, in seconds.
    var seconds: Int64

    init(
        client: Endpoint = Conversation.clientEndpoint, server: Endpoint = Conversation.serverEndpoint,
        clientISN: UInt32 = 1_000, serverISN: UInt32 = 9_000, startSeconds: Int64 = 100
    ) {
        self.client = client
        self.server = server
        self.clientNext = clientISN
        self.serverNext = serverISN
        self.seconds = startSeconds
    }

    var time: Timestamp { Timestamp(seconds: seconds, nanoseconds: 0) }

    /// The next segment from one side; ACK is set (acknowledging everything so far) unless it is the
    /// first SYN. A packet built but never fed is one the capture lost.
    mutating func send(_ direction: StreamDirection, _ flags: TCPFlags = [], _ data: String = "") -> TestPacket {
        seconds += 1
        var flags = flags
        if flags != [.syn] { flags.insert(.ack) }
        let fromClient = direction == .clientToServer
        let seq = fromClient ? clientNext : serverNext
        let ack = fromClient ? serverNext : clientNext
        var advance = UInt32(bytes(data).count)
        if flags.contains(.syn) || flags.contains(.fin) { advance &+= 1 }
        if fromClient { clientNext &+= advance } else { serverNext &+= advance }
        return TestPacket(
            src: fromClient ? client : server, dst: fromClient ? server : client, seq: seq,
            ack: flags.contains(.ack) ? ack : 0, flags: flags, payload: data, time: time)
    }

    /// SYN, SYN-ACK, ACK.
    mutating func handshake() -> [TestPacket] {
        [send(.clientToServer, [.syn]), send(.serverToClient, [.syn, .ack]), send(.clientToServer)]
    }
}
