// The record header and its limits, the non-handshake records (Alert, ChangeCipherSpec, Heartbeat), the
// handshake header and its limit, and content-based detection.

import TLSWire
import Testing
import WireKit

@Suite struct RecordLayerTests {
    func header(_ bytes: [UInt8], _ protection: RecordProtection = .tls12Ciphertext)
        -> Result<RecordHeader, WireError>
    {
        parsing(bytes) { b throws(WireError) in try RecordHeader.parse(b, protection: protection) }
    }

    @Test func readsTypeVersionAndLength() throws {
        let bytes = wire(
            "16",  // content type: handshake
            "03 01",  // legacy_record_version: 3.1
            "02 00"  // length: 512
        )
        let h = try header(bytes).get()
        #expect(h.contentType == .handshake)
        #expect(h.version == .tls10)
        #expect(h.length == 512 && h.totalLength == 517)
        #expect(h.anomalies.isEmpty)
    }

    @Test func aHeaderOfFourBytesIsTruncated() {
        #expect(failure(wire("16 03 03 00")) { b throws(WireError) in try RecordHeader.parse(b) }?.code == .truncated)
    }

    @Test(arguments: [
        (RecordProtection.plaintext, 16384),
        (.tls13Ciphertext, 16640),
        (.tls12Ciphertext, 18432),
    ])
    func recordLengthsAreAcceptedAtTheLimitAndRejectedOneOver(_ row: (RecordProtection, Int)) throws {
        #expect(row.0.maxLength == row.1)
        let atLimit = [0x17, 0x03, 0x03, UInt8(row.1 >> 8), UInt8(row.1 & 0xff)]
        #expect(try header(atLimit, row.0).get().length == row.1)
        let over = [0x17, 0x03, 0x03, UInt8((row.1 + 1) >> 8), UInt8((row.1 + 1) & 0xff)]
        guard case .failure(let error) = header(over, row.0) else {
            Issue.record("a record one byte over the limit was accepted")
            return
        }
        #expect(error.code == .overLimit)
        #expect(TLSWireAnomaly(error, otherwise: .handshakeTruncated) == .recordTooLong)
    }

    @Test func aMajorVersionOtherThanThreeIsNotTLS() {
        guard case .failure(let error) = header(wire("16 07 01 00 10")) else {
            Issue.record("version 7.1 accepted")
            return
        }
        #expect(error.code == .malformed)
        #expect(TLSWireAnomaly(error, otherwise: .handshakeTruncated) == .recordBadVersion)
    }

    @Test(arguments: [UInt8(19), 25, 0x47, 0xff])
    func contentTypesOutsideTwentyToTwentyFourAreNotTLS(_ type: UInt8) {
        guard case .failure(let error) = header([type, 0x03, 0x03, 0x00, 0x10]) else {
            Issue.record("content type \(type) accepted")
            return
        }
        #expect(TLSWireAnomaly(error, otherwise: .handshakeTruncated) == .recordUnknownContentType)
    }

    @Test func emptyHandshakeRecordsAreNotedButEmptyApplicationDataIsNot() throws {
        #expect(try header(wire("16 0303 0000")).get().anomalies == [.recordEmpty])
        #expect(try header(wire("17 0303 0000")).get().anomalies.isEmpty)
    }

    @Test func alertsAreTwoBytes() throws {
        let alert = try parse(
            wire(
                "02",  // level: fatal
                "28"  // description: handshake_failure (40)
            )
        ) { b throws(WireError) in try Alert.parse(b) }
        #expect(alert.level == .fatal && alert.alertDescription == .handshakeFailure)
        #expect(alert.alertDescription.description == "handshake_failure")
        #expect(alert.anomalies.isEmpty)
        let encrypted = failure(repeated(0xab, 26)) { b throws(WireError) in try Alert.parse(b) }
        #expect(encrypted.map { TLSWireAnomaly($0, otherwise: .handshakeTruncated) } == .alertBadLength)
    }

    @Test func anAlertLevelOtherThanWarningOrFatalIsNoted() throws {
        let alert = try parse(wire("03 00")) { b throws(WireError) in try Alert.parse(b) }
        #expect(alert.anomalies == [.alertUnknownLevel])
        #expect(alert.level.description == "(unknown:0x03)")
    }

    @Test func changeCipherSpecIsTheSingleByteOne() throws {
        _ = try parse(wire("01")) { b throws(WireError) in try ChangeCipherSpec.parse(b) }
        for bad in [wire("02"), wire("01 01"), []] {
            let error = failure(bad) { b throws(WireError) in try ChangeCipherSpec.parse(b) }
            #expect(error.map { TLSWireAnomaly($0, otherwise: .handshakeTruncated) } == .changeCipherSpecMalformed)
        }
    }

    @Test func heartbeatWithHonestLengthAndPadding() throws {
        let beat = try parse(wire("01") + wire("0003") + ascii("abc") + repeated(0, 16)) { b throws(WireError) in
            try HeartbeatMessage.parse(b)
        }
        #expect(beat.type == .request && beat.payloadLength == 3 && !beat.isOverlong)
        #expect(beat.anomalies.isEmpty)
    }

    @Test func heartbeatClaimingMoreThanTheRecordIsAHeartbleedProbe() throws {
        let beat = try parse(wire("01 4000") + ascii("x")) { b throws(WireError) in try HeartbeatMessage.parse(b) }
        #expect(beat.isOverlong && beat.payloadLength == 0x4000 && beat.availableLength == 1)
        #expect(beat.anomalies == [.heartbeatPayloadTooLong])
    }

    @Test func heartbeatWithFifteenBytesOfPaddingIsShort() throws {
        let beat = try parse(wire("02 0001") + ascii("a") + repeated(0, 15)) { b throws(WireError) in
            try HeartbeatMessage.parse(b)
        }
        #expect(beat.anomalies == [.heartbeatShortPadding])
    }

    @Test func handshakeHeaderReadsTypeAndTwentyFourBitLength() throws {
        let h = try parse(wire("0b 012345")) { b throws(WireError) in try HandshakeHeader.parse(b) }
        #expect(h.type == .certificate && h.length == 0x012345 && h.totalLength == 0x012349)
        #expect(failure(wire("0b 0123")) { b throws(WireError) in try HandshakeHeader.parse(b) }?.code == .truncated)
    }

    @Test func handshakeMessagesAreAcceptedAtTheLimitAndRejectedOneOver() throws {
        let limit = TLSLimits.maxHandshakeMessageLength
        #expect(limit == 262_144)
        let at = try parse([0x0b, UInt8(limit >> 16), UInt8((limit >> 8) & 0xff), UInt8(limit & 0xff)]) {
            b throws(WireError) in try HandshakeHeader.parse(b)
        }
        #expect(at.length == limit)
        let over = limit + 1
        let error = failure([0x0b, UInt8(over >> 16), UInt8((over >> 8) & 0xff), UInt8(over & 0xff)]) {
            b throws(WireError) in try HandshakeHeader.parse(b)
        }
        #expect(error?.code == .overLimit)
        #expect(error.map { TLSWireAnomaly($0, otherwise: .handshakeTruncated) } == .handshakeTooLong)
        let wireMax = try parse(wire("0b ffffff")) { b throws(WireError) in
            try HandshakeHeader.parse(b, maxLength: TLSLimits.maxHandshakeMessageWireLength)
        }
        #expect(wireMax.length == (1 << 24) - 1)
    }
}
