// A small DER writer for certificates built inside the tests, so that each odd part the reader must
// survive can be put in on its own. It only writes bytes; nothing here reads DER.

/// DER element writing (X.690 section 8.1: identifier, definite length, content).
enum TestDER {
    static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        var length: [UInt8] = []
        if content.count < 0x80 {
            length = [UInt8(content.count)]
        } else {
            var remaining = content.count
            while remaining > 0 {
                length.insert(UInt8(remaining & 0xFF), at: 0)
                remaining >>= 8
            }
            length.insert(0x80 | UInt8(length.count), at: 0)
        }
        return [tag] + length + content
    }

    static func sequence(_ parts: [UInt8]...) -> [UInt8] { tlv(0x30, parts.flatMap { $0 }) }
    static func set(_ parts: [UInt8]...) -> [UInt8] { tlv(0x31, parts.flatMap { $0 }) }
    static func integer(_ content: [UInt8]) -> [UInt8] { tlv(0x02, content) }
    static func utf8(_ text: String) -> [UInt8] { tlv(0x0C, Array(text.utf8)) }
    static func utcTime(_ text: String) -> [UInt8] { tlv(0x17, Array(text.utf8)) }
    static func generalizedTime(_ text: String) -> [UInt8] { tlv(0x18, Array(text.utf8)) }

    /// An OBJECT IDENTIFIER from its dotted form (X.690 section 8.19).
    static func oid(_ dotted: String) -> [UInt8] {
        let arcs = dotted.split(separator: ".").map { UInt($0)! }
        var content: [UInt8] = [UInt8(arcs[0] * 40 + arcs[1])]
        for arc in arcs.dropFirst(2) {
            var chunk: [UInt8] = [UInt8(arc & 0x7F)]
            var rest = arc >> 7
            while rest > 0 {
                chunk.insert(0x80 | UInt8(rest & 0x7F), at: 0)
                rest >>= 7
            }
            content += chunk
        }
        return tlv(0x06, content)
    }

    /// A Name of single-attribute RDNs, each value given as complete DER.
    static func name(_ attributes: [(String, [UInt8])]) -> [UInt8] {
        tlv(0x30, attributes.flatMap { set(sequence(oid($0.0), $0.1)) })
    }
}

/// The parts of a certificate, each replaceable by arbitrary DER.
struct TestCertificate {
    var version: [UInt8]? = TestDER.tlv(0xA0, TestDER.integer([2]))
    var serial = TestDER.integer([0x01])
    var signatureAlgorithm = TestDER.sequence(TestDER.oid("1.2.840.10045.4.3.2"))
    var issuer = TestDER.name([("2.5.4.3", TestDER.utf8("issuer.test"))])
    var validity = TestDER.sequence(TestDER.utcTime("250101000000Z"), TestDER.utcTime("260101000000Z"))
    var subject = TestDER.name([("2.5.4.3", TestDER.utf8("subject.test"))])
    var subjectPublicKeyInfo = TestDER.sequence(
        TestDER.sequence(TestDER.oid("1.2.840.10045.2.1"), TestDER.oid("1.2.840.10045.3.1.7")),
        TestDER.tlv(0x03, [0x00, 0x04] + [UInt8](repeating: 0x11, count: 64)))
    var extensions: [UInt8]? = nil
    var outerSignatureAlgorithm: [UInt8]? = nil
    var signature = TestDER.tlv(0x03, [0x00, 0x30, 0x00])

    var der: [UInt8] {
        let tbs =
            (version ?? []) + serial + signatureAlgorithm + issuer + validity + subject + subjectPublicKeyInfo
            + (extensions ?? [])
        return TestDER.tlv(0x30, TestDER.tlv(0x30, tbs) + (outerSignatureAlgorithm ?? signatureAlgorithm) + signature)
    }

    /// Extensions `[3]` holding the given Extension SEQUENCEs.
    static func extensions(_ entries: [UInt8]...) -> [UInt8] {
        TestDER.tlv(0xA3, TestDER.tlv(0x30, entries.flatMap { $0 }))
    }
}
