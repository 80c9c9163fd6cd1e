// Fixture loading for the X509Fields tests, and a reader for the OpenSSL oracle files.
//
// Provenance of every fixture and of the oracle files: Fixtures/README.md.

import Foundation
import Testing
import X509Fields

enum Fixture {
    /// The bytes of `Fixtures/<name>.der`.
    static func der(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: url(name, "der")))
    }

    /// The fields of `Fixtures/<name>.der`, which must be a certificate.
    static func fields(_ name: String) throws -> CertificateFields {
        try X509Parser.parse(der: der(name))
    }

    /// The text of `Fixtures/<name>`.
    static func text(_ name: String) throws -> String {
        try String(contentsOf: url(name, nil), encoding: .utf8)
    }

    /// The names of the certificate fixtures OpenSSL reads (those with an `oracle/<name>.txt` from
    /// `openssl x509`).
    static func oracleCertificateNames() throws -> [String] {
        let directory = try url("oracle", nil)
        return try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".txt") }
            .map { String($0.dropLast(4)) }
            .filter { (try? Oracle($0)) != nil }
            .sorted()
    }

    private static func url(_ name: String, _ ext: String?) throws -> URL {
        let base = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil), "no Fixtures")
        let file = base.appendingPathComponent(ext.map { "\(name).\($0)" } ?? name)
        try #require(FileManager.default.fileExists(atPath: file.path), "missing fixture \(file.lastPathComponent)")
        return file
    }
}

/// What `openssl x509 -serial -dates -fingerprint -text` printed for a fixture (`Fixtures/oracle/<name>.txt`).
struct Oracle {
    var serialHex: String
    var notBefore: String
    var notAfter: String
    var fingerprints: [String: String]
    var keyBits: Int?

    /// Reads the oracle file; throws when OpenSSL did not read the fixture as a certificate.
    init(_ name: String) throws {
        let lines = try Fixture.text("oracle/\(name).txt").split(separator: "\n").map(String.init)
        func value(_ prefix: String) throws -> String {
            let line = try #require(lines.first { $0.hasPrefix(prefix) }, "no \(prefix) in oracle/\(name).txt")
            return String(line.dropFirst(prefix.count))
        }
        serialHex = try value("serial=")
        notBefore = try Self.packetbeatTime(value("notBefore="))
        notAfter = try Self.packetbeatTime(value("notAfter="))
        var fingerprints: [String: String] = [:]
        for algorithm in ["md5", "sha1", "sha256"] {
            fingerprints[algorithm] = try value("\(algorithm) Fingerprint=").replacingOccurrences(of: ":", with: "")
        }
        self.fingerprints = fingerprints
        keyBits =
            lines.lazy.compactMap { line -> Int? in
                guard let range = line.range(of: "Public-Key: (") else { return nil }
                return Int(line[range.upperBound...].prefix { $0.isNumber })
            }.first
    }

    /// `Nov  3 12:00:00 2020 GMT` → `2020-11-03T12:00:00.000Z`.
    static func packetbeatTime(_ openssl: String) throws -> String {
        let parts = openssl.split(separator: " ")
        try #require(parts.count == 5 && parts[4] == "GMT", "unexpected date \(openssl)")
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let month = try #require(months.firstIndex(of: String(parts[0]))) + 1
        let day = try #require(Int(parts[1]))
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts[3])-\(two(month))-\(two(day))T\(parts[2]).000Z"
    }
}
