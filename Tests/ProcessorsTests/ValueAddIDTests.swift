// add_id: the Elasticsearch time-based id layout, uniqueness and order over many events, targets and options.

import Config
import Events
import Foundation
import Testing
@testable import Processors

@Suite struct AddIDTests {
    static let urlSafe = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    /// The 15 bytes of an id (unpadded URL-safe base64).
    static func bytes(_ id: String) -> [UInt8]? {
        let standard = id.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        return Data(base64Encoded: standard).map(Array.init)
    }

    /// The (timestamp, sequence) an id carries, read back from Elasticsearch's byte layout.
    static func fields(_ id: String) -> (timestamp: UInt64, sequence: UInt64)? {
        guard let b = bytes(id), b.count == 15 else { return nil }
        let ts = UInt64(b[5]) << 40 | UInt64(b[4]) << 32 | UInt64(b[3]) << 24 | UInt64(b[2]) << 16
            | UInt64(b[12]) << 8 | UInt64(b[14])
        let seq = UInt64(b[1]) << 16 | UInt64(b[13]) << 8 | UInt64(b[0])
        return (ts, seq)
    }

    @Test func docsExampleWritesMetadataID() throws {
        let p = try build("add_id", nil)
        let id = run(p, event()).event?.metadata["_id"]?.string
        #expect(id?.count == 20)
        #expect(id.map { $0.allSatisfy(Self.urlSafe.contains) } == true)
    }

    @Test func idsAreUniqueAndOrderedOverManyEvents() throws {
        // The configured processor shares the process-wide generator with other tests running in parallel, so
        // the sequence may skip values here; it never repeats or goes back, and neither does the time.
        let p = try build("add_id", ["target_field": "event.id", "type": "elasticsearch"])
        let ids = (0..<20_000).compactMap { _ in run(p, event()).event?.value(at: "event.id")?.string }
        #expect(ids.count == 20_000)
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.count == 20 && $0.allSatisfy(Self.urlSafe.contains) })
        let decoded = ids.compactMap(Self.fields)
        #expect(decoded.count == ids.count)
        for (a, b) in zip(decoded, decoded.dropFirst()) {
            #expect(b.timestamp >= a.timestamp)
            #expect((b.sequence &- a.sequence) & 0xff_ffff != 0)
        }
        let now = UInt64(Date().timeIntervalSince1970 * 1000)
        #expect(decoded.last.map { $0.timestamp <= now + 1000 && $0.timestamp + 60_000 > now } == true)
    }

    @Test func oneGeneratorCountsTheSequenceByOne() {
        let generator = TimeBasedIDGenerator(sequence: 0xff_ff00, node: [7, 7, 7, 7, 7, 7])
        let p = AddID(target: "@metadata._id", generator: generator)
        let decoded = (0..<1_000).compactMap { _ in
            run(p, event()).event?.metadata["_id"]?.string.flatMap(Self.fields)
        }
        #expect(decoded.count == 1_000)
        for (a, b) in zip(decoded, decoded.dropFirst()) {
            #expect(b.sequence == (a.sequence + 1) & 0xff_ffff)
            #expect(b.timestamp >= a.timestamp)
        }
    }

    @Test func layoutFollowsElasticsearch() {
        let generator = TimeBasedIDGenerator(sequence: 0x12_3455, node: [1, 2, 3, 4, 5, 6])
        let id = generator.nextID(nowMilliseconds: 0x0A_0B0C_0D0E)
        #expect(Self.bytes(id) == [0x56, 0x12, 0x0C, 0x0B, 0x0A, 0x00, 1, 2, 3, 4, 5, 6, 0x0D, 0x34, 0x0E])
    }

    @Test func clockNeverGoesBackAndSequenceWrapAdvancesIt() {
        let generator = TimeBasedIDGenerator(sequence: 0xff_fffd, node: [0, 0, 0, 0, 0, 0])
        let first = Self.fields(generator.nextID(nowMilliseconds: 5_000))
        let earlier = Self.fields(generator.nextID(nowMilliseconds: 4_000))
        let wrapped = Self.fields(generator.nextID(nowMilliseconds: 4_000))
        #expect(first?.sequence == 0xff_fffe && first?.timestamp == 5_000)
        #expect(earlier?.sequence == 0xff_ffff && earlier?.timestamp == 5_000)
        #expect(wrapped?.sequence == 0 && wrapped?.timestamp == 5_001)
    }

    @Test func concurrentCallersGetDistinctIDs() async {
        let generator = TimeBasedIDGenerator(sequence: 0, node: [9, 9, 9, 9, 9, 9])
        let ids = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<8 { group.addTask { (0..<2_000).map { _ in generator.nextID() } } }
            var all: [String] = []
            for await chunk in group { all += chunk }
            return all
        }
        #expect(ids.count == 16_000)
        #expect(Set(ids).count == ids.count)
    }

    @Test func targetThatCannotHoldAStringFailsAndKeepsTheEvent() throws {
        let p = try build("add_id", ["target_field": "@timestamp"])
        let (out, outcome) = run(p, event())
        guard case .failed = outcome else { Issue.record("expected a failure, got \(outcome)"); return }
        #expect(out?.timestamp == event().timestamp)
    }

    @Test func configErrors() {
        #expect(buildError("add_id", ["type": "uuid"])?.contains("invalid value \"uuid\"") == true)
        #expect(buildError("add_id", ["target": "x"])?.contains("unknown option") == true)
    }
}
