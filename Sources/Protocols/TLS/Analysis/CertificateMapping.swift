// Certificate fields in the two shapes Packetbeat has published: the ECS `x509` object
// (`tls.server.x509.*`: `version_number`, `serial_number`, `subject.state_or_province`, distinguished
// names) and the detailed object (`tls.detailed.server_certificate`, `…_chain`: `version`, decimal
// `serial_number`, `subject.province`). Both are published so consumers of either Packetbeat generation
// find their keys.

import Events
import NetModel
import X509Fields

enum CertificateMapping {
    /// The ECS `x509` object of one certificate.
    static func ecs(_ c: CertificateFields) -> Fields {
        var x = Fields(capacity: 12)
        let names = c.packetbeatAlternativeNames
        if !names.isEmpty { x.append("alternative_names", .strings(names)) }
        x.append("issuer", .object(name(c.issuer, ecs: true)))
        if let t = c.notAfter { x.append("not_after", .timestamp(TLSEventMapper.timestamp(t))) }
        if let t = c.notBefore { x.append("not_before", .timestamp(TLSEventMapper.timestamp(t))) }
        if let a = c.publicKeyAlgorithm { x.append("public_key_algorithm", .string(a)) }
        if let n = c.publicKeySize { x.append("public_key_size", .int(Int64(n))) }
        if let curve = c.publicKeyCurve { x.append("public_key_curve", .string(curve)) }
        if let e = c.publicKeyExponent { x.append("public_key_exponent", .int(Int64(e))) }
        // ECS: "formatted without colons and uppercase characters".
        if let s = c.serialHex { x.append("serial_number", .string(s)) }
        if let a = c.signatureAlgorithm { x.append("signature_algorithm", .string(a)) }
        x.append("subject", .object(name(c.subject, ecs: true)))
        if let v = c.versionNumber { x.append("version_number", .int(Int64(v))) }
        return x
    }

    /// The detailed object of one certificate (Packetbeat's `tls.detailed.server_certificate` shape).
    static func detailed(_ c: CertificateFields) -> Fields {
        var x = Fields(capacity: 11)
        let names = c.packetbeatAlternativeNames
        if !names.isEmpty { x.append("alternative_names", .strings(names)) }
        x.append("issuer", .object(name(c.issuer, ecs: false)))
        if let t = c.notAfter { x.append("not_after", .timestamp(TLSEventMapper.timestamp(t))) }
        if let t = c.notBefore { x.append("not_before", .timestamp(TLSEventMapper.timestamp(t))) }
        if let a = c.publicKeyAlgorithm { x.append("public_key_algorithm", .string(a)) }
        if let n = c.publicKeySize { x.append("public_key_size", .int(Int64(n))) }
        if let s = c.serialDecimal { x.append("serial_number", .string(s)) }
        if let a = c.signatureAlgorithm { x.append("signature_algorithm", .string(a)) }
        x.append("subject", .object(name(c.subject, ecs: false)))
        if let v = c.versionNumber { x.append("version", .int(Int64(v))) }
        if !c.anomalies.isEmpty { x.append("anomalies", .strings(c.anomalies.map { $0.description })) }
        return x
    }

    /// Subject or issuer: the common components and the distinguished name.
    static func name(_ n: DistinguishedNameFields, ecs: Bool) -> Fields {
        var f = Fields(capacity: 10)
        if let v = n.commonName { f.append("common_name", .string(v)) }
        if let v = n.country { f.append("country", .string(v)) }
        f.append("distinguished_name", .string(n.distinguishedName))
        if let v = n.locality { f.append("locality", .string(v)) }
        if let v = n.organization { f.append("organization", .string(v)) }
        if let v = n.organizationalUnit { f.append("organizational_unit", .string(v)) }
        if ecs {
            if let v = n.stateOrProvince { f.append("state_or_province", .string(v)) }
            return f
        }
        // The detailed object also carries the three name parts ECS has no key for, as Packetbeat's does.
        if let v = n.postalCode { f.append("postal_code", .string(v)) }
        if let v = n.stateOrProvince { f.append("province", .string(v)) }
        if let v = n.serialNumber { f.append("serial_number", .string(v)) }
        if let v = n.streetAddress { f.append("street_address", .string(v)) }
        return f
    }
}
