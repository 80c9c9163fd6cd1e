// Runs captures through the decoder, the TCP tracker and the dissectors in-process, and helpers to read
// the fixtures and events.

import Capture
import DissectorKit
import DissectorRegistry
import Events
import Foundation
import NetModel
import PacketDecoding
import TCPStreams
import TLSAnalysis
import Testing

enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    static let pcaps = directory.appendingPathComponent("pcaps")

    static var captureNames: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: pcaps.path)) ?? []).filter { $0.hasSuffix(".pcap") }.sorted()
    }

    static func path(_ name: String) -> String { pcaps.appendingPathComponent(name).path }

    /// scenarios.json: capture name → connections with their guaranteed facts.
    static func scenarios() throws -> [String: [[String: Any]]] {
        let data = try Data(contentsOf: directory.appendingPathComponent("scenarios.json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var out: [String: [[String: Any]]] = [:]
        for (name, value) in root {
            out[name] = (value as? [String: Any])?["connections"] as? [[String: Any]] ?? []
        }
        return out
    }

    /// Every TLS port the fixtures use.
    static let ports: [UInt16] = [443, 993, 995, 5223, 8443, 8883, 9243, 8444, 4433]
}

/// In-process run of one capture.
struct TLSRun {
    var events: [Event] = []
    var counters = DissectorCounters()

    init(_ pcap: String, settings: TLSSettings = .standard, ports: [UInt16] = Fixtures.ports) throws {
        let source = try PcapHandle.openOffline(path: pcap)
        defer { source.close() }
        var decoder = PacketDecoder(linkType: LinkType(rawValue: source.linkType))
        var tracker = TCPConnectionTracker(
            handler: Dissectors(settings: DissectorSettings(tls: settings, tlsPorts: ports, tlsClient: 1)))
        var packet = DecodedPacket()
        let cache = TLSEventCache()
        var last = Timestamp.zero
        loop: while true {
            switch source.next() {
            case .packet(let frame):
                last = max(last, frame.timestamp)
                guard case .decoded = decoder.decode(frame.data, wireLength: frame.wireLength, timestamp: frame.timestamp, into: &packet),
                    packet.transport == .tcp
                else { continue }
                tracker.process(packet)
                tracker.handler.drain { events.append($0.report.event(cache: cache)) }
            case .timeout: continue
            default: break loop
            }
        }
        tracker.expire(now: last)
        tracker.finishAll(reason: .endOfCapture)
        tracker.handler.drain { events.append($0.report.event(cache: cache)) }
        counters = tracker.handler.counters
    }

    /// The event of the connection from `client` ("ip:port").
    func event(client: String) -> Event? {
        events.first { e in
            guard case .string(let ip)? = e.value(at: "client.ip"), case .uint(let port)? = e.value(at: "client.port") else { return false }
            return client == (ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)")
        }
    }
}

/// The bytes of a capture's TCP connections in capture order: (from the first sender?, payload), used to
/// feed a TLSConnection directly.
struct Conversation {
    var client: Endpoint
    var server: Endpoint
    var start: Timestamp
    var segments: [(fromClient: Bool, bytes: [UInt8])] = []

    /// The TCP payloads of each connection of `pcap`, in order; retransmissions are not removed, so the
    /// fixtures used with this must be clean (they are: made on a veth pair).
    static func all(_ pcap: String) throws -> [Conversation] {
        let source = try PcapHandle.openOffline(path: pcap)
        defer { source.close() }
        var decoder = PacketDecoder(linkType: LinkType(rawValue: source.linkType))
        var packet = DecodedPacket()
        var conversations: [FlowKey: Conversation] = [:]
        var order: [FlowKey] = []
        loop: while true {
            switch source.next() {
            case .packet(let frame):
                guard case .decoded = decoder.decode(frame.data, wireLength: frame.wireLength, timestamp: frame.timestamp, into: &packet),
                    packet.transport == .tcp
                else { continue }
                let (key, _) = FlowKey.make(src: packet.src, srcPort: packet.srcPort, dst: packet.dst, dstPort: packet.dstPort, ipProtocol: 6)
                let from = Endpoint(ip: packet.src, port: packet.srcPort)
                if conversations[key] == nil {
                    conversations[key] = Conversation(client: from, server: Endpoint(ip: packet.dst, port: packet.dstPort), start: packet.timestamp)
                    order.append(key)
                }
                if packet.payload.count > 0 {
                    conversations[key]!.segments.append((from == conversations[key]!.client, Array(packet.payload)))
                }
            case .timeout: continue
            default: break loop
            }
        }
        return order.compactMap { conversations[$0] }.filter { !$0.segments.isEmpty }
    }

    /// Feeds `chunks` (direction, bytes) to a fresh connection and returns its event as JSON text.
    func run(_ chunks: [(fromClient: Bool, bytes: [UInt8])], settings: TLSSettings = .standard) -> String? {
        var c = TLSConnection(client: client, server: server, firstSeen: start, settings: settings)
        var event: Event? = nil
        for chunk in chunks where event == nil {
            _ = chunk.bytes.withUnsafeBytes { c.receive($0, fromClient: chunk.fromClient, at: start) }
            event = c.takeEvent()
        }
        if event == nil { event = c.finish(at: start)?.event() }
        return event.map { JSONEventEncoder(identity: BeatIdentity(version: "test")).encode($0) }
    }
}

extension Event {
    func string(_ path: String) -> String? { value(at: path)?.string }

    func bool(_ path: String) -> Bool? {
        if case .bool(let b)? = value(at: path) { return b }
        return nil
    }

    func strings(_ path: String) -> [String]? {
        guard case .array(let items)? = value(at: path) else { return nil }
        return items.compactMap(\.string)
    }
}
