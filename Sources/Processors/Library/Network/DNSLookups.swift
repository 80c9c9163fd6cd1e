// The dns processor's lookups and its two caches, as libbeat's `lookupCache`: a success cache that keeps an
// answer for the record TTL but at least `success_cache.min_ttl`, and a failure cache that keeps any failure
// (NXDOMAIN, no records, timeout) for `failure_cache.ttl`. Each cache holds at most `capacity.max` entries;
// when full, an arbitrary entry makes room, as Beats evicts a random one. Each processor instance has its own
// caches. The state sits behind a `Mutex` because processors are shared across threads; the lock is not held
// while the resolver waits on the network.

import Synchronization

/// The record types the dns processor asks for.
enum DNSQueryType: UInt16, Sendable {
    case a = 1
    case ptr = 12
    case txt = 16
    case aaaa = 28

    /// The type's mnemonic, as in messages (`PTR`).
    var mnemonic: String {
        switch self {
        case .a: return "A"
        case .ptr: return "PTR"
        case .txt: return "TXT"
        case .aaaa: return "AAAA"
        }
    }
}

/// What a nameserver answered: the records' data as text and how long it may be cached, in seconds.
struct DNSAnswer: Sendable, Equatable {
    var data: [String]
    var ttl: UInt32
}

/// Why a lookup failed, worded for the log.
struct DNSLookupError: Error, Sendable, Equatable, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// Something that answers DNS queries (libresolv in production).
protocol DNSResolving: Sendable {
    /// Looks up `query` (an address for PTR, a name otherwise).
    func resolve(_ query: String, type: DNSQueryType) -> Result<DNSAnswer, DNSLookupError>
}

/// The size and lifetime settings of one cache.
struct DNSCacheSettings: Sendable, Equatable {
    /// Entries reserved up front.
    var initialCapacity = 1000
    /// Entries kept at most.
    var maxCapacity = 10000
    /// For the success cache the minimum lifetime of an answer; for the failure cache the lifetime of a failure.
    var ttl = Duration.seconds(60)
}

/// Cached lookups of one query type.
final class DNSLookups: Sendable {
    let resolver: any DNSResolving
    let type: DNSQueryType
    let successSettings: DNSCacheSettings
    let failureSettings: DNSCacheSettings
    let clock: @Sendable () -> ContinuousClock.Instant
    private let caches: Mutex<Caches>

    private struct Caches {
        var success: ExpiringCache<String, [String]>
        var failure: ExpiringCache<String, String>
    }

    init(
        resolver: any DNSResolving, type: DNSQueryType, success: DNSCacheSettings, failure: DNSCacheSettings,
        clock: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.resolver = resolver
        self.type = type
        successSettings = success
        failureSettings = failure
        self.clock = clock
        caches = Mutex(
            Caches(
                success: ExpiringCache(initialCapacity: success.initialCapacity, maxCapacity: success.maxCapacity),
                failure: ExpiringCache(initialCapacity: failure.initialCapacity, maxCapacity: failure.maxCapacity)))
    }

    /// The records for `query`, from a cache when one holds a live entry, else from the resolver.
    func lookup(_ query: String) -> Result<[String], DNSLookupError> {
        let now = clock()
        let cached = caches.withLock { caches -> Result<[String], DNSLookupError>? in
            if let data = caches.success.value(for: query, at: now) { return .success(data) }
            if let message = caches.failure.value(for: query, at: now) {
                return .failure(DNSLookupError(message + " (from failure cache)"))
            }
            return nil
        }
        if let cached { return cached }

        let result = resolver.resolve(query, type: type)
        caches.withLock { caches in
            switch result {
            case .success(let answer):
                let lifetime = max(Duration.seconds(Int64(answer.ttl)), successSettings.ttl)
                caches.success.insert(answer.data, for: query, expires: now + lifetime, now: now)
            case .failure(let error):
                caches.failure.insert(error.message, for: query, expires: now + failureSettings.ttl, now: now)
            }
        }
        return result.map(\.data)
    }

    /// The number of live and expired entries in each cache (for tests and diagnostics).
    var cachedCounts: (success: Int, failure: Int) {
        caches.withLock { ($0.success.count, $0.failure.count) }
    }
}
