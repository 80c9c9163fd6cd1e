// The chunking verifier (every capture fed whole, byte by byte, and split at every point gives the same
// event) and malformed input (every handshake truncated at every byte, and random mutations: no crash, no
// hang, and no value that was not on the wire).

import DissectorKit
import Events
import Foundation
import TLSAnalysis
import Testing
import TestSupport

@Suite struct ChunkingTests {
    /// Segments re-cut: consecutive bytes of one direction are merged, then cut as `cut` says.
    static func recut(_ segments: [(fromClient: Bool, bytes: [UInt8])], cut: (Int) -> [Int]) -> [(fromClient: Bool, bytes: [UInt8])] {
        var merged: [(fromClient: Bool, bytes: [UInt8])] = []
        for s in segments {
            if let last = merged.last, last.fromClient == s.fromClient {
                merged[merged.count - 1].bytes += s.bytes
            } else {
                merged.append(s)
            }
        }
        var out: [(fromClient: Bool, bytes: [UInt8])] = []
        var position = 0
        for m in merged {
            var offset = 0
            for n in cut(position) where offset < m.bytes.count {
                let take = min(n, m.bytes.count - offset)
                out.append((m.fromClient, Array(m.bytes[offset..<(offset + take)])))
                offset += take
            }
            if offset < m.bytes.count { out.append((m.fromClient, Array(m.bytes[offset...]))) }
            position += m.bytes.count
        }
        return out
    }

    @Test(arguments: Fixtures.captureNames)
    func wholeByteByByteAndEverySplitAgree(capture: String) throws {
        for conversation in try Conversation.all(Fixtures.path(capture)) {
            let whole = conversation.run(Self.recut(conversation.segments) { _ in [Int.max] })
            #expect(whole != nil, "\(capture): no event")
            let byteByByte = conversation.run(Self.recut(conversation.segments) { _ in [Int](repeating: 1, count: 1 << 16) })
            #expect(byteByByte == whole, "\(capture): byte by byte differs")
            #expect(conversation.run(conversation.segments) == whole, "\(capture): as captured differs")
            // One cut at every point of the first 512 bytes (the ClientHello and the start of the ServerHello), then
            // every 11th point up to 6 KB (certificates, key exchange): each run maps certificates, so cutting at
            // every point of 6 KB would take minutes in a debug build.
            let total = conversation.segments.reduce(0) { $0 + $1.bytes.count }
            let points = Array(1..<min(total, 512)) + Array(stride(from: 512, to: min(total, 6 * 1024), by: 11))
            for point in points {
                let split = Self.recut(conversation.segments) { position in
                    point > position ? [point - position, Int.max] : [Int.max]
                }
                let got = conversation.run(split)
                if got != whole {
                    Issue.record("\(capture): cut at \(point) differs")
                    break
                }
            }
        }
    }
}

@Suite struct MalformedInputTests {
    /// Every string the event could have invented must occur in the input bytes.
    static func checkValuesCameFromTheWire(_ json: String?, input: [UInt8], context: String) {
        guard let json, let data = json.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let tls = object["tls"] as? [String: Any]
        else { return }
        let client = tls["client"] as? [String: Any] ?? [:]
        if let sni = client["server_name"] as? String {
            #expect(input.firstRange(of: Array(sni.utf8)) != nil || !sni.allSatisfy(\.isASCII), "\(context): SNI \(sni) not on the wire")
        }
        if let proto = tls["next_protocol"] as? String, proto.allSatisfy(\.isASCII) {
            #expect(input.firstRange(of: Array(proto.utf8)) != nil, "\(context): ALPN \(proto) not on the wire")
        }
    }

    @Test(arguments: Fixtures.captureNames)
    func truncatingTheHandshakeAtEveryByteNeverCrashes(capture: String) throws {
        for conversation in try Conversation.all(Fixtures.path(capture)) {
            let stream = ChunkingTests.recut(conversation.segments) { _ in [Int.max] }
            let all = stream.flatMap(\.bytes)
            var emitted = 0
            var budget = 4 * 1024  // the handshake
            for (i, chunk) in stream.enumerated() where budget > 0 {
                // Every byte of the first 512 bytes of each chunk, then every 13th.
                let limit = min(chunk.bytes.count, budget)
                for cut in Array(0..<min(limit, 512)) + Array(stride(from: 512, to: limit, by: 13)) {
                    var prefix = Array(stream[..<i])
                    prefix.append((chunk.fromClient, Array(chunk.bytes[..<cut])))
                    let json = conversation.run(prefix)
                    if json != nil { emitted += 1 }
                    Self.checkValuesCameFromTheWire(json, input: all, context: "\(capture) cut \(i):\(cut)")
                }
                budget -= chunk.bytes.count
            }
            #expect(emitted > 0, "\(capture): no prefix produced an event")
        }
    }

    @Test(arguments: Fixtures.captureNames.prefix(12))
    func randomMutationsNeverCrashOrHang(capture: String) throws {
        var rng = SeededGenerator(seed: 0x7715)
        for conversation in try Conversation.all(Fixtures.path(capture)) {
            let stream = ChunkingTests.recut(conversation.segments) { _ in [Int.max] }
            for _ in 0..<300 {
                var mutated = stream
                let flips = 1 + Int(rng.next() % 8)
                for _ in 0..<flips {
                    let s = Int(rng.next() % UInt64(mutated.count))
                    guard !mutated[s].bytes.isEmpty else { continue }
                    let i = Int(rng.next() % UInt64(min(mutated[s].bytes.count, 3000)))
                    mutated[s].bytes[i] = UInt8(truncatingIfNeeded: rng.next())
                }
                let all = mutated.flatMap(\.bytes)
                Self.checkValuesCameFromTheWire(conversation.run(mutated), input: all, context: "\(capture) mutated")
            }
        }
    }
}

