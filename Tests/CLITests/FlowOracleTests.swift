// Flow counts checked against tshark: for every TCP and UDP conversation of a capture, the packets and
// bytes wirebeat reports per direction must equal tshark's conversation table (`-z conv,tcp -z conv,udp`),
// and the bytes must equal the sum of tshark's `frame.len` per direction (exact even where the
// conversation table rounds to kB).

import Foundation
import TestSupport
import Testing

/// One direction's counters of a conversation, keyed by sender endpoint.
struct Conversation: Equatable, CustomStringConvertible {
    var transport: String
    /// Sorted endpoint pair, "ip:port".
    var endpoints: [String]
    /// endpoint → (frames, bytes) it sent.
    var sent: [String: (frames: Int, bytes: Int)]

    static func == (a: Conversation, b: Conversation) -> Bool {
        a.transport == b.transport && a.endpoints == b.endpoints
            && a.endpoints.allSatisfy { (a.sent[$0]?.frames ?? 0) == (b.sent[$0]?.frames ?? 0) && (a.sent[$0]?.bytes ?? 0) == (b.sent[$0]?.bytes ?? 0) }
    }

    var description: String {
        "\(transport) " + endpoints.map { "\($0) sent \(sent[$0]?.frames ?? 0)/\(sent[$0]?.bytes ?? 0)" }.joined(separator: ", ")
    }
}

enum Oracle {
    static func key(_ transport: String, _ a: String, _ b: String) -> String { "\(transport) " + [a, b].sorted().joined(separator: " ") }

    /// Conversations from wirebeat's final flow events.
    static func wirebeat(_ capture: String) throws -> [String: Conversation] {
        let scratch = try ScratchDirectory()
        let config = try scratch.write(
            "pb.yml",
            """
            packetbeat.interfaces.device: any
            packetbeat.flows: {timeout: 1h, period: -1}
            output.console.enabled: true
            path.data: \(scratch.url.path)/data
            """)
        let r = try run(Paths.binary, ["-c", config, "-I", capture, "-t", "--strict.perms=false"])
        #expect(r.status == 0, "wirebeat failed on \(capture): \(r.stderr)")
        var out: [String: Conversation] = [:]
        for e in try events(r.stdout) {
            guard let transport = e["network.transport"] as? String, transport == "tcp" || transport == "udp",
                let sip = e["source.ip"] as? String, let sport = e["source.port"] as? Int,
                let dip = e["destination.ip"] as? String, let dport = e["destination.port"] as? Int
            else { continue }
            #expect(e["flow.final"] as? Bool == true)
            let s = "\(sip):\(sport)", d = "\(dip):\(dport)"
            let k = key(transport, s, d)
            var c = out[k] ?? Conversation(transport: transport, endpoints: [s, d].sorted(), sent: [:])
            func add(_ ep: String, _ frames: Int?, _ bytes: Int?) {
                let old = c.sent[ep] ?? (0, 0)
                c.sent[ep] = (old.frames + (frames ?? 0), old.bytes + (bytes ?? 0))
            }
            add(s, e["source.packets"] as? Int, e["source.bytes"] as? Int)
            add(d, e["destination.packets"] as? Int, e["destination.bytes"] as? Int)
            out[k] = c
        }
        return out
    }

    /// Conversations from tshark's conversation table; the second value lists byte counts the table rounded.
    static func tsharkConversations(_ capture: String) throws -> [String: Conversation] {
        let r = try run("/usr/bin/env", ["tshark", "-n", "-r", capture, "-q", "-z", "conv,tcp", "-z", "conv,udp"])
        #expect(r.status == 0, "tshark failed: \(r.stderr)")
        var transport = ""
        var out: [String: Conversation] = [:]
        for line in r.stdout.split(separator: "\n").map(String.init) {
            if line.hasPrefix("TCP Conversations") { transport = "tcp" }
            if line.hasPrefix("UDP Conversations") { transport = "udp" }
            let f = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard f.count >= 11, f[1] == "<->", let framesBA = Int(f[3]), let framesAB = Int(f[6]) else { continue }
            let a = endpoint(f[0]), b = endpoint(f[2])
            let k = key(transport, a, b)
            var c = out[k] ?? Conversation(transport: transport, endpoints: [a, b].sorted(), sent: [:])
            // Columns: "<-" is what B sent to A, "->" what A sent to B. Bytes may be rounded ("220 kB"): marked -1
            // here and checked exactly against frame.len sums instead.
            let bytesBA = f[5] == "bytes" ? Int(f[4]) ?? -1 : -1
            let bytesAB = f[8] == "bytes" ? Int(f[7]) ?? -1 : -1
            let oldA = c.sent[a] ?? (0, 0), oldB = c.sent[b] ?? (0, 0)
            c.sent[a] = (oldA.frames + framesAB, bytesAB < 0 || oldA.bytes < 0 ? -1 : oldA.bytes + bytesAB)
            c.sent[b] = (oldB.frames + framesBA, bytesBA < 0 || oldB.bytes < 0 ? -1 : oldB.bytes + bytesBA)
            out[k] = c
        }
        return out
    }

