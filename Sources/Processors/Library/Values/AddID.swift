// `add_id` (reference/libbeat.md §4.5): writes an Elasticsearch-style time-based id (`@metadata._id` by default,
// which the Elasticsearch output uses as the document id). The id is Elasticsearch's TimeBasedUUIDGenerator
// layout, as libbeat ports it: 15 bytes from a millisecond clock that never goes back, a 24-bit sequence that
// starts at a random value, and a 6-byte node id, written as 20 characters of unpadded URL-safe base64.
//
// Elasticsearch and libbeat take the node id from a MAC address XORed with 6 random bytes ("secure munged"),
// which makes it uniformly random whatever the MAC; wirebeat draws the 6 random bytes directly. As in libbeat
// the generator is process-wide, so several add_id processors never hand out the same id. A target that
// cannot hold a string (`@timestamp`) makes libbeat return no event (a drop); wirebeat keeps the event and
// counts the failure, as for every other processor failure (docs/PROCESSORS.md).

import Events
import Foundation
import Synchronization

/// `add_id`.
struct AddID: Processor {
    let target: EventPath
    let generator: TimeBasedIDGenerator
    var name: String { "add_id" }

    func process(_ event: inout Event) -> ProcessorOutcome {
        do throws(ProcessorFailure) {
            try event.putChecked(target, .string(generator.nextID()))
            return .keep
        } catch {
            return .failed(error.message)
        }
    }
}

/// Elasticsearch's time-based id generator; safe to share between threads.
final class TimeBasedIDGenerator: Sendable {
    /// The process-wide generator `add_id` uses.
    static let shared = TimeBasedIDGenerator(
        sequence: UInt64.random(in: 0...UInt64.max), node: (0..<6).map { _ in UInt8.random(in: 0...255) })

    struct State {
        var sequence: UInt64
        var lastTimestamp: UInt64 = 0
    }

    private let state: Mutex<State>
    let node: [UInt8]

    /// A generator whose sequence continues after `sequence` and whose ids carry the 6 bytes of `node`.
    init(sequence: UInt64, node: [UInt8]) {
        precondition(node.count == 6, "the node id has 6 bytes")
        state = Mutex(State(sequence: sequence))
        self.node = node
    }

    /// The next id, from the wall clock.
    func nextID() -> String {
        nextID(nowMilliseconds: UInt64(max(0, (Date().timeIntervalSince1970 * 1000).rounded(.down))))
    }

    /// The next id, given the clock reading in milliseconds since 1970.
    func nextID(nowMilliseconds: UInt64) -> String {
        let (timestamp, sequence) = state.withLock { s in
            s.sequence &+= 1
            let sequence = s.sequence & 0xff_ffff
            // The clock may go back (NTP, DST on some systems): never let the id time go back, and move it on
            // whenever the sequence wraps so a long backwards slip cannot repeat ids.
            var timestamp = max(nowMilliseconds, s.lastTimestamp)
            if sequence == 0 { timestamp += 1 }
            s.lastTimestamp = timestamp
            return (timestamp, sequence)
        }
        let bytes = TimeBasedIDGenerator.pack(timestamp: timestamp, sequence: sequence, node: node)
        return TimeBasedIDGenerator.encode(bytes)
    }

    /// The 15 id bytes. Elasticsearch puts fast-changing bytes first (sequence) for index sorting, then the
    /// slow-changing timestamp bytes and the node id for prefix compression, then the rest.
    static func pack(timestamp ts: UInt64, sequence seq: UInt64, node: [UInt8]) -> [UInt8] {
        func byte(_ v: UInt64, _ shift: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: v >> shift) }
        return [byte(seq, 0), byte(seq, 16), byte(ts, 16), byte(ts, 24), byte(ts, 32), byte(ts, 40)] + node
            + [byte(ts, 8), byte(seq, 8), byte(ts, 0)]
    }

    /// Unpadded URL-safe base64 (RFC 4648 §5), as Go's base64.RawURLEncoding writes it.
    static func encode(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }
}
