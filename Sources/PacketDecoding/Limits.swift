// Every bound the packet decoder places on hostile or absurd input, with the reason for its value.
//
// The decoder runs on every captured frame, so each loop it runs and each byte it keeps for later must be
// bounded no matter what arrives. The fragment limits follow the reassembly rules of RFC 791 section 3.2
// (IPv4: 16-bit total length, reassembly timer), RFC 8200 section 4.5 (IPv6: 65,535-octet payload, 60 s
// upper bound on the timer) and Linux's defaults (`ipfrag_time`, `ipfrag_high_thresh`), which is what the
// hosts wirebeat watches actually do.

import NetModel

/// The bounds one `PacketDecoder` enforces. `standard` is right for real traffic; tests shrink them.
public struct DecoderLimits: Sendable, Equatable {
    /// VLAN tags read before a frame is declared malformed.
    ///
    /// Real networks stack two tags (802.1ad QinQ) and rarely three; eight leaves room for odd
    /// provider setups while stopping a frame made of nothing but tag headers.
    public static let defaultMaxVLANTags = 8

    /// IPv6 extension headers walked before a packet is declared malformed.
    ///
    /// RFC 8200 section 4.1 lets each extension header appear once (Destination Options twice), so a
    /// legitimate chain has about eight; RFC 8504 section 5.3 asks nodes to bound the chain they will
    /// process. Sixteen tolerates experiments (253/254) and still bounds the work per packet.
    public static let defaultMaxIPv6ExtensionHeaders = 16

    /// Datagrams being reassembled at once; a new one beyond this evicts the oldest.
    ///
    /// Fragmented traffic is rare (DNS with large EDNS answers, NFS over UDP, tunnels); 64 concurrent
    /// datagrams per worker covers busy links, and with each slot's buffer capped at 64 KiB bounds the
    /// memory a fragment flood can pin to 4 MiB per worker.
    public static let defaultMaxConcurrentReassemblies = 64

    /// Distinct fragments kept per datagram; one more drops the datagram.
    ///
    /// A 65,535-byte datagram needs 45 fragments at a 1500-byte MTU, 52 at IPv6's 1280-byte minimum
    /// (RFC 8200 section 5) and 119 at IPv4's 576-byte minimum (RFC 791 section 3.1); 128 allows all of
    /// them and refuses floods of tiny fragments that would make each arrival scan thousands of entries.
    public static let defaultMaxFragmentsPerDatagram = 128

    /// Largest reassembled IPv4 datagram, header included: the 16-bit Total Length of RFC 791 section 3.1.
    public static let defaultMaxReassembledIPv4Bytes = 65_535

    /// Largest reassembled IPv6 packet: 40-byte header plus the 65,535-octet payload that RFC 8200
    /// section 4.5 allows a reassembled packet (jumbograms, RFC 2675, cannot be fragmented).
    public static let defaultMaxReassembledIPv6Bytes = 65_535 + 40

    /// How long, in capture time since its first fragment, a datagram may wait for the rest.
    ///
    /// Linux's `ipfrag_time` default is 30 s; RFC 8200 section 4.5 sets 60 s as the upper bound. Matching
    /// the hosts' own timer means wirebeat reassembles what the receiver reassembled.
    public static let defaultFragmentTimeout = TimeSpan.seconds(30)

    /// Bytes of fragment data held across all datagrams being reassembled; more evicts the oldest.
    ///
    /// Linux's `ipfrag_high_thresh` is 4 MiB per network namespace, counting kernel buffer overhead; our
    /// count is payload only and per worker, so half of that keeps a comparable bound on what an attacker
    /// sending first fragments that never complete can make us hold.
    public static let defaultFragmentByteBudget = 2 * 1024 * 1024

    /// The hard ceiling of any reassembly buffer: the fragmentable part of a datagram can never exceed the
    /// 16-bit length fields of either IP version, so no setting may make a slot's buffer larger.
    static let reassemblyBufferCapacity = 65_535

    /// See `defaultMaxVLANTags`.
    public var maxVLANTags: Int
    /// See `defaultMaxIPv6ExtensionHeaders`.
    public var maxIPv6ExtensionHeaders: Int
    /// See `defaultMaxConcurrentReassemblies`.
    public var maxConcurrentReassemblies: Int
    /// See `defaultMaxFragmentsPerDatagram`.
    public var maxFragmentsPerDatagram: Int
    /// See `defaultMaxReassembledIPv4Bytes`; values above it are lowered to it.
    public var maxReassembledIPv4Bytes: Int
    /// See `defaultMaxReassembledIPv6Bytes`; values above it are lowered to it.
    public var maxReassembledIPv6Bytes: Int
    /// See `defaultFragmentTimeout`.
    public var fragmentTimeout: TimeSpan
    /// See `defaultFragmentByteBudget`; never below one largest datagram, so any single one can complete.
    public var fragmentByteBudget: Int

    /// The limits wirebeat runs with.
    public static let standard = DecoderLimits()

    /// Limits with the defaults above, overridable one by one.
    public init(
        maxVLANTags: Int = defaultMaxVLANTags,
        maxIPv6ExtensionHeaders: Int = defaultMaxIPv6ExtensionHeaders,
        maxConcurrentReassemblies: Int = defaultMaxConcurrentReassemblies,
        maxFragmentsPerDatagram: Int = defaultMaxFragmentsPerDatagram,
        maxReassembledIPv4Bytes: Int = defaultMaxReassembledIPv4Bytes,
        maxReassembledIPv6Bytes: Int = defaultMaxReassembledIPv6Bytes,
        fragmentTimeout: TimeSpan = defaultFragmentTimeout,
        fragmentByteBudget: Int = defaultFragmentByteBudget
    ) {
        self.maxVLANTags = maxVLANTags
        self.maxIPv6ExtensionHeaders = maxIPv6ExtensionHeaders
        self.maxConcurrentReassemblies = maxConcurrentReassemblies
        self.maxFragmentsPerDatagram = maxFragmentsPerDatagram
        self.maxReassembledIPv4Bytes = maxReassembledIPv4Bytes
        self.maxReassembledIPv6Bytes = maxReassembledIPv6Bytes
        self.fragmentTimeout = fragmentTimeout
        self.fragmentByteBudget = fragmentByteBudget
    }

    /// The limits actually applied: every count at least 1 and the sizes within what the wire allows, so
    /// a careless configuration cannot make the decoder allocate without bound or refuse everything.
    var sanitized: DecoderLimits {
        var l = self
        l.maxVLANTags = max(1, l.maxVLANTags)
        l.maxIPv6ExtensionHeaders = max(1, l.maxIPv6ExtensionHeaders)
        l.maxConcurrentReassemblies = min(max(1, l.maxConcurrentReassemblies), 4096)
        l.maxFragmentsPerDatagram = min(max(1, l.maxFragmentsPerDatagram), 8192)
        l.maxReassembledIPv4Bytes = min(
            max(28, l.maxReassembledIPv4Bytes), DecoderLimits.defaultMaxReassembledIPv4Bytes)
        l.maxReassembledIPv6Bytes = min(
            max(48, l.maxReassembledIPv6Bytes), DecoderLimits.defaultMaxReassembledIPv6Bytes)
        l.fragmentByteBudget = max(l.fragmentByteBudget, DecoderLimits.reassemblyBufferCapacity)
        return l
    }
}
