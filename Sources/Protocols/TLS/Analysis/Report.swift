// What a finished TLS connection hands to the publish path: everything the event is built from, as plain
// values. Building the ECS event (certificate parsing included) happens on the publish thread, so the packet
// path pays only for parsing the handshake; the pipeline maps flow reports the same way.

import DissectorKit
import Events
import NetModel
import X509Fields

/// A TLS connection's handshake facts, ready to be mapped to an event.
public struct TLSReport: Sendable {
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

    /// The Packetbeat event of this connection.
    public func event(certificates: CertificateCache = CertificateCache()) -> Event {
        TLSEventMapper(settings: settings, certificates: certificates).event(for: self)
    }
}

/// Parsed certificates by DER: servers present the same chain to every client, so parsing each distinct
/// certificate once per thread removes most of the cost of certificate fields. Not thread-safe: one per
/// publishing thread.
public final class CertificateCache {
    /// Distinct certificates kept; when full, the cache starts over (cheap, and a working set that large
    /// is rare).
    public static let defaultCapacity = 4096
    private var parsed: [DERKey: CertificateFields?] = [:]
    private let capacity: Int
    /// Lookups answered without parsing.
    public private(set) var hits = 0

    public init(capacity: Int = CertificateCache.defaultCapacity) { self.capacity = max(1, capacity) }

    /// The fields of `der`, parsed at most once while cached; nil when it is not a certificate.
    public func fields(_ der: [UInt8]) -> CertificateFields? {
        let key = DERKey(der)
        if let known = parsed[key] {
            hits += 1
            return known
        }
        if parsed.count >= capacity { parsed.removeAll(keepingCapacity: true) }
        let fields = X509Parser.fields(der: der)
        parsed[key] = fields
        return fields
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
