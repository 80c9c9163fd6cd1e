import Config
import Testing

@testable import KafkaOutput

/// FNV-1a-32 written out from its definition with 64-bit arithmetic, independent of the implementation under test.
private func referenceFNV1a(_ bytes: [UInt8]) -> UInt32 {
    var hash: UInt64 = 2_166_136_261
    for byte in bytes { hash = ((hash ^ UInt64(byte)) * 16_777_619) % (1 << 32) }
    return UInt32(hash)
}

@Suite struct PartitioningTests {
    /// Keys, their FNV-1a-32 and the partition of 7 that Beats ≥ 7.13 picks. The first three are the published
    /// FNV test vectors. Rows with the top bit set show where the older abs() mapping picks another partition.
    static let table: [(key: String, hash: UInt32, partition: Int32, absPartition: Int32)] = [
        ("", 0x811C_9DC5, 0, 2),
        ("a", 0xE40C_292C, 3, 6),
        ("foobar", 0xBF9C_F968, 5, 4),
        ("10.0.0.1", 0xDEBE_BE8D, 3, 6),
        ("host-1", 0x91B7_2475, 0, 2),
        ("host-2", 0x8EB7_1FBC, 6, 3),
        ("192.168.1.10", 0xEBE1_80FC, 5, 4),
        ("key-0", 0x58E0_35D9, 6, 6),
        ("key-1", 0x57E0_3446, 1, 1),
        ("key-3", 0x55E0_3120, 5, 5),
    ]