    /// Exact bytes per (conversation, sender) from tshark's per-frame fields.
    static func tsharkBytes(_ capture: String) throws -> [String: [String: Int]] {
        let r = try run(
            "/usr/bin/env",
            [
                "tshark", "-n", "-r", capture, "-Y", "(tcp or udp) and not icmp and not icmpv6", "-T", "fields",
                "-E", "separator=|", "-e", "ip.src", "-e", "ipv6.src", "-e", "ip.dst", "-e", "ipv6.dst", "-e", "tcp.srcport",
                "-e", "tcp.dstport", "-e", "udp.srcport", "-e", "udp.dstport", "-e", "frame.len",
            ])
        var out: [String: [String: Int]] = [:]
        for line in r.stdout.split(separator: "\n") {
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 9, !f.joined().contains(","), let len = Int(f[8]) else { continue }
            let src = f[0].isEmpty ? f[1] : f[0], dst = f[2].isEmpty ? f[3] : f[2]
            let isTCP = !f[4].isEmpty
            let sport = isTCP ? f[4] : f[6], dport = isTCP ? f[5] : f[7]
            let s = "\(src):\(sport)", d = "\(dst):\(dport)"
            out[key(isTCP ? "tcp" : "udp", s, d), default: [:]][s, default: 0] += len
        }
        return out
    }

    /// "10.0.0.1:443" stays; tshark prints IPv6 as "fd88::1:44836" (address, colon, port).
    static func endpoint(_ s: String) -> String { s }
}

@Suite(.serialized) struct FlowOracleTests {
    static var captures: [String] {
        var list = [Paths.sample, Paths.root.appendingPathComponent("Tests/PacketDecodingTests/Fixtures/eth-tcp-udp.pcapng").path]
        if Paths.corpusPresent {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: Paths.corpus.path)) ?? []
            list += names.filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted()
                .map { Paths.corpus.appendingPathComponent($0).path }
        }
        return list
    }

    @Test(.enabled(if: Paths.have("tshark"), "needs tshark (make deps installs it)"), arguments: captures)
    func flowCountsMatchTsharkConversations(capture: String) throws {
        try #require(FileManager.default.fileExists(atPath: capture), "missing capture \(capture)")
        let ours = try Oracle.wirebeat(capture)
        let theirs = try Oracle.tsharkConversations(capture)
        let exact = try Oracle.tsharkBytes(capture)
        #expect(!theirs.isEmpty, "tshark found no TCP/UDP conversations in \(capture)")
        #expect(Set(ours.keys) == Set(theirs.keys), "conversation sets differ for \(capture)")
        for (k, t) in theirs {
            guard let o = ours[k] else { continue }
            for ep in t.endpoints {
                let (tf, tb) = t.sent[ep] ?? (0, 0)
                let (of, ob) = o.sent[ep] ?? (0, 0)
                #expect(of == tf, "\(k): frames sent by \(ep): wirebeat \(of), tshark \(tf)")
                if tb >= 0 { #expect(ob == tb, "\(k): bytes sent by \(ep): wirebeat \(ob), tshark \(tb)") }
                #expect(ob == exact[k]?[ep] ?? 0, "\(k): bytes sent by \(ep): wirebeat \(ob), tshark frame.len sum \(exact[k]?[ep] ?? 0)")
            }
        }
    }
}
