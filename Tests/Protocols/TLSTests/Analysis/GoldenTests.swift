// Golden tests: capture × configuration → the exact events, as reviewed NDJSON under
// Tests/Protocols/TLSTests/Golden/. Run with UPDATE_GOLDEN=1 to rewrite them after a deliberate change, then
// review the diff. Events here come from the dissector alone, so they hold no host-dependent keys (agent,
// host): everything in them is a function of the capture and the options.

import Events
import Foundation
import TLSAnalysis
import Testing

@Suite struct GoldenTests {
    static let directory = Fixtures.directory.deletingLastPathComponent().appendingPathComponent("Golden")

    static let configurations: [(name: String, settings: TLSSettings)] = [
        ("default", .standard),
        ("no-certificates", TLSSettings(sendCertificates: false)),
        ("raw-certificates", TLSSettings(includeRawCertificates: true)),
        ("not-detailed", TLSSettings(includeDetailedFields: false)),
        ("all-fingerprints", TLSSettings(fingerprints: [.md5, .sha1, .sha256])),
    ]

    /// Every capture with the defaults; three representative captures with every configuration.
    static var cases: [String] {
        var out = Fixtures.captureNames.map { "\($0)|default" }
        for capture in ["tls12-client-cert.pcap", "tls13.pcap", "alert-unknown-ca.pcap"] {
            out += configurations.dropFirst().map { "\(capture)|\($0.name)" }
        }
        return out
    }

    @Test(arguments: cases)
    func eventsMatchTheReviewedGolden(testCase: String) throws {
        let parts = testCase.split(separator: "|").map(String.init)
        let (capture, config) = (parts[0], parts[1])
        let settings = try #require(Self.configurations.first { $0.name == config }?.settings)
        let encoder = JSONEventEncoder(identity: BeatIdentity(version: "golden"))
        let events = try TLSRun(Fixtures.path(capture), settings: settings).events
        // The pipeline skips its null removal for TLS events on the strength of `TLSReport.eventsHoldNoNulls`.
        #expect(TLSReport.eventsHoldNoNulls)
        for event in events {
            var stripped = event.fields
            stripped.removeNulls()
            #expect(stripped == event.fields, "a TLS event holds a null: \(encoder.encode(event))")
        }
        let text = events.map { encoder.encode($0) + "\n" }.joined()
        let file = Self.directory.appendingPathComponent("\(capture.replacingOccurrences(of: ".pcap", with: "")).\(config).ndjson")
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(text == expected, "\(file.lastPathComponent) differs; rerun with UPDATE_GOLDEN=1 and review the diff")
    }
}
