// TLS that starts in band after a plain-text prologue (STARTTLS, RFC 3207 for SMTP), found on an unclaimed port
// with `detect_all_ports`. The capture is made by scripts/make-starttls-capture; its known answers below were
// read with tshark (`-T fields -e tls.handshake.ja3 -e tls.handshake.extensions_server_name`), not wirebeat.

import DissectorKit
import DissectorRegistry
import Events
import Foundation
import NetModel
import TCPStreams
import TLSAnalysis
import Testing

@Suite struct StartTLSTests {
    static let capture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures-starttls/smtp-starttls.pcap").path

    @Test func smtpUpgradedWithSTARTTLSGivesOneEventOnlyWithDetectAllPorts() throws {
        let off = try TLSRun(Self.capture, ports: [443])
        #expect(off.events.isEmpty)
        let on = try TLSRun(Self.capture, settings: TLSSettings(detectAllPorts: true), ports: [443])
        #expect(on.events.count == 1)
        #expect(on.counters.detected == 1 && on.counters.upgraded == 1)
        let e = try #require(on.events.first)
        #expect(e.value(at: "server.port") == .uint(25))
        #expect(e.string("tls.client.server_name") == "mail.example.test")
        #expect(e.string("tls.client.ja3") == "f146948b4a599d4d7ddf071b74696983")  // tshark's answer
        #expect(e.string("tls.version") == "1.3")
        #expect(e.value(at: "tls.established") == .bool(true))
        // The SMTP dialogue before the upgrade is not TLS and leaves no trace in the analysis.
        #expect(e.value(at: "tls.detailed.anomalies") == nil)
    }

    /// Feeds a conversation's segments to a registry that probes every port, after `prologue` from the client.
    func run(prologue: [UInt8]) throws -> (reports: Int, counters: DissectorCounters) {
        let conversation = try #require(try Conversation.all(Self.capture).first)
        var registry = Dissectors(settings: DissectorSettings(tls: TLSSettings(detectAllPorts: true), tlsPorts: [], tlsClient: 1))
        let (key, sender) = FlowKey.make(
            src: conversation.client.ip, srcPort: conversation.client.port, dst: conversation.server.ip,
            dstPort: conversation.server.port, ipProtocol: 6)
        let opened = registry.open(connection: ConnectionInfo(key: key, clientSide: sender, roleEvidence: .syn, firstSeen: conversation.start))
        var state = try #require(opened)
        var reports = 0
        var segments = conversation.segments
        if !prologue.isEmpty { segments.insert((fromClient: true, bytes: prologue), at: 0) }
        for s in segments {
            _ = s.bytes.withUnsafeBytes { bytes in
                registry.receive(.data(bytes), from: s.fromClient ? .clientToServer : .serverToClient, at: conversation.start, state: &state)
            }
            registry.drain { _ in reports += 1 }
        }
        registry.close(state: &state, reason: .fin, at: conversation.start)
        registry.drain { _ in reports += 1 }
        return (reports, registry.counters)
    }

    /// Bytes of the SMTP dialogue before the ClientHello (about 150).
    func dialogue() throws -> Int {
        try #require(try Conversation.all(Self.capture).first).segments.prefix { $0.bytes.first != 0x16 }
            .reduce(0) { $0 + $1.bytes.count }
    }

    @Test func aPrologueUpToTheLimitIsPassedOver() throws {
        let dialogue = try dialogue()
        let within = try run(prologue: Array(repeating: UInt8(ascii: "x"), count: Dissectors.prologueLimit - dialogue))
        #expect(within.reports == 1 && within.counters.upgraded == 1)
    }

    @Test func aConnectionThatSaysMoreThanTheLimitBeforeAClientHelloIsLeftAlone() throws {
        let dialogue = try dialogue()
        let over = try run(prologue: Array(repeating: UInt8(ascii: "x"), count: Dissectors.prologueLimit - dialogue + 1))
        #expect(over.reports == 0 && over.counters.detected == 0)
    }
}
