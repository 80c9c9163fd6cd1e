// How capture files reach libpcap: regular files are mapped into memory, anything else (a pipe) is read
// through stdio. Both must give the same frames, and a file that is not a capture must be a clear error.

import Capture
import Foundation
import NetModel
import Testing

@Suite struct CaptureFileTests {
    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("wirebeat-capture-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test(arguments: ["eth-tcp-udp.pcap", "eth-tcp-udp.pcapng"])
    func aPipeGivesTheSameFramesAsTheMappedFile(name: String) throws {
        let mapped = try Fixture.read(name)
        #expect(!mapped.frames.isEmpty)
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("capture.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixture.directory + "/" + name))
        let writer = Thread {
            if let handle = FileHandle(forWritingAtPath: fifo) {
                handle.write(bytes)
                try? handle.close()
            }
        }
        writer.start()
        let piped = try Fixture.read(path: fifo)
        #expect(piped.linkType == mapped.linkType)
        #expect(piped.frames.map(\.bytes) == mapped.frames.map(\.bytes))
        #expect(piped.frames.map(\.timestamp) == mapped.frames.map(\.timestamp))
    }

    @Test func anEmptyOrForeignFileIsAClearError() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = dir.appendingPathComponent("empty.pcap").path
        let text = dir.appendingPathComponent("text.pcap").path
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        #expect(FileManager.default.createFile(atPath: text, contents: Data("not a capture at all\n".utf8)))
        for path in [empty, text, dir.appendingPathComponent("missing.pcap").path] {
            #expect(throws: CaptureError.self) { _ = try PcapHandle.openOffline(path: path) }
        }
    }

    @Test func aCaptureCutShortEndsWithAnErrorAfterTheWholeFrames() throws {
        let whole = try Data(contentsOf: URL(fileURLWithPath: Fixture.directory + "/eth-tcp-udp.pcap"))
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cut = dir.appendingPathComponent("cut.pcap").path
        #expect(FileManager.default.createFile(atPath: cut, contents: whole.prefix(whole.count - 7)))
        #expect(throws: FixtureError.self) { _ = try Fixture.read(path: cut) }
    }
}