    @Test(arguments: table)
    func hashesAndMapsKeysAsBeats(row: (key: String, hash: UInt32, partition: Int32, absPartition: Int32)) {
        let bytes = Array(row.key.utf8)
        #expect(referenceFNV1a(bytes) == row.hash)
        #expect(BeatsPartitionHash.fnv1a32(bytes) == row.hash)
        #expect(BeatsPartitionHash.partition(forHash: row.hash, count: 7) == row.partition)
        let legacy = abs(Int64(Int32(bitPattern: row.hash))) % 7
        #expect(legacy == Int64(row.absPartition))
        if row.hash >> 31 == 0 { #expect(row.partition == row.absPartition) }
    }

    @Test func topBitHashesDifferFromAbs() {
        let differing = Self.table.filter { $0.partition != $0.absPartition }
        #expect(!differing.isEmpty)
        #expect(differing.allSatisfy { $0.hash >> 31 == 1 })
    }

    @Test func hashOfTwoToThe31IsInRange() {
        // abs(Int32.min) overflows: the bug libbeat fixed in 7.13.
        #expect(BeatsPartitionHash.partition(forHash: 0x8000_0000, count: 7) == 0)
        #expect(BeatsPartitionHash.partition(forHash: 0xFFFF_FFFF, count: 7) == Int32(0x7FFF_FFFF % 7))
    }

    @Test func keyHashPartitionerUsesTheKeyOrThePrecomputedHash() {
        var chooser = PartitionChooser(partitioner: .hash(fields: [], random: true, reachableOnly: false), seed: 1)
        for row in Self.table {
            let chosen = Array(row.key.utf8).withUnsafeBytes {
                chooser.choose(key: $0, precomputedHash: nil, partitionCount: 7) { _ in true }
            }
            #expect(chosen == row.partition, "key \(row.key)")
        }
        let precomputed = chooser.choose(key: nil, precomputedHash: 0xE40C_292C, partitionCount: 7) { _ in true }
        #expect(precomputed == 3)
    }

    @Test func keylessMessagesGoToRandomPartitions() {
        var chooser = PartitionChooser(partitioner: .hash(fields: [], random: true, reachableOnly: false), seed: 7)
        let chosen = (0..<200).map { _ in
            chooser.choose(key: nil, precomputedHash: nil, partitionCount: 5) { _ in true }
        }
        #expect(Set(chosen) == Set(0..<5))
    }

    @Test func fieldsHashIgnoresTheKeyAndFallsBackToRandom() {
        var chooser = PartitionChooser(partitioner: .hash(fields: ["a"], random: true, reachableOnly: false), seed: 3)
        let withHash = Array("a".utf8).withUnsafeBytes {
            chooser.choose(key: $0, precomputedHash: 0x58E0_35D9, partitionCount: 7) { _ in true }
        }
        #expect(withHash == 6)
        let failed = (0..<200).map { _ in
            Array("a".utf8).withUnsafeBytes {
                chooser.choose(key: $0, precomputedHash: nil, partitionCount: 7) { _ in true }
            }
        }
        #expect(Set(failed).count > 1, "hashing failed: random partitions, not the key's")
    }

    @Test func randomKeepsAPartitionForEachGroup() {
        var chooser = PartitionChooser(partitioner: .random(groupEvents: 3, reachableOnly: false), seed: 11)
        let chosen = (0..<60).map { _ in chooser.choose(key: nil, precomputedHash: nil, partitionCount: 8) { _ in true }
        }
        let groups = stride(from: 0, to: 60, by: 3).map { Array(chosen[$0..<$0 + 3]) }
        #expect(groups.allSatisfy { Set($0).count == 1 })
        #expect(Set(groups.map { $0[0] }).count > 1)
    }

    @Test func roundRobinAdvancesAfterEachGroup() {
        var chooser = PartitionChooser(partitioner: .roundRobin(groupEvents: 2, reachableOnly: false), seed: 5)
        let chosen = (0..<12).map { _ in chooser.choose(key: nil, precomputedHash: nil, partitionCount: 4) { _ in true }
        }
        for index in chosen.indices {
            let expected = (chosen[0] + Int32(index / 2)) % 4
            #expect(chosen[index] == expected, "message \(index): \(chosen)")
        }
    }

    @Test func roundRobinStartsAtARandomPartition() {
        let starts = (0..<40).map { seed in
            var chooser = PartitionChooser(
                partitioner: .roundRobin(groupEvents: 1, reachableOnly: false), seed: UInt64(seed))
            return chooser.choose(key: nil, precomputedHash: nil, partitionCount: 6) { _ in true }
        }
        #expect(Set(starts).count > 1)
    }

    @Test func reachableOnlyChoosesAmongPartitionsWithALeader() {
        let available: Set<Int32> = [1, 4, 5]
        var hashing = PartitionChooser(partitioner: .hash(fields: [], random: true, reachableOnly: true), seed: 2)
        // "a" hashes to 0xE40C292C: index 0x640C292C % 3 = 2 of the reachable partitions [1, 4, 5].
        let chosen = Array("a".utf8).withUnsafeBytes {
            hashing.choose(key: $0, precomputedHash: nil, partitionCount: 7) { available.contains($0) }
        }
        #expect(chosen == 5)
        var rotating = PartitionChooser(partitioner: .roundRobin(groupEvents: 1, reachableOnly: true), seed: 9)
        let cycle = (0..<9).map { _ in
            rotating.choose(key: nil, precomputedHash: nil, partitionCount: 7) { available.contains($0) }
        }
        #expect(Set(cycle) == available)
    }

    @Test func reachableOnlyWithoutLeadersUsesAllPartitions() {
        var chooser = PartitionChooser(partitioner: .hash(fields: [], random: true, reachableOnly: true), seed: 2)
        let chosen = Array("a".utf8).withUnsafeBytes {
            chooser.choose(key: $0, precomputedHash: nil, partitionCount: 7) { _ in false }
        }
        #expect(chosen == 3)
    }

    @Test func ignoringReachabilityNeverAsksForIt() {
        var chooser = PartitionChooser(partitioner: .hash(fields: [], random: true, reachableOnly: false), seed: 2)
        let chosen = Array("a".utf8).withUnsafeBytes {
            chooser.choose(key: $0, precomputedHash: nil, partitionCount: 7) { _ in
                Issue.record("reachability consulted without reachable_only")
                return false
            }
        }
        #expect(chosen == 3)
    }

    @Test(arguments: [(UInt32(0), UInt32?.none), (1, 0), (0x7FFF_FFFF, 0xFFFF_FFFF), (12345, 0x8000_0000), (77, nil)])
    func messageTagsRoundTrip(token: UInt32, hash: UInt32?) {
        let tag = MessageTag(token: token, partitionHash: hash)
        #expect(MessageTag(packed: tag.packed) == tag)
        #expect((tag.packed >> 63 == 1) == (hash != nil))
    }
}
