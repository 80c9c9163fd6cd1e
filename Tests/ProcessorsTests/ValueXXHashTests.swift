// XXH64 against the reference implementation's sanity vectors (xxHash cli/xsum_sanity_check.c): inputs are
// the first `length` bytes of the generated sanity buffer, seeds 0 and PRIME32.

import Testing
@testable import Processors

@Suite struct XXHash64Tests {
    static let prime32: UInt64 = 2_654_435_761

    /// The reference sanity buffer: byte i is the top byte of PRIME32 × PRIME64^i (mod 2^64).
    static let sanityBuffer: [UInt8] = {
        var generator = prime32
        return (0..<2367).map { _ in
            defer { generator &*= 11_400_714_785_074_694_797 }
            return UInt8(truncatingIfNeeded: generator >> 56)
        }
    }()

    @Test(arguments: [
        (0, 0, 0xEF46_DB37_51D8_E999), (0, prime32, 0xAC75_FDA2_929B_17EF),
        (1, 0, 0xE934_A84A_DB05_2768), (1, prime32, 0x5014_6076_43A9_B4C3),
        (4, 0, 0x9136_A0DC_A574_57EE),
        (14, 0, 0x8282_DCC4_994E_35C8), (14, prime32, 0xC3BD_6BF6_3DEB_6DF0),
        (222, 0, 0xB641_AE8C_B691_C174), (222, prime32, 0x20CB_8AB7_AE10_C14A),
    ] as [(Int, UInt64, UInt64)])
    func sanityVectors(_ length: Int, _ seed: UInt64, _ expected: UInt64) {
        #expect(XXHash64.hash(Array(Self.sanityBuffer.prefix(length)), seed: seed) == expected)
    }

    @Test func everyTailLengthIsConsumed() {
        // Lengths around the 32-byte stripe and the 8/4/1-byte tails must all give distinct hashes.
        let hashes = (0..<72).map { XXHash64.hash(Array(Self.sanityBuffer.prefix($0))) }
        #expect(Set(hashes).count == hashes.count)
    }
}
