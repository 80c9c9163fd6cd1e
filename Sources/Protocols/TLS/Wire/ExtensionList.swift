// Reading an extension block (RFC 8446 section 4.2) into an `ExtensionList`, and the lookups consumers use
// most. The block's own length is checked against the message: a block that claims more bytes than the
// message holds is read as far as it goes (`tls.handshake.truncated`), bytes after it are reported
// (`tls.handshake.bad_length`), a repeated type is reported (`tls.extension.duplicate`, RFC 8446 section 4.2
// "There MUST NOT be more than one extension of the same type"), and at most
// `TLSLimits.maxExtensionsPerMessage` are kept (`tls.extension.too_many`).

import WireKit

/// The extensions of one message, in wire order.
public struct ExtensionList: Sendable, Hashable {
    /// Every extension kept, in wire order, GREASE and unknown types included.
    public var entries: [TLSExtension]

    /// A list of these extensions.
    public init(_ entries: [TLSExtension] = []) { self.entries = entries }

    /// The extension types in wire order (for fingerprints).
    public var types: [ExtensionType] { entries.map { $0.type } }

    /// True when no extension was present.
    public var isEmpty: Bool { entries.isEmpty }

    /// The first extension of `type`.
    public subscript(_ type: ExtensionType) -> TLSExtension? {
        // By index: `first(where:)` would copy (retain and release) every entry it passes.
        for index in entries.indices where entries[index].type == type { return entries[index] }
        return nil
    }

    /// The host names of server_name (name type host_name only, as Packetbeat reports them).
    public var serverNames: [[UInt8]] {
        guard case .serverNames(let names) = self[.serverName]?.value else { return [] }
        return names.filter { $0.type == .hostName }.map { $0.name }
    }

    /// The ALPN protocol ids.
    public var alpnProtocols: [[UInt8]] {
        guard case .protocolNames(let names) = self[.applicationLayerProtocolNegotiation]?.value else { return [] }
        return names
    }

    /// The supported_groups list.
    public var supportedGroups: [NamedGroup] {
        guard case .supportedGroups(let groups) = self[.supportedGroups]?.value else { return [] }
        return groups
    }

    /// The ec_point_formats list.
    public var ecPointFormats: [ECPointFormat] {
        guard case .ecPointFormats(let formats) = self[.ecPointFormats]?.value else { return [] }
        return formats
    }

    /// The signature_algorithms list.
    public var signatureAlgorithms: [SignatureScheme] {
        guard case .signatureSchemes(let schemes) = self[.signatureAlgorithms]?.value else { return [] }
        return schemes
    }

    /// The client's supported_versions list.
    public var supportedVersions: [ProtocolVersion] {
        guard case .supportedVersions(let versions) = self[.supportedVersions]?.value else { return [] }
        return versions
    }

    /// The version a ServerHello or HelloRetryRequest selects in supported_versions.
    public var selectedVersion: ProtocolVersion? {
        guard case .selectedVersion(let version) = self[.supportedVersions]?.value else { return nil }
        return version
    }

    /// The groups of key_share: the client's shares, the server's share, or the group a
    /// HelloRetryRequest asks for.
    public var keyShareGroups: [NamedGroup] {
        switch self[.keyShare]?.value {
        case .keyShares(let shares): shares.map { $0.group }
        case .keyShare(let share): [share.group]
        case .selectedGroup(let group): [group]
        default: []
        }
    }

    /// The psk_key_exchange_modes list.
    public var pskKeyExchangeModes: [PSKKeyExchangeMode] {
        guard case .pskKeyExchangeModes(let modes) = self[.pskKeyExchangeModes]?.value else { return [] }
        return modes
    }

    /// Reads `Extension extensions<…>` from `c`. When `endsMessage` (every message but a TLS 1.3 certificate
    /// entry, whose block is followed by the next entry), bytes after the block are reported and consumed.
    static func parse(
        _ c: inout ByteCursor, context: ExtensionContext, endsMessage: Bool = true, anomalies: inout [TLSWireAnomaly]
    ) -> ExtensionList {
        guard c.remaining >= 2 else {
            anomalies.noteTruncation()
            c.skipRest()
            return ExtensionList()
        }
        // Reading two bytes with two remaining cannot fail.
        let declared = Int((try? c.readUInt16()) ?? 0)
        var block: ByteCursor
        if declared > c.remaining {
            anomalies.noteTruncation()
            block = (try? c.window(c.remaining)) ?? c
        } else {
            block = (try? c.window(declared)) ?? c
            if endsMessage, !c.isAtEnd {
                anomalies.append(.handshakeBadLength)
                c.skipRest()
            }
        }
        var entries: [TLSExtension] = []
        entries.reserveCapacity(min(entryCount(block), TLSLimits.maxExtensionsPerMessage))
        // Types below 64 (every common one) are remembered in a bit set; others are looked for in the list.
        var seenLow: UInt64 = 0
        while !block.isAtEnd {
            guard entries.count < TLSLimits.maxExtensionsPerMessage else {
                anomalies.append(.extensionTooMany)
                break
            }
            guard let entry = readEntry(&block, context: context, anomalies: &anomalies) else { break }
            let type = entry.type.rawValue
            let duplicate: Bool
            if type < 64 {
                duplicate = seenLow & (1 << type) != 0
                seenLow |= 1 << type
            } else {
                duplicate = entries.contains { $0.type.rawValue == type }
            }
            if duplicate { anomalies.append(.extensionDuplicate) }
            entries.append(entry)
        }
        return ExtensionList(entries)
    }

    /// How many type-and-length headers the block holds, counted by skipping bodies (the last may be cut).
    private static func entryCount(_ block: ByteCursor) -> Int {
        var c = block
        var n = 0
        while c.remaining >= 4, (try? c.readUInt16()) != nil, let length = try? c.readUInt16() {
            n += 1
            guard (try? c.skip(Int(length))) != nil else { break }
        }
        return n + (c.isAtEnd ? 0 : 1)
    }

    /// Reads one extension; nil when not even its type and length are there.
    private static func readEntry(
        _ block: inout ByteCursor, context: ExtensionContext, anomalies: inout [TLSWireAnomaly]
    ) -> TLSExtension? {
        guard block.remaining >= 4, let rawType = try? block.readUInt16(), let rawLength = try? block.readUInt16()
        else {
            anomalies.noteTruncation()
            block.skipRest()
            return nil
        }
        let type = ExtensionType(rawType)
        let length = Int(rawLength)
        guard length <= block.remaining else {
            // The body runs past the block: keep the type (fingerprints count it) and stop.
            anomalies.noteTruncation()
            let error = WireError.truncated(at: block.offset, needed: length - block.remaining)
            block.skipRest()
            return TLSExtension(type: type, length: length, value: .malformed(error))
        }
        var body = (try? block.window(length)) ?? block
        let value: ExtensionValue
        do throws(WireError) {
            value = try ExtensionValue.decode(type, &body, in: context, anomalies: &anomalies)
            if !body.isAtEnd { throw WireError.tlsMalformed(at: body.offset, "tls.extension.malformed") }
        } catch {
            anomalies.append(.extensionMalformed)
            return TLSExtension(type: type, length: length, value: .malformed(error))
        }
        return TLSExtension(type: type, length: length, value: value)
    }
}
