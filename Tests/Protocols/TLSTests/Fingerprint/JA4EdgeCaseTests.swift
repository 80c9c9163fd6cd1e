// JA4 at the edges of FoxIO's specification (technical_details/JA4.md): GREASE everywhere (RFC 8701), empty
// lists, counts past 99, versions from supported_versions (RFC 8446 §4.2.1), SSL 2.0 and DTLS (RFC 9147 §5.3)
// version numbers, the SNI letter, ALPN values that are not alphanumeric, and the transport letter.

import TLSFingerprint
import Testing

/// Section `a` of the hello's JA4.
private func sectionA(_ hello: ClientHelloSummary) -> String {
    String(JA4.fingerprint(hello).prefix(10))
}

@Suite struct JA4EdgeCaseTests {
    @Test func greaseAnywhereChangesNothing() {
        let plain = ja4SpecExampleHello()
        var greased = plain
        greased.cipherSuites =
            [0x0A0A] + plain.cipherSuites.prefix(7) + [0x5A5A] + plain.cipherSuites.dropFirst(7)
            + [0xFAFA]
        greased.extensionTypes = [0x1A1A] + plain.extensionTypes + [0xEAEA]
        greased.signatureAlgorithms = [0x2A2A] + plain.signatureAlgorithms
        greased.supportedVersions = [0x3A3A] + plain.supportedVersions
        greased.supportedGroups = [0x4A4A, 0x001D]
        #expect(JA4.fingerprint(greased) == JA4.fingerprint(plain))
        #expect(JA4.raw(greased) == JA4.raw(plain))
    }

    @Test func allSixteenGreaseValuesAreIgnored() {
        let grease: [UInt16] = (0..<16).map { UInt16($0) << 12 | 0x0A00 | UInt16($0) << 4 | 0x000A }
        let hello = ClientHelloSummary(
            legacyVersion: 0x0303, cipherSuites: grease + [0x1301], extensionTypes: grease,
            supportedVersions: grease)
        #expect(JA4.fingerprint(hello) == "t12i0100" + "00_" + "0f2cb44170f4" + "_000000000000")
    }

    @Test func greaseLookalikesAreCounted() {
        let hello = ClientHelloSummary(legacyVersion: 0x0303, cipherSuites: [0x0A1A, 0x1A0A, 0x0A0B, 0xAAAB])
        #expect(sectionA(hello) == "t12i040000")
        #expect(JA4.raw(hello) == "t12i040000_0a0b,0a1a,1a0a,aaab_")
    }

    @Test func emptyHelloHasZeroHashes() {
        let hello = ClientHelloSummary(legacyVersion: 0x0303)
        #expect(JA4.fingerprint(hello) == "t12i000000_000000000000_000000000000")
        #expect(JA4.raw(hello) == "t12i000000__")
    }

    @Test func onlySNIAndALPNLeaveTheExtensionHashEmptyButAreCounted() {
        let hello = ClientHelloSummary(
            legacyVersion: 0x0303, cipherSuites: [0x1301], extensionTypes: [0x0000, 0x0010],
            alpnProtocols: [Array("h2".utf8)], hasServerName: true)
        #expect(JA4.fingerprint(hello) == "t12d0102h2_0f2cb44170f4_000000000000")
    }

    @Test func extensionHashLeavesOutSNIAndALPN() {
        let raw = JA4.raw(ja4SpecExampleHello())
        let extensions = raw.split(separator: "_")[2].split(separator: ",")
        #expect(!extensions.contains("0000"))
        #expect(!extensions.contains("0010"))
        #expect(extensions.count == 14)
    }

    @Test(arguments: [(0, "00"), (5, "05"), (99, "99"), (100, "99"), (300, "99")])
    func cipherCountIsTwoDigitsCappedAt99(count: Int, digits: String) {
        let hello = ClientHelloSummary(legacyVersion: 0x0303, cipherSuites: (0..<count).map { UInt16($0 + 1) })
        #expect(sectionA(hello) == "t12i" + digits + "0000")
    }

    @Test(arguments: [(0, "00"), (7, "07"), (99, "99"), (100, "99"), (250, "99")])
    func extensionCountIsTwoDigitsCappedAt99(count: Int, digits: String) {
        let hello = ClientHelloSummary(legacyVersion: 0x0303, extensionTypes: (0..<count).map { UInt16($0 + 0x100) })
        #expect(sectionA(hello) == "t12i00" + digits + "00")
    }

    @Test func signallingAndReservedCipherValuesAreCountedAndHashed() {
        let hello = ClientHelloSummary(legacyVersion: 0x0303, cipherSuites: [0xFE00, 0x5600, 0x00FF, 0x1301])
        #expect(JA4.raw(hello) == "t12i040000_00ff,1301,5600,fe00_")
    }

