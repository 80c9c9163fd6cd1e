// How a message's partition is chosen, as libbeat's Kafka output chooses it (libbeat.md §1.4): FNV-1a-32 of the
// key mapped with `(int32(h) & 0x7FFFFFFF) % n` (Beats ≥ 7.13; older releases and librdkafka's own fnv1a
// partitioner use abs(), which differs for every hash with the top bit set), random partitions for keyless
// messages, and the random / round-robin partitioners that keep a partition for `group_events` messages.
// This file is pure logic; the librdkafka partitioner callback that drives it lives in RdKafka.swift.

import Config

/// The hash and partition arithmetic libbeat uses.
public enum BeatsPartitionHash {
    /// FNV-1a, 32 bits (offset basis 0x811C9DC5, prime 0x01000193), over `bytes`.
    @inlinable
    public static func fnv1a32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var hash: UInt32 = 0x811C_9DC5
        for byte in bytes {
            hash ^= UInt32(byte)
            hash &*= 0x0100_0193
        }
        return hash
    }

    /// FNV-1a, 32 bits, over `bytes`.
    @inlinable
    public static func fnv1a32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { fnv1a32($0) }
    }

    /// The partition (0..<count) for `hash`. Clearing the sign bit rather than taking abs() keeps 2^31 in range
    /// and is what libbeat does since 7.13.
    @inlinable
    public static func partition(forHash hash: UInt32, count: Int32) -> Int32 {
        precondition(count > 0, "a topic has at least one partition")
        return (Int32(bitPattern: hash) & 0x7FFF_FFFF) % count
    }
}

/// A small seedable generator (SplitMix64): the partitioner runs inside librdkafka's callback, where a system
/// call per keyless message would be wasted, and tests need reproducible sequences.
public struct PartitionRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator starting from `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The state of one topic's partitioner: which strategy, and for grouped strategies the current partition and
/// how many messages it has taken.
public struct PartitionChooser: Sendable {
    private enum Strategy {
        case keyHash
        case fieldsHash
        case random(groupEvents: Int)
        case roundRobin(groupEvents: Int)
    }

    private let strategy: Strategy
    private let reachableOnly: Bool
    private var random: PartitionRandom
    // Index among the candidate partitions; -1 until the first grouped message picks one.
    private var current: Int32 = -1
    private var taken = 0

    /// A fresh partitioner for one topic. `seed` feeds the random choices.
    public init(partitioner: KafkaPartitioner, seed: UInt64) {
        switch partitioner {
        case .hash(let fields, _, let reachable):
            strategy = fields.isEmpty ? .keyHash : .fieldsHash
            reachableOnly = reachable
        case .random(let groupEvents, let reachable):
            strategy = .random(groupEvents: max(1, groupEvents))
            reachableOnly = reachable
        case .roundRobin(let groupEvents, let reachable):
            strategy = .roundRobin(groupEvents: max(1, groupEvents))
            reachableOnly = reachable
        }
        random = PartitionRandom(seed: seed)
    }

    /// Chooses a partition in 0..<partitionCount.
    ///
    /// - Parameters:
    ///   - key: the message key, nil for a keyless message.
    ///   - precomputedHash: the hash of `partition.hash.hash` fields; when the hash partitioner has fields and
    ///     this is nil, hashing them failed and the partition is random (libbeat's `random: true`).
    ///   - isAvailable: whether a partition has a leader; consulted only with `reachable_only`.
    ///
    /// With `reachable_only` the strategy chooses among the partitions that have a leader, as libbeat's
    /// partitioner only sees those. When none has a leader it chooses among all of them, so the message waits
    /// in librdkafka for a leader instead of failing.
    public mutating func choose(
        key: UnsafeRawBufferPointer?, precomputedHash: UInt32?, partitionCount: Int32,
        isAvailable: (Int32) -> Bool
    ) -> Int32 {
        guard partitionCount > 0 else { return 0 }
        if reachableOnly {
            var reachable: Int32 = 0
            for partition in 0..<partitionCount where isAvailable(partition) { reachable += 1 }
            if reachable > 0 && reachable < partitionCount {
                let index = chooseIndex(key: key, precomputedHash: precomputedHash, count: reachable)
                return Self.partition(atIndex: index, of: partitionCount, isAvailable: isAvailable)
            }
        }
        return chooseIndex(key: key, precomputedHash: precomputedHash, count: partitionCount)
    }

    private mutating func chooseIndex(key: UnsafeRawBufferPointer?, precomputedHash: UInt32?, count: Int32) -> Int32 {
        switch strategy {
        case .keyHash:
            if let hash = precomputedHash ?? key.map(BeatsPartitionHash.fnv1a32) {
                return BeatsPartitionHash.partition(forHash: hash, count: count)
            }
            return Int32.random(in: 0..<count, using: &random)
        case .fieldsHash:
            let hash = precomputedHash ?? UInt32.random(in: .min ... .max, using: &random)
            return BeatsPartitionHash.partition(forHash: hash, count: count)
        case .random(let groupEvents):
            if current < 0 || taken >= groupEvents {
                current = Int32.random(in: 0..<count, using: &random)
                taken = 0
            }
        case .roundRobin(let groupEvents):
            if current < 0 {
                current = Int32.random(in: 0..<count, using: &random)
                taken = 0
            } else if taken >= groupEvents {
                current += 1
                taken = 0
            }
        }
        // The candidate set can shrink between messages (a leader lost, partitions deleted).
        if current >= count { current = 0 }
        taken += 1
        return current
    }

    private static func partition(atIndex index: Int32, of count: Int32, isAvailable: (Int32) -> Bool) -> Int32 {
        var seen: Int32 = 0
        for partition in 0..<count where isAvailable(partition) {
            if seen == index { return partition }
            seen += 1
        }
        return index % count
    }
}
