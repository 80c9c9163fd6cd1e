// The extension block as a whole: one malformed body does not lose the message, duplicates and excess
// extensions are reported, and a block that does not match its message is read as far as it goes.

import TLSWire
import Testing
import WireKit

@Suite struct ExtensionBlockTests {
    @Test func aMalformedBodyIsKeptAsMalformedAndTheNextExtensionsStillDecode() throws {
        let h = try clientHelloExtensions(
            ext(0x0000, wire("0009 00 0004 6162"))  // server_name (7 bytes): list claims 9 bytes, holds 5
                + ext(0x0017)  // extended_master_secret
                + ext(0x0010, vec16(vec8(ascii("h2"))))  // ALPN: h2
        )
        #expect(h.extensions.types == [.serverName, .extendedMasterSecret, .applicationLayerProtocolNegotiation])
        let broken = h.extensions.entries[0]
        #expect(broken.isMalformed && broken.length == 7)
        if case .malformed(let error) = broken.value { #expect(error.code == .truncated) }
        #expect(h.extensions[.extendedMasterSecret]?.value == .empty)
        #expect(h.extensions.alpnProtocols == [ascii("h2")])
        #expect(h.anomalies == [.extensionMalformed])
    }

    @Test func bytesLeftInsideABodyMakeItMalformed() throws {
        let h = try clientHelloExtensions(ext(0x000b, vec8(wire("00")) + wire("ff")))
        #expect(h.extensions.entries.first?.isMalformed == true)
        #expect(h.anomalies == [.extensionMalformed])
    }

    @Test func aRepeatedTypeIsReportedAndBothAreKept() throws {
        let h = try clientHelloExtensions(ext(0x0017) + ext(0x0023) + ext(0x0017))
        #expect(h.extensions.types == [.extendedMasterSecret, .sessionTicket, .extendedMasterSecret])
        #expect(h.anomalies == [.extensionDuplicate])
    }

    @Test func sixtyFourExtensionsAreKeptAndASixtyFifthIsNot() throws {
        func block(_ count: Int) -> [UInt8] { (0..<count).flatMap { i in ext(UInt16(0x1000 + i)) } }
        let atLimit = try clientHelloExtensions(block(64))
        #expect(atLimit.extensions.entries.count == 64 && atLimit.anomalies.isEmpty)
        let over = try clientHelloExtensions(block(65))
        #expect(over.extensions.entries.count == 64)
        #expect(over.anomalies == [.extensionTooMany])
    }

    @Test func aBodyRunningPastTheBlockIsKeptWithItsTypeAndReportedTruncated() throws {
        let body = minimalClientHelloBody() + vec16(ext(0x0017) + wire("000d 0010 0403"))  // claims 16, has 2
        let h = try clientHello(body: body)
        #expect(h.extensions.types == [.extendedMasterSecret, .signatureAlgorithms])
        #expect(h.extensions[.signatureAlgorithms]?.isMalformed == true)
        #expect(h.anomalies == [.handshakeTruncated])
    }

    @Test func aBlockLongerThanTheMessageIsReadAsFarAsItGoes() throws {
        let full = minimalClientHelloBody(extensions: ext(0x0017) + ext(0x0023, repeated(1, 8)))
        let cut = Array(full.dropLast(3))
        let h = try clientHello(body: cut)
        #expect(h.extensions.types == [.extendedMasterSecret, .sessionTicket])
        #expect(h.extensions[.sessionTicket]?.isMalformed == true)
        #expect(h.anomalies == [.handshakeTruncated])
    }

    @Test func bytesAfterTheBlockAreReported() throws {
        let body = minimalClientHelloBody(extensions: ext(0x0017)) + wire("dead")
        let h = try clientHello(body: body)
        #expect(h.extensions.types == [.extendedMasterSecret])
        #expect(h.anomalies == [.handshakeBadLength])
    }

    @Test func aSingleByteWhereTheBlockLengthShouldBeIsTruncation() throws {
        let h = try clientHello(body: minimalClientHelloBody() + wire("00"))
        #expect(h.hasExtensionBlock && h.extensions.isEmpty)
        #expect(h.anomalies == [.handshakeTruncated])
    }

    @Test func anEmptyBlockIsNotAnAnomaly() throws {
        let h = try clientHelloExtensions([])
        #expect(h.hasExtensionBlock && h.extensions.isEmpty && h.anomalies.isEmpty)
    }
}
