// The per-thread cache of what repeats across TLS events must give exactly what computing afresh gives, for
// every input, before and after it fills up.

import TLSFingerprint
import TLSWire
import Testing

@testable import TLSAnalysis

@Suite struct EventCacheTests {
    let hello = ClientHelloSummary(
        legacyVersion: 0x0303, cipherSuites: [0x0A0A, 0x1301, 0x1302, 0xC02F], extensionTypes: [0x0A0A, 0, 10, 13, 16, 43],
        supportedGroups: [29, 23], ecPointFormats: [0], signatureAlgorithms: [0x0403, 0x0804],
        supportedVersions: [0x0304, 0x0303], alpnProtocols: [Array("h2".utf8)], hasServerName: true)

    @Test func fingerprintsAreComputedOnceAndEqualTheDirectOnes() {
        let cache = TLSEventCache()
        let first = cache.clientFingerprints(hello)
        #expect(first.ja3 == JA3.fingerprint(hello).md5)
        #expect(first.ja4 == JA4.fingerprint(hello))
        #expect(first.ja3String == JA3.fingerprint(hello).string)
        #expect(first.ja4Raw == JA4.raw(hello))
        #expect(cache.hits == 0)
        let again = cache.clientFingerprints(hello)
        #expect(again.ja3 == first.ja3 && again.ja4 == first.ja4)
        #expect(cache.hits == 1)

        var other = hello
        other.cipherSuites.append(0x1303)
        let changed = cache.clientFingerprints(other)
        #expect(changed.ja4 == JA4.fingerprint(other))
        #expect(changed.ja4Raw == JA4.raw(other))
        #expect(changed.ja4 != first.ja4)
        #expect(cache.hits == 1)

        let server = ServerHelloSummary(version: 0x0303, cipherSuite: 0x1301, extensionTypes: [43, 51])
        #expect(cache.serverFingerprints(server).ja3s == JA3S.fingerprint(server).md5)
        #expect(cache.serverFingerprints(server).ja3sString == JA3S.fingerprint(server).string)
        #expect(cache.hits == 2)
    }

    @Test func certificateKeysHashTheEndsAndCompareEveryByte() {
        let a = [UInt8](repeating: 0x30, count: 1000)
        var b = a
        b[500] = 0x31
        // Same length and ends: the same hash, yet different keys.
        #expect(DERKey(a).hashValue == DERKey(b).hashValue)
        #expect(DERKey(a) != DERKey(b))
        #expect(DERKey(a) == DERKey(Array(a)) && DERKey([]) == DERKey([]) && DERKey(a) != DERKey(Array(a.dropLast())))
        let table: [DERKey: Int] = [DERKey(a): 1, DERKey(b): 2]
        #expect(table[DERKey(a)] == 1 && table[DERKey(b)] == 2)
        // A difference in either end or in the length changes the hash (short keys are hashed whole).
        var c = a
        c[999] = 0x31
        #expect(DERKey(a).hashValue != DERKey(c).hashValue)
        #expect(DERKey(a).hashValue != DERKey(Array(a.dropLast())).hashValue)
        #expect(DERKey([1, 2, 3]).hashValue != DERKey([1, 9, 3]).hashValue)
    }

    @Test func cipherNamesFollowTheListOrderAndRefillAfterEviction() {
        let cache = TLSEventCache(capacity: 2)
        let lists: [[CipherSuite]] = [
            [CipherSuite(rawValue: 0x1301), CipherSuite(rawValue: 0x00FF)],
            [CipherSuite(rawValue: 0x00FF), CipherSuite(rawValue: 0x1301)],
            [CipherSuite(rawValue: 0xC02F)],
        ]
        for _ in 0..<3 {
            for list in lists {
                #expect(cache.cipherNames(list) == .strings(list.map(\.description)))
            }
        }
        #expect(cache.cipherNames(lists[0]) == .array([.string("TLS_AES_128_GCM_SHA256"), .string("TLS_EMPTY_RENEGOTIATION_INFO_SCSV")]))
    }
}
