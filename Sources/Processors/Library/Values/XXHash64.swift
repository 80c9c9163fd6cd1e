// XXH64, the 64-bit xxHash (github.com/Cyan4973/xxHash, doc/xxhash_spec.md, "XXH64 Algorithm Description"),
// for `fingerprint`'s `method: xxhash`. libbeat uses Go's cespare/xxhash, which is XXH64 with seed 0, and
// writes the digest big-endian. swift-crypto has no xxHash, so it is written out from the specification;
// the tests hold it to the reference implementation's sanity vectors.

/// XXH64 of a whole input.
enum XXHash64 {
    static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    /// The hash of `input` with `seed`.
    static func hash(_ input: [UInt8], seed: UInt64 = 0) -> UInt64 {
        input.withUnsafeBytes { hash($0, seed: seed) }
    }

    /// The hash of the bytes in `input` with `seed`.
    static func hash(_ input: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        let length = input.count
        var offset = 0
        var acc: UInt64
        if length >= 32 {
            // Step 1-2: four lanes, each fed one 8-byte word of every 32-byte stripe.
            var v1 = seed &+ prime1 &+ prime2
            var v2 = seed &+ prime2
            var v3 = seed
            var v4 = seed &- prime1
            while offset + 32 <= length {
                v1 = round(v1, word64(input, offset))
                v2 = round(v2, word64(input, offset + 8))
                v3 = round(v3, word64(input, offset + 16))
                v4 = round(v4, word64(input, offset + 24))
                offset += 32
            }
            // Step 3: converge the lanes.
            acc = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
            acc = mergeRound(acc, v1)
            acc = mergeRound(acc, v2)
            acc = mergeRound(acc, v3)
            acc = mergeRound(acc, v4)
        } else {
            acc = seed &+ prime5
        }
        // Step 4: the input length.
        acc = acc &+ UInt64(length)
        // Step 5: the remaining 0-31 bytes, by 8, 4 and 1.
        while offset + 8 <= length {
            acc ^= round(0, word64(input, offset))
            acc = rotl(acc, 27) &* prime1 &+ prime4
            offset += 8
        }
        if offset + 4 <= length {
            acc ^= UInt64(word32(input, offset)) &* prime1
            acc = rotl(acc, 23) &* prime2 &+ prime3
            offset += 4
        }
        while offset < length {
            acc ^= UInt64(input[offset]) &* prime5
            acc = rotl(acc, 11) &* prime1
            offset += 1
        }
        // Step 6: avalanche.
        acc ^= acc >> 33
        acc = acc &* prime2
        acc ^= acc >> 29
        acc = acc &* prime3
        acc ^= acc >> 32
        return acc
    }

    static func round(_ acc: UInt64, _ lane: UInt64) -> UInt64 {
        rotl(acc &+ lane &* prime2, 31) &* prime1
    }

    static func mergeRound(_ acc: UInt64, _ lane: UInt64) -> UInt64 {
        (acc ^ round(0, lane)) &* prime1 &+ prime4
    }

    @inline(__always)
    static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { x << r | x >> (64 - r) }

    /// A little-endian 64-bit word (the specification reads all words little-endian).
    @inline(__always)
    static func word64(_ p: UnsafeRawBufferPointer, _ at: Int) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: at, as: UInt64.self))
    }

    @inline(__always)
    static func word32(_ p: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
        UInt32(littleEndian: p.loadUnaligned(fromByteOffset: at, as: UInt32.self))
    }
}
