// What a finished TLS connection hands to the publish path: everything the event is built from, as plain
// values. Building the ECS event (certificate parsing included) happens on the publish thread, so the packet
// path pays only for parsing the handshake; the pipeline maps flow reports the same way.

import DissectorKit
import Events
import NetModel
import TLSFingerprint
import TLSWire
import X509Fields

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
    private var parsed: [DERKey: CertificateFields?] = [:]
    private var clientPrints: [ClientHelloSummary: (ja3: String, ja4: String)] = [:]
    private var serverPrints: [ServerHelloSummary: String] = [:]
    private var cipherLists: [[UInt16]: FieldValue] = [:]
    private let capacity: Int
    /// Lookups answered from the cache.
    public private(set) var hits = 0

    public init(capacity: Int = TLSEventCache.defaultCapacity) { self.capacity = max(1, capacity) }

    /// The fields of `der`, parsed at most once while cached; nil when it is not a certificate.
    public func fields(_ der: [UInt8]) -> CertificateFields? {
        remember(DERKey(der), in: &parsed) { X509Parser.fields(der: der) }
    }

    /// JA3 (MD5) and JA4 of a client hello.
    func clientFingerprints(_ summary: ClientHelloSummary) -> (ja3: String, ja4: String) {
        remember(summary, in: &clientPrints) { (JA3.fingerprint(summary).md5, JA4.fingerprint(summary)) }
    }

    /// JA3S (MD5) of a server hello.
    func ja3s(_ summary: ServerHelloSummary) -> String {
        remember(summary, in: &serverPrints) { JA3S.fingerprint(summary).md5 }
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

/// A certificate's DER as a dictionary key. `[UInt8]`'s own hashing feeds the hasher one byte at a time,
/// which made cache lookups cost more than a third of mapping a TLS event; this feeds the bytes as one
/// block.
struct DERKey: Hashable {
    let der: [UInt8]

    init(_ der: [UInt8]) { self.der = der }

    func hash(into hasher: inout Hasher) {
        der.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
