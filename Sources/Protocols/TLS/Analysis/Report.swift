// What a finished TLS connection hands to the publish path: everything the event is built from, as plain
// values. Building the ECS event (certificate parsing included) happens on the publish thread, so the packet
// path pays only for parsing the handshake; the pipeline maps flow reports the same way.

import DissectorKit
import Events
import NetModel
import TLSFingerprint
import TLSWire
import X509Fields

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A TLS connection's handshake facts, ready to be mapped to an event. A class: the report passes through
/// the dissector's queue, the event batch and the publish queue, and a struct this size was copied, each of
/// its many arrays retained and released, at every step.
public final class TLSReport: Sendable {
    let facts: HandshakeFacts
    let client: Endpoint
    let server: Endpoint
    let ipProtocol: UInt8
    let clientEncrypted: Bool
    let serverEncrypted: Bool
    let start: Timestamp
    let end: Timestamp
    let history: String
    let anomalies: [String]
    let settings: TLSSettings

    init(
        facts: HandshakeFacts, client: Endpoint, server: Endpoint, ipProtocol: UInt8, clientEncrypted: Bool,
        serverEncrypted: Bool, start: Timestamp, end: Timestamp, history: String, anomalies: [String],
        settings: TLSSettings
    ) {
        self.facts = facts
        self.client = client
        self.server = server
        self.ipProtocol = ipProtocol
        self.clientEncrypted = clientEncrypted
        self.serverEncrypted = serverEncrypted
        self.start = start
        self.end = end
        self.history = history
        self.anomalies = anomalies
        self.settings = settings
    }

    /// True: the event holds no null anywhere (every field it writes is a concrete value), so the pipeline need
    /// not look for nulls to remove. The golden tests check every event of every fixture for it.
    public static let eventsHoldNoNulls = true

    /// The Packetbeat event of this connection.
    public func event(cache: TLSEventCache = TLSEventCache()) -> Event {
        TLSEventMapper(settings: settings, cache: cache).event(for: self)
    }
}

/// The parts of TLS events that repeat from connection to connection, computed once per thread: servers
/// present the same certificate chain to every client, and a fleet's clients are a handful of TLS stacks that
/// send the same hello every time, so certificate fields, fingerprints (JA3, JA4, JA3S: sorting, MD5 and two
/// SHA-256 per hello) and the names of an offered cipher list are each derived once per distinct input. Not
/// thread-safe: one per publishing thread.
public final class TLSEventCache {
    /// Distinct entries kept per kind; when full, that kind starts over (cheap, and a working set that large
    /// is rare).
    public static let defaultCapacity = 4096
    private var parsed: [DERKey: MappedCertificate?] = [:]
    private var clientPrints: [ClientHelloSummary: ClientPrints] = [:]
    private var serverPrints: [ServerHelloSummary: ServerPrints] = [:]
    private var cipherLists: [[UInt16]: FieldValue] = [:]
    private let capacity: Int
    /// Lookups answered from the cache.
    public private(set) var hits = 0

    public init(capacity: Int = TLSEventCache.defaultCapacity) { self.capacity = max(1, capacity) }

    /// The fields of `der` and both event objects made from them, each made at most once while cached; nil
    /// when it is not a certificate.
    func certificate(_ der: [UInt8]) -> MappedCertificate? {
        remember(DERKey(der), in: &parsed) { X509Parser.fields(der: der).map(MappedCertificate.init) }
    }

    /// The fingerprints of a client hello, hashed and raw (the raw forms go to the detailed fields).
    func clientFingerprints(_ summary: ClientHelloSummary) -> ClientPrints {
        remember(summary, in: &clientPrints) {
            let ja3 = JA3.fingerprint(summary)
            return ClientPrints(ja3: ja3.md5, ja4: JA4.fingerprint(summary), ja3String: ja3.string, ja4Raw: JA4.raw(summary))
        }
    }

    /// JA3S of a server hello, hashed and raw.
    func serverFingerprints(_ summary: ServerHelloSummary) -> ServerPrints {
        remember(summary, in: &serverPrints) {
            let ja3s = JA3S.fingerprint(summary)
            return ServerPrints(ja3s: ja3s.md5, ja3sString: ja3s.string)
        }
    }

    /// The names of an offered cipher list (`tls.client.supported_ciphers`).
    func cipherNames(_ suites: [CipherSuite]) -> FieldValue {
        remember(suites.map(\.rawValue), in: &cipherLists) { .strings(suites.map(\.description)) }
    }

    private func remember<Key: Hashable, Value>(_ key: Key, in table: inout [Key: Value], _ make: () -> Value) -> Value {
        if let known = table[key] {
            hits += 1
            return known
        }
        if table.count >= capacity { table.removeAll(keepingCapacity: true) }
        let value = make()
        table[key] = value
        return value
    }
}

/// A parsed certificate with its two event objects (`CertificateMapping`): a server presents the same chain to
/// every client, so the objects, distinguished-name strings included, are built once, not once per event.
struct MappedCertificate {
    let fields: CertificateFields
    /// The ECS `x509` object.
    let ecs: Fields
    /// The `tls.detailed` certificate object.
    let detailed: Fields

    init(_ fields: CertificateFields) {
        self.fields = fields
        ecs = CertificateMapping.ecs(fields)
        detailed = CertificateMapping.detailed(fields)
    }
}

/// JA3 (MD5), JA4, and their raw strings (JA3's string and JA4's `ja4_r`) of one client hello.
struct ClientPrints {
    var ja3: String
    var ja4: String
    var ja3String: String
    var ja4Raw: String
}

/// JA3S (MD5) and its string of one server hello.
struct ServerPrints {
    var ja3s: String
    var ja3sString: String
}

/// A certificate's DER as a dictionary key, hashed by its length and its first and last `sample` bytes.
///
/// `[UInt8]`'s own hashing feeds the hasher one byte at a time, and even as one block, hashing every byte
/// of each certificate (a kilobyte or two, several per event) was the largest single cost of mapping a TLS
/// event. The ends tell certificates apart: the serial number is near the start and the signature fills
/// the end. Equality still compares every byte, so a collision costs only time; certificates crafted to share
/// their ends slow their own lookups down, within the cache's `capacity`.
struct DERKey: Hashable {
    let der: [UInt8]

    /// Bytes hashed at each end.
    static let sample = 64

    init(_ der: [UInt8]) { self.der = der }

    /// Byte-wise comparison in one `memcmp` (`[UInt8]`'s own `==` compares element by element).
    static func == (a: DERKey, b: DERKey) -> Bool {
        guard a.der.count == b.der.count else { return false }
        return a.der.withUnsafeBytes { x in
            b.der.withUnsafeBytes { y in x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 }
        }
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(der.count)
        der.withUnsafeBytes { bytes in
            guard bytes.count > 2 * DERKey.sample else { return hasher.combine(bytes: bytes) }
            hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: bytes[..<DERKey.sample]))
            hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: bytes[(bytes.count - DERKey.sample)...]))
        }
    }
}
