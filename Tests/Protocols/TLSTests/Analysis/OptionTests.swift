// The TLS options' effects (reference packetbeat-tls-events.md, "Option effects"), detection on any port,
// and the moments an event is published.

import Events
import Foundation
import NetModel
import TLSAnalysis
import Testing

@Suite struct OptionTests {
    let capture = Fixtures.path("tls12-client-cert.pcap")

    @Test func defaultsGiveSHA1AndCertificatesButNoPEM() throws {
        let e = try #require(try TLSRun(capture).events.first)
        #expect(e.value(at: "tls.server.hash.sha1")?.string?.count == 40)
        #expect(e.value(at: "tls.server.hash.md5") == nil)
        #expect(e.value(at: "tls.server.certificate_chain") == nil)
        #expect(e.string("tls.server.subject")?.contains("CN=") == true)
        #expect(e.value(at: "tls.detailed.server_certificate.serial_number") != nil)
        #expect(e.value(at: "tls.detailed") != nil)
    }

    @Test func sendCertificatesFalseDropsEveryCertificateField() throws {
        let e = try #require(try TLSRun(capture, settings: TLSSettings(sendCertificates: false, includeRawCertificates: true)).events.first)
        for key in ["tls.server.hash", "tls.server.subject", "tls.server.x509", "tls.server.certificate_chain",
                    "tls.client.x509", "tls.detailed.server_certificate", "tls.detailed.client_certificate"] {
            #expect(e.value(at: key) == nil, "\(key) present")
        }
        #expect(e.string("tls.cipher") != nil)
    }

    @Test func rawCertificatesArePEMLeafFirst() throws {
        let e = try #require(try TLSRun(capture, settings: TLSSettings(includeRawCertificates: true)).events.first)
        let chain = try #require(e.strings("tls.server.certificate_chain"))
        #expect(chain.count >= 1)
        #expect(chain.allSatisfy { $0.hasPrefix("-----BEGIN CERTIFICATE-----\n") && $0.hasSuffix("-----END CERTIFICATE-----\n") })
        #expect(e.strings("tls.client.certificate_chain")?.isEmpty == false)
    }

    @Test func notDetailedKeepsOnlyTheECSKeys() throws {
        let e = try #require(try TLSRun(capture, settings: TLSSettings(includeDetailedFields: false)).events.first)
        #expect(e.value(at: "tls.detailed") == nil)
        #expect(e.value(at: "tls.server.x509.serial_number") != nil)
        #expect(e.value(at: "tls.client.ja3") != nil)
    }

    @Test func everyFingerprintIsUpperCaseHex() throws {
        let e = try #require(try TLSRun(capture, settings: TLSSettings(fingerprints: [.md5, .sha1, .sha256])).events.first)
        let lengths = ["md5": 32, "sha1": 40, "sha256": 64]
        for (alg, n) in lengths {
            let v = try #require(e.string("tls.server.hash.\(alg)"))
            #expect(v.count == n)
            #expect(v == v.uppercased() && v.allSatisfy(\.isHexDigit))
        }
    }

    @Test func tlsOnAnUnclaimedPortIsFoundOnlyWithDetectAllPorts() throws {
        for capture in ["port-8444.pcap", "port-4433.pcap"] {
            let off = try TLSRun(Fixtures.path(capture), ports: [443])
            #expect(off.events.isEmpty)
            let on = try TLSRun(Fixtures.path(capture), settings: TLSSettings(detectAllPorts: true), ports: [443])
            #expect(on.events.count == 1)
            #expect(on.counters.detected == 1)
            #expect(on.events.first?.string("tls.version") != nil)
        }
    }

    @Test func nonTLSOnAProbedConnectionIsLeftAlone() throws {
        // The HTTP connections of the bundled sample, probed by content, are not TLS.
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Integration/pcaps/sample.pcap").path
        let run = try TLSRun(sample, settings: TLSSettings(detectAllPorts: true), ports: [1])
        #expect(run.counters.probed >= 3)
        #expect(run.counters.detected == 2)  // the two TLS connections on 8443, found by content
        #expect(run.events.count == 2)
    }
}

@Suite struct PublicationTests {
    @Test func theEventIsReadyWhenBothSidesAreEncrypted() throws {
        let conversation = try #require(try Conversation.all(Fixtures.path("tls12-rsa.pcap")).first)
        var c = TLSConnection(client: conversation.client, server: conversation.server, firstSeen: conversation.start, settings: .standard)
        var readyAt: Int? = nil
        for (i, s) in conversation.segments.enumerated() {
            _ = s.bytes.withUnsafeBytes { c.receive($0, fromClient: s.fromClient, at: conversation.start) }
            if c.takeEvent() != nil {
                readyAt = i
                break
            }
        }
        // Published within the handshake, before the application data and the closing alerts.
        let index = try #require(readyAt)
        #expect(index < conversation.segments.count - 1)
    }

