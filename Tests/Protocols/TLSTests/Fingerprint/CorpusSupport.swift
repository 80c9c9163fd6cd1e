// Decoding of CorpusHelloFixture into hello summaries, and the location of the shared corpus's expected.jsonl
// (../shared/corpus/tls/, next to the repository, read-only; see its README).

import Foundation
import TLSFingerprint

/// One line of CorpusHelloFixture.
struct FixtureHello: Decodable, Sendable {
    var pcap: String
    var frame: Int
    var client: String
    var server: String
    var hello: String
    var index: Int
    var transport: String?
    var legacyVersion: UInt16?
    var cipherSuites: [UInt16]?
    var extensionTypes: [UInt16]
    var supportedGroups: [UInt16]?
    var ecPointFormats: [UInt8]?
    var signatureAlgorithms: [UInt16]?
    var supportedVersions: [UInt16]?
    var alpnHex: [String]?
    var hasServerName: Bool?
    var tsharkJA3: String?
    var foxioJA4: String?
    var foxioJA4r: String?
    var version: UInt16?
    var cipherSuite: UInt16?
    var tsharkJA3S: String?

    /// `pcap client->server`, the key the deviation tables and messages use.
    var session: String { "\(pcap) \(client)->\(server)" }

    var isClientHello: Bool { hello == "client" }

    /// The ClientHello as the fingerprints take it.
    func clientSummary() throws -> ClientHelloSummary {
        guard isClientHello, let legacyVersion, let cipherSuites else {
            throw FixtureError.notA("ClientHello", session)
        }
        let transport: ClientHelloSummary.Transport =
            switch self.transport {
            case "q": .quic
            case "d": .dtls
            default: .tcp
            }
        return ClientHelloSummary(
            legacyVersion: legacyVersion,
            cipherSuites: cipherSuites,
            extensionTypes: extensionTypes,
            supportedGroups: supportedGroups ?? [],
            ecPointFormats: ecPointFormats ?? [],
            signatureAlgorithms: signatureAlgorithms ?? [],
            supportedVersions: supportedVersions ?? [],
            alpnProtocols: try (alpnHex ?? []).map(Self.bytes(hex:)),
            hasServerName: hasServerName ?? false,
            transport: transport)
    }

    /// The ServerHello as JA3S takes it.
    func serverSummary() throws -> ServerHelloSummary {
        guard !isClientHello, let version, let cipherSuite else { throw FixtureError.notA("ServerHello", session) }
        return ServerHelloSummary(version: version, cipherSuite: cipherSuite, extensionTypes: extensionTypes)
    }

    static func bytes(hex: String) throws -> [UInt8] {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { throw FixtureError.badHex(hex) }
        return try stride(from: 0, to: digits.count, by: 2).map { i in
            guard let byte = UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) else {
                throw FixtureError.badHex(hex)
            }
            return byte
        }
    }
}

enum FixtureError: Error {
    case notA(String, String)
    case badHex(String)
}

enum Corpus {
    /// Every line of the committed fixture.
    static func hellos() throws -> [FixtureHello] {
        let decoder = JSONDecoder()
        return try CorpusHelloFixture.jsonLines.split(separator: "\n").map {
            try decoder.decode(FixtureHello.self, from: Data($0.utf8))
        }
    }

    /// The repository root (this file is Tests/Protocols/TLSTests/Fingerprint/CorpusSupport.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The shared corpus's answers from tshark 4.0 and FoxIO's JA4 test data.
    static let expected = root.deletingLastPathComponent().appendingPathComponent("shared/corpus/tls/expected.jsonl")

    static var expectedPresent: Bool { FileManager.default.fileExists(atPath: expected.path) }

    /// One line of expected.jsonl.
    struct ExpectedSession: Decodable {
        var pcap: String
        var client: String
        var server: String
        var source: String
        var fields: [String: String]

        var session: String { "\(pcap) \(client)->\(server)" }
    }

    static func expectedSessions() throws -> [ExpectedSession] {
        let decoder = JSONDecoder()
        return try String(contentsOf: expected, encoding: .utf8).split(separator: "\n").map {
            try decoder.decode(ExpectedSession.self, from: Data($0.utf8))
        }
    }
}