    @Test func signatureAlgorithmsKeepWireOrderWithoutGrease() {
        let hello = ClientHelloSummary(
            legacyVersion: 0x0303, extensionTypes: [0x000D], signatureAlgorithms: [0x0804, 0x1A1A, 0x0403])
        #expect(JA4.raw(hello) == "t12i000100__000d_0804,0403")
        #expect(JA4.fingerprint(hello) == "t12i000100_000000000000_b5b2a7d538fe")
    }

    @Test(
        arguments: [
            // Without supported_versions: the legacy version.
            (0x0304, [], "13"), (0x0303, [], "12"), (0x0302, [], "11"), (0x0301, [], "10"), (0x0300, [], "s3"),
            (0x0002, [], "s2"), (0xFEFF, [], "d1"), (0xFEFD, [], "d2"), (0xFEFC, [], "d3"), (0x0100, [], "00"),
            (0x0305, [], "00"),
            // With it: its highest non-GREASE entry, wherever it sits, even below the legacy version.
            (0x0303, [0x0304, 0x0303], "13"), (0x0303, [0x0303, 0x0304], "13"), (0x0303, [0x0A0A, 0x0304], "13"),
            (0x0303, [0x0302, 0x0301], "11"), (0x0303, [0x7F17, 0x0303], "00"),
            // Only GREASE in it: as if it were absent.
            (0x0303, [0x0A0A], "12"),
            // DTLS numbers count down: the newest is the smallest.
            (0xFEFD, [0xFEFC, 0xFEFD], "d3"), (0xFEFD, [0xFEFD, 0xFEFC], "d3"), (0xFEFF, [0xFEFF, 0xFEFD], "d2"),
        ] as [(UInt16, [UInt16], String)])
    func versionCharacters(legacy: UInt16, supported: [UInt16], code: String) {
        let hello = ClientHelloSummary(legacyVersion: legacy, supportedVersions: supported)
        #expect(sectionA(hello) == "t" + code + "i000000")
    }

    @Test func sslv2HelloReadsItsVersionField() {
        let sslv2 = ClientHelloSummary(legacyVersion: 0x0002, cipherSuites: [0x0035, 0x002F], isSSLv2: true)
        #expect(sectionA(sslv2) == "ts2i020000")
        #expect(JA4.fingerprint(sslv2).hasSuffix("_000000000000"))
        let compatible = ClientHelloSummary(legacyVersion: 0x0301, cipherSuites: [0x0035, 0x002F], isSSLv2: true)
        #expect(sectionA(compatible) == "t10i020000")
    }

    @Test(arguments: [
        (ClientHelloSummary.Transport.tcp, "t"), (.quic, "q"), (.dtls, "d"),
    ])
    func transportLetter(transport: ClientHelloSummary.Transport, letter: String) {
        var hello = ja4SpecExampleHello()
        hello.transport = transport
        #expect(JA4.fingerprint(hello) == letter + "13d1516h2_8daaf6152771_e5627efa2ab1")
    }

    @Test func dtlsHelloWithDTLSVersion() {
        let hello = ClientHelloSummary(legacyVersion: 0xFEFD, cipherSuites: [0xC02B], transport: .dtls)
        #expect(sectionA(hello) == "dd2i010000")
    }

    @Test func sniLetter() {
        var hello = ClientHelloSummary(legacyVersion: 0x0303, extensionTypes: [0x0017])
        #expect(sectionA(hello) == "t12i000100")
        hello.hasServerName = true
        #expect(sectionA(hello) == "t12d000100")
        hello = ClientHelloSummary(legacyVersion: 0x0303, extensionTypes: [0x0000, 0x0017])
        #expect(sectionA(hello) == "t12d000200")
    }

    @Test(
        arguments: [
            ([], "00"),
            ([[]], "00"),
            ([[], Array("h2".utf8)], "00"),
            ([Array("http/1.1".utf8), Array("h2".utf8)], "h1"),
            ([Array("h".utf8)], "hh"),
            ([Array("3".utf8)], "33"),
            ([Array("H2".utf8)], "H2"),
            ([Array("h3-29".utf8)], "h9"),
            ([Array("h2-".utf8)], "6d"),
            ([Array("_h2".utf8)], "52"),
            ([[0xBA, 0xAD], Array("http/1.1".utf8)], "bd"),
            ([[0x68, 0x00]], "60"),
        ] as [([[UInt8]], String)])
    func alpnCharacters(protocols: [[UInt8]], characters: String) {
        let hello = ClientHelloSummary(legacyVersion: 0x0303, alpnProtocols: protocols)
        #expect(sectionA(hello) == "t12i0000" + characters)
    }

    @Test func hashesAreTwelveLowerCaseHexDigits() {
        let sections = JA4.fingerprint(ja4SpecExampleHello()).split(separator: "_")
        #expect(sections.count == 3)
        for hash in sections.dropFirst() {
            #expect(hash.count == 12)
            #expect(hash.allSatisfy { "0123456789abcdef".contains($0) })
        }
    }
}
