// Our fingerprints of real hellos against tools that are not ours: tshark 4.0's JA3/JA3S and FoxIO's JA4 (both
// recorded in CorpusHelloFixture), and the shared corpus's expected.jsonl when it is present next to the repository.

import Foundation
import TLSFingerprint
import Testing

@Suite struct CorpusOracleTests {
    /// Sessions where FoxIO's tools and the JA4 specification disagree; we follow the specification. Each entry gives
    /// section `a` as FoxIO prints it and as the specification makes it; `b` and `c` must agree.
    static let specOverFoxIO: [String: (foxio: String, spec: String)] = [
        // First ALPN protocol is the bytes ba ad: FoxIO's Python and Rust print "99", the spec's hex rule "bd".
        "ja4__tls-non-ascii-alpn.pcapng 192.168.1.168:50112->142.251.16.94:443": ("t13d151699", "t13d1516bd")
    ]

    /// What our JA4 (or JA4_r) must be, given FoxIO's value for `session`.
    static func specValue(foxio: String, session: String) -> String {
        guard let deviation = specOverFoxIO[session], foxio.hasPrefix(deviation.foxio) else { return foxio }
        return deviation.spec + foxio.dropFirst(deviation.foxio.count)
    }

    @Test func fixtureHoldsEveryHelloOfTheCorpus() throws {
        let hellos = try Corpus.hellos()
        #expect(hellos.filter(\.isClientHello).count == 188)
        #expect(hellos.filter { !$0.isClientHello }.count == 103)
        #expect(hellos.filter { $0.transport == "q" }.count == 46)
    }

    @Test func everyClientHelloHasTsharksJA3() throws {
        let clients = try Corpus.hellos().filter(\.isClientHello)
        for hello in clients {
            let ours = JA3.fingerprint(try hello.clientSummary())
            #expect(ours.md5 == hello.tsharkJA3, "\(hello.session) frame \(hello.frame): \(ours.string)")
        }
    }

    @Test func everyServerHelloHasTsharksJA3S() throws {
        let servers = try Corpus.hellos().filter { !$0.isClientHello }
        for hello in servers {
            let ours = JA3S.fingerprint(try hello.serverSummary())
            #expect(ours.md5 == hello.tsharkJA3S, "\(hello.session) frame \(hello.frame): \(ours.string)")
        }
    }

    @Test func everyClientHelloHasFoxIOsJA4() throws {
        let clients = try Corpus.hellos().filter { $0.foxioJA4 != nil }
        #expect(clients.count == 188)
        for hello in clients {
            let foxio = try #require(hello.foxioJA4)
            let ours = JA4.fingerprint(try hello.clientSummary())
            #expect(ours == Self.specValue(foxio: foxio, session: hello.session), "\(hello.session) #\(hello.index)")
        }
    }

    @Test func quicHellosHaveFoxIOsJA4() throws {
        let quic = try Corpus.hellos().filter { $0.transport == "q" && $0.foxioJA4 != nil }
        #expect(quic.count == 46)
        for hello in quic {
            let ours = JA4.fingerprint(try hello.clientSummary())
            #expect(ours.hasPrefix("q13"))
            #expect(ours == hello.foxioJA4, "\(hello.session)")
        }
    }

    @Test func everyClientHelloHasFoxIOsRawJA4() throws {
        let clients = try Corpus.hellos().filter { $0.foxioJA4r != nil }
        #expect(clients.count == 141)
        for hello in clients {
            let foxio = try #require(hello.foxioJA4r)
            let ours = JA4.raw(try hello.clientSummary())
            #expect(ours == Self.specValue(foxio: foxio, session: hello.session), "\(hello.session) #\(hello.index)")
        }
    }

    @Test func specDeviationIsStillWhatFoxIOPrints() throws {
        let hellos = try Corpus.hellos()
        for (session, deviation) in Self.specOverFoxIO {
            let hello = try #require(hellos.first { $0.session == session && $0.isClientHello && $0.index == 1 })
            #expect(hello.foxioJA4?.hasPrefix(deviation.foxio) == true)
            #expect(JA4.fingerprint(try hello.clientSummary()).hasPrefix(deviation.spec + "_"))
        }
    }

    /// expected.jsonl names sessions by endpoints; its JA3, JA3S and JA4 are those of the session's first
    /// ClientHello and first ServerHello (a HelloRetryRequest, when there is one).
    @Test(.enabled(if: Corpus.expectedPresent, "needs ../shared/corpus/tls/expected.jsonl next to the repository"))
    func sharedCorpusAnswersMatch() throws {
        let hellos = try Corpus.hellos()
        var firstClient: [String: FixtureHello] = [:]
        var firstServer: [String: FixtureHello] = [:]
        for hello in hellos where hello.index == 1 {
            if hello.isClientHello { firstClient[hello.session] = hello } else { firstServer[hello.session] = hello }
        }
        var compared = 0
        var sessions = Set<String>()
        for line in try Corpus.expectedSessions() {
            let client = firstClient[line.session]
            #expect(client != nil, "no ClientHello for \(line.session)")
            if let want = line.fields["tls.client.ja3"], let client {
                #expect(JA3.fingerprint(try client.clientSummary()).md5 == want, "\(line.session) [\(line.source)]")
                compared += 1
            }
            if let want = line.fields["tls.client.ja4"], let client {
                let ours = JA4.fingerprint(try client.clientSummary())
                #expect(ours == Self.specValue(foxio: want, session: line.session), "\(line.session) [\(line.source)]")
                compared += 1
            }
            if let want = line.fields["tls.server.ja3s"] {
                let server = try #require(firstServer[line.session], "no ServerHello for \(line.session)")
                #expect(JA3S.fingerprint(try server.serverSummary()).md5 == want, "\(line.session) [\(line.source)]")
                compared += 1
            }
            sessions.insert(line.session)
        }
        #expect(sessions.count == 132)
        #expect(compared == 132 + 131 + 72)
    }
}
