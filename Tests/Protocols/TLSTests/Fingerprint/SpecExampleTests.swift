// The worked examples of the specifications themselves: the salesforce/ja3 README ("How it works") and FoxIO's
// JA4 specification (technical_details/JA4.md: "Cipher hash", "Extension hash", "ALPN Extension Value",
// "Example", "Raw Output").

import TLSFingerprint
import Testing

/// The hello behind the JA4 specification's example, `t13d1516h2_8daaf6152771_e5627efa2ab1`.
func ja4SpecExampleHello(signatureAlgorithms: [UInt16] = ja4SpecSignatureAlgorithms) -> ClientHelloSummary {
    ClientHelloSummary(
        legacyVersion: 0x0303,
        cipherSuites: [
            0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d,
            0x002f, 0x0035,
        ],
        extensionTypes: [
            0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005, 0x0023, 0x0012, 0x002b, 0xff01,
            0x000b, 0x000a, 0x0015,
        ],
        signatureAlgorithms: signatureAlgorithms,
        supportedVersions: [0x0304, 0x0303],
        alpnProtocols: [Array("h2".utf8), Array("http/1.1".utf8)],
        hasServerName: true)
}

let ja4SpecSignatureAlgorithms: [UInt16] = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601]

@Suite struct SpecExampleTests {
    @Test func ja3ReadmeExampleWithExtensions() {
        let hello = ClientHelloSummary(
            legacyVersion: 769,
            cipherSuites: [47, 53, 5, 10, 49161, 49162, 49171, 49172, 50, 56, 19, 4],
            extensionTypes: [0, 10, 11],
            supportedGroups: [23, 24, 25],
            ecPointFormats: [0])
        let ja3 = JA3.fingerprint(hello)
        #expect(ja3.string == "769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0")
        #expect(ja3.md5 == "ada70206e40642a3e4461f35503241d5")
    }

    @Test func ja3ReadmeExampleWithoutExtensionsLeavesFieldsEmpty() {
        let hello = ClientHelloSummary(legacyVersion: 769, cipherSuites: [4, 5, 10, 9, 100, 98, 3, 6, 19, 18, 99])
        let ja3 = JA3.fingerprint(hello)
        #expect(ja3.string == "769,4-5-10-9-100-98-3-6-19-18-99,,,")
        #expect(ja3.md5 == "de350869b8c85de67a350c8d186f11e6")
    }

    @Test func ja4SpecExample() {
        #expect(JA4.fingerprint(ja4SpecExampleHello()) == "t13d1516h2_8daaf6152771_e5627efa2ab1")
    }

    @Test func ja4SpecRawExample() {
        #expect(
            JA4.raw(ja4SpecExampleHello())
                == "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,"
                + "000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601")
    }

    @Test func ja4ExtensionHashWithoutSignatureAlgorithmsHasNoUnderscore() {
        let hello = ja4SpecExampleHello(signatureAlgorithms: [])
        #expect(JA4.fingerprint(hello) == "t13d1516h2_8daaf6152771_6d807ffa2a79")
        #expect(JA4.raw(hello).hasSuffix("_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01"))
    }

    /// "ALPN Extension Value": h2, http/1.1 → h1, and every byte example of the hex rule.
    @Test(
        arguments: [
            ([Array("h2".utf8)], "h2"),
            ([Array("http/1.1".utf8)], "h1"),
            ([[0xAB]], "ab"),
            ([[0x20]], "20"),
            ([[0xAB, 0xCD]], "ad"),
            ([[0x20, 0x61]], "21"),
            ([[0x30, 0xAB]], "3b"),
            ([[0x61, 0x20]], "60"),
            ([[0x30, 0x31, 0xAB, 0xCD]], "3d"),
            ([[0x30, 0xAB, 0xCD, 0x31]], "01"),
        ] as [([[UInt8]], String)])
    func ja4SpecALPNExamples(protocols: [[UInt8]], characters: String) {
        var hello = ja4SpecExampleHello()
        hello.alpnProtocols = protocols
        #expect(JA4.fingerprint(hello).hasPrefix("t13d1516" + characters + "_"))
    }
}
