// The TLS scorer over captures whose answers come from other tools: the shared corpus (FoxIO's JA4 test
// data and tshark 4.0) and our own fixtures (tshark and openssl). Every mismatch must be listed, with its
// reason, in Tests/Protocols/TLSTests/known-deviations.md; anything else fails.

import Foundation
import TestSupport
import Testing

/// One row of known-deviations.md: `| capture | client -> server | field | reason |`.
struct KnownDeviation: Hashable {
    var pcap: String
    var session: String
    var field: String
}

enum Deviations {
    static let file = Paths.root.appendingPathComponent("Tests/Protocols/TLSTests/known-deviations.md")

    static func load() throws -> Set<KnownDeviation> {
        let text = try String(contentsOf: file, encoding: .utf8)
        var out: Set<KnownDeviation> = []
        for line in text.split(separator: "\n") where line.hasPrefix("|") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            // "", pcap, session, field, reason, ""
            guard cells.count >= 6, !cells[1].isEmpty, cells[1] != "capture", !cells[1].hasPrefix("---") else { continue }
            #expect(!cells[4].isEmpty, "known deviation without a reason: \(line)")
            out.insert(KnownDeviation(pcap: cells[1], session: cells[2], field: cells[3]))
        }
        return out
    }
}

@Suite(.serialized) struct TLSScoreTests {
    static let scorer = Paths.root.deletingLastPathComponent().appendingPathComponent("shared/tools/tls-score").path
    static let ownCorpus = Paths.root.appendingPathComponent("Tests/Protocols/TLSTests/Fixtures")

    static var corpora: [String] {
        var list: [String] = []
        if Paths.corpusPresent { list.append(Paths.corpus.deletingLastPathComponent().path) }
        if FileManager.default.fileExists(atPath: ownCorpus.appendingPathComponent("expected.jsonl").path) {
            list.append(ownCorpus.path)
        }
        return list
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: scorer), "needs ../shared/tools/tls-score"), arguments: corpora)
    func everyVouchedFieldMatchesOrIsAKnownDeviation(corpus: String) throws {
        let scratch = try ScratchDirectory()
        let json = scratch.url.appendingPathComponent("score.json").path
        let r = try run("/usr/bin/env", ["python3", Self.scorer, "--bin", Paths.binary, "--corpus", corpus, "--json", json, "--show", "200"], timeout: 600)
        print(r.stdout)
        #expect(r.stdout.contains("captures with run problems: 0"), "\(r.stdout)")
        let data = try Data(contentsOf: URL(fileURLWithPath: json))
        let result = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((result["failures"] as? [Any])?.isEmpty == true, "capture runs failed: \(String(describing: result["failures"]))")
        let known = try Deviations.load()
        // Mismatch lines look like: "  mismatch: PCAP CLIENT->SERVER [SOURCE] FIELD: want X got Y".
        var unexplained: [String] = []
        for line in r.stdout.split(separator: "\n") where line.contains("mismatch: ") {
            let body = line.split(separator: "mismatch: ", maxSplits: 1)[1]
            let parts = body.split(separator: " ", maxSplits: 3).map(String.init)
            guard parts.count == 4 else { continue }
            let field = String(parts[3].split(separator: ":")[0])
            if !known.contains(KnownDeviation(pcap: parts[0], session: parts[1], field: field)) {
                unexplained.append(String(body))
            }
        }
        #expect(unexplained.isEmpty, "mismatches not in known-deviations.md:\n\(unexplained.joined(separator: "\n"))")
        let total = r.stdout.split(separator: "\n").first { $0.hasPrefix("total") } ?? ""
        #expect(total.contains("sessions"), "no summary line in the scorer's output")
        print("tls-score \(corpus): \(total)")
    }
}
