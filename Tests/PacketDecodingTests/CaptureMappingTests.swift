// A mapped capture file's helper thread maps pages ahead of the reader and clears them behind: reading must
// see the file's bytes wherever the helper is, and the helper must stay within its window.

import Foundation
import NetModel
import Testing

@testable import Capture

@Suite struct CaptureMappingTests {
    /// A scratch file of `count` bytes where byte i is (i * 7 + i >> 12) & 0xff, so pages differ.
    static func patternFile(count: Int) throws -> (path: String, bytes: [UInt8]) {
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 12) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wirebeat-mapping-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        return (path, bytes)
    }

    /// Polls `condition` for up to two seconds (the helper runs on its own thread).
    static func eventually(_ condition: () -> Bool) -> Bool {
        for _ in 0..<2000 {
            if condition() { return true }
            usleep(1000)
        }
        return condition()
    }

    @Test func theHelperStaysWithinItsWindowAndClearedPagesReadBackTheFile() throws {
        let (path, bytes) = try Self.patternFile(count: 4 << 20)
        defer { unlink(path) }
        let descriptor = open(path, O_RDONLY)
        #expect(descriptor >= 0)
        let window = 256 << 10, step = 64 << 10
        let mapping = try #require(CaptureMapping.map(descriptor, window: window, step: step, helperThreshold: 0))
        close(descriptor)
        defer { mapping.close() }
        let mapped = UnsafeRawBufferPointer(start: mapping.address, count: mapping.length)
        // Nothing read yet: the helper maps one window and no more.
        #expect(Self.eventually { mapping.helperProgress.populated >= window })
        #expect(mapping.helperProgress.populated <= window + step)
        #expect(mapping.helperProgress.cleared == 0)
        for reached in stride(from: 1 << 20, through: 3 << 20, by: 1 << 20) {
            #expect(Array(mapped[(reached - (1 << 20))..<reached]) == Array(bytes[(reached - (1 << 20))..<reached]))
            mapping.reached(reached)
            #expect(Self.eventually { mapping.helperProgress.cleared == reached })
            #expect(Self.eventually { mapping.helperProgress.populated >= reached + window })
            #expect(mapping.helperProgress.populated <= reached + window + step)
        }
        // Cleared pages are read again from the file, as the private, never-written mapping promises.
        #expect(Array(mapped[0..<(3 << 20)]) == Array(bytes[0..<(3 << 20)]))
        mapping.reached(mapping.length)
        #expect(Self.eventually { mapping.helperProgress.populated == mapping.length })
        #expect(Array(mapped) == bytes)
    }

    @Test func aLargeCaptureReadsEveryFrameWhileTheHelperWorks() throws {
        // 20 MiB of 1,400-byte frames, each filled with its own number: over the helper threshold.
        let frames = 15_000
        var file: [UInt8] = []
        file.reserveCapacity(24 + frames * 1416)
        func put32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { file.append(contentsOf: $0) } }
        // Magic, version 2.4 (as two 16-bit halves), zone, accuracy, snapshot length, DLT_EN10MB.
        for value: UInt32 in [0xa1b2_c3d4, 0x0004_0002, 0, 0, 65535, 1] { put32(value) }
        for i in 0..<frames {
            for value: UInt32 in [UInt32(i), 0, 1400, 1400] { put32(value) }
            file.append(contentsOf: [UInt8](repeating: UInt8(truncatingIfNeeded: i), count: 1400))
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wirebeat-large-\(UUID().uuidString).pcap").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(file)))
        defer { unlink(path) }
        #expect(file.count >= 16 << 20)
        let handle = try PcapHandle.openOffline(path: path)
        defer { handle.close() }
        var count = 0, wrong = 0
        loop: while true {
            switch handle.next() {
            case .packet(let packet):
                let mark = UInt8(truncatingIfNeeded: count)
                if packet.data.count != 1400 || packet.data.first != mark || packet.data.last != mark
                    || packet.timestamp != Timestamp(seconds: Int64(count), nanoseconds: 0)
                {
                    wrong += 1
                }
                count += 1
            case .endOfFile: break loop
            case .timeout: continue
            case .error(let message): Issue.record("\(message)"); break loop
            }
        }
        #expect(count == frames)
        #expect(wrong == 0)
        #expect(Self.eventually { (handle.mappingProgress?.cleared ?? 0) >= 16 << 20 })
        #expect(handle.mappingProgress?.populated == file.count)
    }
}