    @Test func aConnectionHasNothingMoreToReportOnceReportedOrWhenItCannotBeTLS() throws {
        let conversation = try #require(try Conversation.all(Fixtures.path("tls12-rsa.pcap")).first)
        var c = TLSConnection(client: conversation.client, server: conversation.server, firstSeen: conversation.start, settings: .standard)
        var reported = false
        for s in conversation.segments where !reported {
            #expect(!c.hasNothingMoreToReport)
            _ = s.bytes.withUnsafeBytes { c.receive($0, fromClient: s.fromClient, at: conversation.start) }
            reported = c.takeEvent() != nil
        }
        #expect(reported)
        #expect(c.hasNothingMoreToReport)
        #expect(c.finish(at: conversation.start) == nil)

        // Plain text both ways: each side stops at its first bytes, and there is no handshake to report.
        var text = TLSConnection(client: conversation.client, server: conversation.server, firstSeen: conversation.start, settings: .standard)
        _ = Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8).withUnsafeBytes { text.receive($0, fromClient: true, at: conversation.start) }
        #expect(!text.hasNothingMoreToReport)  // the server may still answer with a handshake
        _ = Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8).withUnsafeBytes { text.receive($0, fromClient: false, at: conversation.start) }
        #expect(text.hasNothingMoreToReport)
        #expect(text.finish(at: conversation.start) == nil)
    }

    @Test func binaryThatOnlyLooksLikeAnSSLv2HeaderStopsAtItsFirstBytes() throws {
        // A client's first byte with the high bit set reads as an SSL 2.0 record header (here claiming 8,988
        // bytes). Its third byte is not CLIENT-HELLO, so the client side stops at once instead of holding bytes
        // until the claimed record is complete; with the server's binary answer nothing is left to report.
        let conversation = try #require(try Conversation.all(Fixtures.path("tls12-rsa.pcap")).first)
        var c = TLSConnection(client: conversation.client, server: conversation.server, firstSeen: conversation.start, settings: .standard)
        let binary: [UInt8] = [0xa3, 0x1c, 0x06, 0xbd, 0x46, 0x3e, 0x39, 0x23, 0xbc, 0x1a, 0xad, 0xbd] + Array(repeating: 0x55, count: 200)
        _ = binary.withUnsafeBytes { c.receive($0, fromClient: true, at: conversation.start) }
        #expect(!c.hasNothingMoreToReport)  // the server may still answer with a handshake
        _ = binary.withUnsafeBytes { c.receive($0, fromClient: false, at: conversation.start) }
        #expect(c.hasNothingMoreToReport)
        #expect(c.finish(at: conversation.start) == nil)

        // The same bytes cut after the header: too few to decide, so the client side waits for more.
        var short = TLSConnection(client: conversation.client, server: conversation.server, firstSeen: conversation.start, settings: .standard)
        _ = Array(binary.prefix(2)).withUnsafeBytes { short.receive($0, fromClient: true, at: conversation.start) }
        _ = binary.withUnsafeBytes { short.receive($0, fromClient: false, at: conversation.start) }
        #expect(!short.hasNothingMoreToReport)
    }

    @Test func aGapEndsParsingAndPublishesWhatIsKnown() throws {
        let conversation = try #require(try Conversation.all(Fixtures.path("tls12-rsa.pcap")).first)
        var c = TLSConnection(client: conversation.client, server: conversation.server, firstSeen: conversation.start, settings: .standard)
        let hello = try #require(conversation.segments.first)
        _ = hello.bytes.withUnsafeBytes { c.receive($0, fromClient: true, at: conversation.start) }
        _ = c.gap(100, fromClient: false, at: conversation.start)
        #expect(c.takeEvent() == nil)  // the client side is still parsing
        _ = c.gap(10, fromClient: true, at: conversation.start)
        let published = c.takeEvent()
        let e = try #require(published)
        #expect(e.bool("tls.established") == false)
        #expect(e.strings("tls.detailed.anomalies")?.contains("tls.stream.gap") == true)
        #expect(e.string("tls.client.server_name") != nil)
    }

    @Test func theTransactionTimeoutPublishesAnUnfinishedHandshake() throws {
        let conversation = try #require(try Conversation.all(Fixtures.path("tls12-rsa.pcap")).first)
        var c = TLSConnection(
            client: conversation.client, server: conversation.server, firstSeen: conversation.start,
            settings: TLSSettings(transactionTimeout: .seconds(10)))
        let hello = try #require(conversation.segments.first)
        _ = hello.bytes.withUnsafeBytes { c.receive($0, fromClient: true, at: conversation.start) }
        #expect(c.takeEvent() == nil)
        let later = Timestamp(nanoseconds: conversation.start.nanoseconds + 11_000_000_000)
        _ = [UInt8]().withUnsafeBytes { c.receive($0, fromClient: true, at: later) }
        let published = c.takeEvent()
        let e = try #require(published)
        #expect(e.strings("tls.detailed.anomalies")?.contains("tls.handshake.timeout") == true)
        #expect(c.takeEvent() == nil)  // only once
    }

    @Test func aConnectionThatNeverSpokeTLSPublishesNothing() {
        var c = TLSConnection(
            client: Endpoint(ip: IPAddress("10.0.0.1")!, port: 1000), server: Endpoint(ip: IPAddress("10.0.0.2")!, port: 443),
            firstSeen: .zero, settings: .standard)
        _ = Array("GET / HTTP/1.1\r\n\r\n".utf8).withUnsafeBytes { c.receive($0, fromClient: true, at: .zero) }
        #expect(c.finish(at: .zero) == nil)
    }
}
