// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78; RFC 3720 §12.1 and Appendix B.4), the checksum of
// every spool frame, segment header and state slot. Chosen over CRC-32/IEEE for its better error detection
// on the frame sizes we write. The processor's CRC32 instruction when it has one (CCRC32C); otherwise
// slicing-by-8: eight 256-entry tables let the loop fold eight bytes per step.

import CCRC32C

enum CRC32C {
    /// Whether `update` uses the processor's instruction.
    static let hardware = wirebeat_crc32c_hw_available() != 0

    /// Table k maps a byte to the CRC of that byte followed by k zero bytes; 8 × 256 entries.
    static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            tables[byte] = crc
        }
        for byte in 0..<256 {
            for k in 1..<8 {
                let previous = tables[(k - 1) * 256 + byte]
                tables[k * 256 + byte] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
            }
        }
        return tables
    }()

    /// The CRC of `bytes`.
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { update(0, $0) }
    }

    /// Continues `crc` (the checksum of the bytes before) over `bytes`: `update(update(0, a), b)` is the
    /// checksum of a followed by b.
    static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress else { return crc }
        if hardware { return ~wirebeat_crc32c_hw(~crc, base, bytes.count) }
        return softwareUpdate(crc, bytes)
    }

    /// `update` with the tables only.
    static func softwareUpdate(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard var pointer = bytes.baseAddress else { return crc }
        var remaining = bytes.count
        var c = ~crc
        tables.withUnsafeBufferPointer { t in
            while remaining >= 8 {
                let word = UInt64(littleEndian: pointer.loadUnaligned(as: UInt64.self))
                let low = UInt32(truncatingIfNeeded: word) ^ c
                let high = UInt32(truncatingIfNeeded: word >> 32)
                c =
                    t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                    ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ t[256 + Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
                pointer += 8
                remaining -= 8
            }
            while remaining > 0 {
                c = t[Int((c ^ UInt32(pointer.load(as: UInt8.self))) & 0xFF)] ^ (c >> 8)
                pointer += 1
                remaining -= 1
            }
        }
        return ~c
    }
}
