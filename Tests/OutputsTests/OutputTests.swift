import Events
import Foundation
import NetModel
import Testing

@testable import Outputs

let identity = BeatIdentity(version: "8.17.0")
func event(_ n: Int, padding: Int = 0) -> Event {
    Event(timestamp: Timestamp(nanoseconds: 1_546_300_800_000_000_000), fields: ["n": .int(Int64(n)), "pad": .string(String(repeating: "x", count: padding))])
}

@Suite struct ConsoleOutputTests {
    @Test func writesOneJSONDocumentPerLine() throws {
        let pipe = Pipe()
        let out = ConsoleOutput(codec: .json(JSONEventEncoder(identity: identity)), fileDescriptor: pipe.fileHandleForWriting.fileDescriptor)
        let report = try out.publish([event(1), event(2)])
        try out.close()
        try pipe.fileHandleForWriting.close()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(report == PublishReport(acked: 2, dropped: 0))
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix(#"{"@timestamp":"2019-01-01T00:00:00.000Z","@metadata":{"beat":"packetbeat""#))
        #expect(lines[1].contains(#""n":2"#))
    }

    @Test func formatCodecWritesTheRenderedStringAndDropsEventsMissingAField() throws {
        let pipe = Pipe()
        let out = ConsoleOutput(codec: .format(try FormatString("n=%{[n]} m=%{[missing]}")), fileDescriptor: pipe.fileHandleForWriting.fileDescriptor)
        let partial = ConsoleOutput(codec: .format(try FormatString("n=%{[n]}")), fileDescriptor: pipe.fileHandleForWriting.fileDescriptor)
        #expect(try out.publish([event(1)]) == PublishReport(acked: 0, dropped: 1))
        #expect(try partial.publish([event(7)]) == PublishReport(acked: 1, dropped: 0))
        try pipe.fileHandleForWriting.close()
        #expect(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) == "n=7\n")
    }

    @Test func aClosedPipeIsAPermanentError() throws {
        signal(SIGPIPE, SIG_IGN)
        let pipe = Pipe()
        try pipe.fileHandleForReading.close()
        let out = ConsoleOutput(codec: .json(JSONEventEncoder(identity: identity)), fileDescriptor: pipe.fileHandleForWriting.fileDescriptor)
        do {
            _ = try out.publish([event(1)])
            Issue.record("expected an error")
        } catch {
            #expect(error.isPermanent)
        }
    }
}

@Suite struct FileOutputTests {
    func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("wb-file-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func files(_ dir: URL) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() }

    @Test func rotatesBySizeKeepsNumberOfFilesAndNamesThemLikeBeats() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let day = Timestamp(nanoseconds: 1_700_000_000_000_000_000)  // 2023-11-14
        let out = FileOutput(
            codec: .json(JSONEventEncoder(identity: identity)),
            options: FileOutputOptions(directory: dir.path, filename: "pb", rotateEveryBytes: 400, numberOfFiles: 3, permissions: 0o640),
            now: { day })
        for i in 0..<10 { _ = try out.publish([event(i, padding: 100)]) }  // ~230 bytes each: one per file
        try out.close()
        let names = try files(dir)
        #expect(names.count == 3)
        #expect(names.contains("pb-20231114-9.ndjson"))
        #expect(!names.contains("pb-20231114.ndjson"))  // the oldest were purged
        let last = try String(contentsOf: dir.appendingPathComponent("pb-20231114-9.ndjson"), encoding: .utf8)
        #expect(last.contains(#""n":9"#))
        let attrs = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("pb-20231114-9.ndjson").path)
        #expect(attrs[.posixPermissions] as? Int == 0o640)
    }

    @Test func rotateOnStartupStartsANewFileAndItsAbsenceAppends() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let now = { @Sendable in Timestamp(nanoseconds: 1_700_000_000_000_000_000) }
        let codec = OutputCodec.json(JSONEventEncoder(identity: identity))
        let first = FileOutput(codec: codec, options: FileOutputOptions(directory: dir.path, filename: "pb"), now: now)
        _ = try first.publish([event(1)])
        try first.close()
        let appending = FileOutput(codec: codec, options: FileOutputOptions(directory: dir.path, filename: "pb", rotateOnStartup: false), now: now)
        _ = try appending.publish([event(2)])
        try appending.close()
        #expect(try files(dir) == ["pb-20231114.ndjson"])
        let rotating = FileOutput(codec: codec, options: FileOutputOptions(directory: dir.path, filename: "pb"), now: now)
        _ = try rotating.publish([event(3)])
        try rotating.close()
        #expect(try files(dir) == ["pb-20231114-1.ndjson", "pb-20231114.ndjson"])
        let text = try String(contentsOf: dir.appendingPathComponent("pb-20231114.ndjson"), encoding: .utf8)
        #expect(text.split(separator: "\n").count == 2)
    }

    @Test func aLineLargerThanAFileIsDroppedAndCounted() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = FileOutput(codec: .json(JSONEventEncoder(identity: identity)),
            options: FileOutputOptions(directory: dir.path, filename: "pb", rotateEveryBytes: 100))
        #expect(try out.publish([event(1, padding: 500)]) == PublishReport(acked: 0, dropped: 1))
    }

    @Test func anUnwritableDirectoryIsAPermanentError() throws {
        let out = FileOutput(codec: .json(JSONEventEncoder(identity: identity)),
            options: FileOutputOptions(directory: "/proc/wirebeat-cannot-exist", filename: "pb"))
        #expect(throws: OutputError.self) { try out.publish([event(1)]) }
    }
}

/// `EncodedBatch(encoding:)`, which the Kafka output and the line outputs encode through.
@Suite struct EncodedBatchTests {
    @Test func aDroppedEventLeavesNoRecordAndTheNextStartsEmpty() {
        let batch = EncodedBatch(encoding: [event(1), event(-1), event(2)]) { event, buffer in
            #expect(buffer.isEmpty)
            guard case .int(let n)? = event.fields["n"], n > 0 else {
                buffer.append(9)
                return EncodeDrop(reason: "negative", detail: "n < 0")
            }
            buffer.append(UInt8(n))
            return nil
        }
        #expect(batch.records == [[1], [2]])
        #expect(batch.drops == [EncodeDrop(reason: "negative", detail: "n < 0")])
    }
}
