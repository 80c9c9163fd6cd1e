import Testing

import CCRC32C

@testable import Spool

@Suite struct CRC32CTests {
    @Test func standardCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    @Test func emptyInputIsZero() {
        #expect(CRC32C.checksum([]) == 0)
    }

    /// RFC 3720 Appendix B.4.
    @Test(arguments: [
        ([UInt8](repeating: 0x00, count: 32), UInt32(0x8A91_36AA)),
        ([UInt8](repeating: 0xFF, count: 32), UInt32(0x62A8_AB43)),
        ((0..<32).map { UInt8($0) }, UInt32(0x46DD_794E)),
        ((0..<32).reversed().map { UInt8($0) }, UInt32(0x113F_DB5C)),
    ])
    func rfc3720Vectors(bytes: [UInt8], crc: UInt32) {
        #expect(CRC32C.checksum(bytes) == crc)
    }

    /// RFC 3720 B.4: an iSCSI Read (10) command PDU.
    @Test func rfc3720ReadCommandPDU() {
        var pdu: [UInt8] = [0x01, 0xC0] + [UInt8](repeating: 0, count: 14)
        pdu += [0x14, 0, 0, 0, 0, 0, 0x04, 0, 0, 0, 0, 0x14, 0, 0, 0, 0x18]
        pdu += [0x28, 0, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0]
        #expect(pdu.count == 48)
        #expect(CRC32C.checksum(pdu) == 0xD996_3A56)
    }

    @Test func continuingOverPiecesEqualsTheWhole() {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<203).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let whole = CRC32C.checksum(bytes)
        for split in 0...bytes.count {
            let first = bytes[..<split].withUnsafeBytes { CRC32C.update(0, $0) }
            let both = bytes[split...].withUnsafeBytes { CRC32C.update(first, $0) }
            #expect(both == whole, "split at \(split)")
        }
    }

    @Test func slicedLoopMatchesBytewiseDefinition() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        #expect(CRC32C.checksum(bytes) == ~crc)
    }

    @Test func instructionAndTablesAgree() {
        // Every length up to three words past a multiple of eight, at every alignment, long runs, and lengths
        // around the instruction path's three-block sizes (3 × 64, 3 × 256 and 3 × 4096 bytes, joined by shifts).
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<30000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let lengths = [0, 1, 7, 8, 9, 15, 16, 17, 31, 64, 100, 191, 192, 193, 200, 383, 767, 768, 769, 775, 776, 1100, 1543]
            + [4091, 12287, 12288, 12289, 12288 + 768, 12288 + 767, 24576 + 1000, 29990]
        bytes.withUnsafeBytes { all in
            for start in 0..<8 {
                for length in lengths {
                    let piece = UnsafeRawBufferPointer(rebasing: all[start..<(start + length)])
                    #expect(CRC32C.update(0x1234_5678, piece) == CRC32C.softwareUpdate(0x1234_5678, piece))
                }
            }
        }
        if CRC32C.hardware {
            #expect(wirebeat_crc32c_hw(~0, "123456789", 9) == ~UInt32(0xE306_9283))
            // RFC 3720 B.4's 32 bytes of 0xFF, repeated to reach the three-block paths, against the tables.
            let ones = [UInt8](repeating: 0xFF, count: 3 * 4096 + 3 * 256 + 5)
            #expect(CRC32C.checksum(ones) == ones.withUnsafeBytes { CRC32C.softwareUpdate(0, $0) })
            #expect(CRC32C.checksum(Array(ones[..<32])) == 0x62A8_AB43)
        }
    }
}
