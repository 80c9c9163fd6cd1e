// JA3 and JA3S behaviour beyond the README's examples: GREASE removal (RFC 8701; the README: JA3 "ignores these
// values completely"), which version is read, and empty fields. MD5 values were computed with Python's hashlib.

import TLSFingerprint
import Testing

@Suite struct JA3Tests {
    @Test func greaseIsRemovedFromCiphersExtensionsAndCurves() {
        let hello = ClientHelloSummary(
            legacyVersion: 0x0303,
            cipherSuites: [0x0A0A, 0x1301, 0x1302, 0xFAFA],
            extensionTypes: [0x2A2A, 0x0000, 0x0017, 0x3A3A],
            supportedGroups: [0x4A4A, 0x001D, 0x0017],
            ecPointFormats: [0, 1, 2])
        let ja3 = JA3.fingerprint(hello)
        #expect(ja3.string == "771,4865-4866,0-23,29-23,0-1-2")
        #expect(ja3.md5 == "60a03cca82ef2b5ead9a0e9690625cf1")
    }

    @Test func greaseLookalikesAreKept() {
        let hello = ClientHelloSummary(legacyVersion: 0x0303, cipherSuites: [0x0A1A, 0x1A0A, 0x0A0B, 0xAAAB])
        #expect(JA3.fingerprint(hello).string == "771,2586-6666-2571-43691,,,")
    }

    @Test func versionIsTheLegacyVersionEvenWhenSupportedVersionsSaysTLS13() {
        let hello = ClientHelloSummary(legacyVersion: 0x0303, cipherSuites: [0x1301], supportedVersions: [0x0304])
        #expect(JA3.fingerprint(hello).string.hasPrefix("771,4865,"))
    }

    @Test func emptyListsLeaveEmptyFields() {
        let ja3 = JA3.fingerprint(ClientHelloSummary(legacyVersion: 0x0303))
        #expect(ja3.string == "771,,,,")
        #expect(ja3.md5 == "bddda940f9963577c41d7c28b1a5f65f")
    }

    @Test func listsKeepWireOrder() {
        let hello = ClientHelloSummary(
            legacyVersion: 0x0301, cipherSuites: [0x0035, 0x002F], extensionTypes: [0x000B, 0x000A],
            supportedGroups: [0x0018, 0x0017], ecPointFormats: [2, 0])
        #expect(JA3.fingerprint(hello).string == "769,53-47,11-10,24-23,2-0")
    }

    /// An SSL 2.0 CLIENT-HELLO has only a version and cipher specs (here TLS suites in their v2 spelling,
    /// 0x000035 and 0x00002f); the other fields are empty.
    @Test func sslv2HelloHasOnlyVersionAndCiphers() {
        let hello = ClientHelloSummary(legacyVersion: 0x0301, cipherSuites: [0x0035, 0x002F], isSSLv2: true)
        #expect(JA3.fingerprint(hello).string == "769,53-47,,,")
    }

    @Test func md5IsThirtyTwoLowerCaseHexDigits() {
        let md5 = JA3.fingerprint(ja4SpecExampleHello()).md5
        #expect(md5.count == 32)
        #expect(md5.allSatisfy { "0123456789abcdef".contains($0) })
    }

    /// tls3.pcapng, 192.168.1.169:63248 → 54.190.49.36:443; tshark 4.0 gives f4febc55ea12b31ae17cfb7e614afda8.
    @Test func ja3sOfATLS13ServerHello() {
        let ja3s = JA3S.fingerprint(ServerHelloSummary(version: 0x0303, cipherSuite: 0x1301, extensionTypes: [43, 51]))
        #expect(ja3s.string == "771,4865,43-51")
        #expect(ja3s.md5 == "f4febc55ea12b31ae17cfb7e614afda8")
    }

    @Test func ja3sWithoutExtensionsEndsWithAnEmptyField() {
        let ja3s = JA3S.fingerprint(ServerHelloSummary(version: 0x0303, cipherSuite: 0xC030))
        #expect(ja3s.string == "771,49200,")
        #expect(ja3s.md5 == "7770094a92b1cbfa5a6de2017cfb682a")
    }

    @Test func ja3sDropsGrease() {
        let ja3s = JA3S.fingerprint(
            ServerHelloSummary(version: 0x0303, cipherSuite: 0x1301, extensionTypes: [0x0A0A, 43, 51]))
        #expect(ja3s.string == "771,4865,43-51")
    }
}
