// Every fact the fixture generator guarantees for each TLS connection (Fixtures/scenarios.json, checked
// there against tshark with the session keys) must come out of wirebeat's events.

import Events
import Foundation
import TLSAnalysis
import Testing

@Suite struct ScenarioTests {
    static var captures: [String] { Fixtures.captureNames }

    @Test(arguments: captures)
    func eventsCarryTheScenarioFacts(capture: String) throws {
        let scenarios = try Fixtures.scenarios()
        let connections = try #require(scenarios[capture], "no scenario for \(capture)")
        let run = try TLSRun(Fixtures.path(capture))
        #expect(run.events.count == connections.count, "\(capture): \(run.events.count) events for \(connections.count) connections")
        for c in connections {
            let client = try #require(c["client"] as? String)
            let e = try #require(run.event(client: client), "\(capture): no event for \(client)")
            let ctx = "\(capture) \(client)"
            if let v = c["version"] as? String { #expect(e.string("tls.version") == v, "\(ctx) version") }
            if let v = c["cipher"] as? String { #expect(e.string("tls.cipher") == v, "\(ctx) cipher") }
            if let v = c["sni"] as? String { #expect(e.string("tls.client.server_name") == v, "\(ctx) sni") }
            if let v = c["established"] as? Bool {
                #expect(e.bool("tls.established") == v, "\(ctx) established")
                #expect(e.string("status") == (v ? "OK" : "Error"), "\(ctx) status")
            }
            if let v = c["resumed"] as? Bool { #expect(e.bool("tls.resumed") == v, "\(ctx) resumed") }
            #expect(e.string("tls.detailed.resumption_method") == c["resumption_method"] as? String, "\(ctx) resumption method")
            if let hrr = c["hello_retry_request"] as? Bool {
                #expect((e.value(at: "tls.detailed.hello_retry_request") != nil) == hrr, "\(ctx) hrr")
                #expect((e.string("tls.detailed.history") ?? "").contains("j") == hrr, "\(ctx) history j")
            }
            if c["client_certificate_request_visible"] as? Bool == true {
                #expect(e.bool("tls.detailed.client_certificate_requested") == c["client_certificate_requested"] as? Bool, "\(ctx) cert requested")
            }
            if c["client_certificate_visible"] as? Bool == true {
                #expect(e.value(at: "tls.client.x509.subject.common_name") != nil, "\(ctx) client certificate")
                #expect(e.value(at: "tls.detailed.client_certificate") != nil, "\(ctx) detailed client certificate")
            } else {
                #expect(e.value(at: "tls.client.x509") == nil, "\(ctx) no client certificate on the wire")
            }
            if c["server_certificate_visible"] as? Bool == true {
                #expect(e.string("tls.server.x509.subject.common_name") != nil, "\(ctx) server certificate")
                #expect(e.value(at: "tls.server.hash.sha1") != nil, "\(ctx) sha1")
            } else {
                #expect(e.value(at: "tls.server.x509") == nil, "\(ctx) no server certificate on the wire")
            }
            if c["alpn_visible"] as? Bool == true, let alpn = c["alpn_selected"] as? String {
                #expect(e.string("tls.next_protocol") == alpn, "\(ctx) alpn")
            }
            // Alerts sent in the clear before the event was complete are listed with their side.
            let plain = (c["alerts"] as? [[String: Any]] ?? []).filter { $0["encrypted"] as? Bool == false }
            if e.bool("tls.established") == false {
                guard case .array(let listed)? = e.value(at: "tls.detailed.alerts") else {
                    #expect(plain.isEmpty, "\(ctx) alerts missing")
                    continue
                }
                for a in plain {
                    #expect(
                        listed.contains {
                            $0.object?["description"]?.string == a["description"] as? String
                                && $0.object?["source"]?.string == a["from"] as? String
                                && $0.object?["severity"]?.string == a["level"] as? String
                        }, "\(ctx) alert \(a)")
                }
            }
        }
    }

    @Test func theHistoryFollowsZeeksLetters() throws {
        let run = try TLSRun(Fixtures.path("tls12-rsa.pcap"))
        let history = try #require(run.events.first?.string("tls.detailed.history"))
        // Client hello, server hello, certificate, key exchange, hello done, client key exchange, CCS both ways.
        #expect(history.hasPrefix("Csxkn"), "\(history)")
        #expect(history.contains("G") && history.contains("I") && history.contains("i"), "\(history)")
        let tls13 = try TLSRun(Fixtures.path("tls13.pcap"))
        #expect(tls13.events.first?.string("tls.detailed.history")?.hasPrefix("Cs") == true)
    }

    @Test func tls13MiddleboxSessionIDEchoIsNotResumption() throws {
        // Packetbeat reports the echoed session id of a full TLS 1.3 handshake as resumption by id; we do not.
        let run = try TLSRun(Fixtures.path("tls13.pcap"))
        let e = try #require(run.events.first)
        #expect(e.string("tls.detailed.client_hello.session_id") == e.string("tls.detailed.server_hello.session_id"))
        #expect(e.bool("tls.resumed") == false)
        #expect(e.value(at: "tls.detailed.resumption_method") == nil)
    }

    @Test func aSecondClientHelloIsAnAnomalyOnlyWithoutAHelloRetryRequest() throws {
        let hrr = try TLSRun(Fixtures.path("tls13-hrr.pcap"))
        #expect(hrr.events.first?.string("tls.detailed.history")?.hasPrefix("Cj") == true)
        #expect(hrr.events.first?.value(at: "tls.detailed.anomalies") == nil)
        // The same ClientHello sent twice, with no HelloRetryRequest between: a replay or renegotiation.
        let conversation = try #require(try Conversation.all(Fixtures.path("tls12-rsa.pcap")).first)
        let hello = try #require(conversation.segments.first)
        #expect(hello.fromClient)
        let twice = [hello] + conversation.segments
        let json = try #require(conversation.run(twice))
        #expect(json.contains("\"tls.handshake.second_client_hello\""), "\(json)")
    }

    @Test func curveComesFromTheKeyExchange() throws {
        let tls12 = try TLSRun(Fixtures.path("tls12-rsa.pcap"))
        #expect(tls12.events.first?.string("tls.curve") != nil)
        let hrr = try TLSRun(Fixtures.path("tls13-hrr.pcap"))
        // The HelloRetryRequest asked for P-256; the final ServerHello's key share is in that group.
        #expect(hrr.events.first?.string("tls.curve") == "secp256r1")
        #expect(hrr.events.first?.string("tls.detailed.hello_retry_request.selected_group") == "secp256r1")
    }
}
