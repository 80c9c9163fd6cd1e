import Foundation
import Testing

@testable import Spool

@Suite struct StateFileTests {
    @Test func theLastWrittenStateIsLoaded() throws {
        let scratch = ScratchDirectory()
        try FileManager.default.createDirectory(atPath: scratch.path, withIntermediateDirectories: true)
        let first = try StateFile.open(directory: scratch.path)
        #expect(first.snapshot == nil && first.problem == nil)
        for cursor: UInt64 in [5, 9, 12] {
            first.file.encode(cursor: cursor, ranges: [cursor + 2..<cursor + 4])
            #expect(first.file.writeEncoded() == 0)
        }
        first.file.closeFile()
        let again = try StateFile.open(directory: scratch.path)
        #expect(again.snapshot == StateFile.Snapshot(cursor: 12, ranges: [14..<16]))
        again.file.closeFile()
    }

    @Test func aTornNewestSlotFallsBackToThePreviousOne() throws {
        let scratch = ScratchDirectory()
        try FileManager.default.createDirectory(atPath: scratch.path, withIntermediateDirectories: true)
        let opened = try StateFile.open(directory: scratch.path)
        opened.file.encode(cursor: 5, ranges: [])
        #expect(opened.file.writeEncoded() == 0)
        opened.file.encode(cursor: 9, ranges: [])
        #expect(opened.file.writeEncoded() == 0)
        opened.file.closeFile()
        // The newest slot is the one whose cursor field (offset 16 in the slot) holds 9.
        let path = scratch.path + "/wb-spool.state"
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let newest = try #require([0, 4096].first { bytes.count > $0 + 24 && bytes[$0 + 16] == 9 })
        try flipBit(in: path, at: newest + 20)
        let again = try StateFile.open(directory: scratch.path)
        #expect(again.snapshot == StateFile.Snapshot(cursor: 5, ranges: []))
        again.file.closeFile()
    }

    @Test func manyRangesGrowTheFileInPlace() throws {
        let scratch = ScratchDirectory()
        try FileManager.default.createDirectory(atPath: scratch.path, withIntermediateDirectories: true)
        let opened = try StateFile.open(directory: scratch.path)
        for round in UInt64(1)...4 {
            let ranges = (0..<(round * 700)).map { index in (100 + index * 3)..<(101 + index * 3) }
            opened.file.encode(cursor: round, ranges: ranges[...])
            #expect(opened.file.writeEncoded() == 0)
            // The file is locked while open: load a copy of it.
            let copyDirectory = scratch.path + "/copy\(round)"
            try FileManager.default.createDirectory(atPath: copyDirectory, withIntermediateDirectories: true)
            try FileManager.default.copyItem(
                atPath: scratch.path + "/wb-spool.state", toPath: copyDirectory + "/wb-spool.state")
            let copy = try StateFile.open(directory: copyDirectory)
            #expect(copy.snapshot == StateFile.Snapshot(cursor: round, ranges: ranges))
            copy.file.closeFile()
        }
        opened.file.closeFile()
    }

    @Test func aSecondOpenIsRefusedWhileLocked() throws {
        let scratch = ScratchDirectory()
        try FileManager.default.createDirectory(atPath: scratch.path, withIntermediateDirectories: true)
        let opened = try StateFile.open(directory: scratch.path)
        #expect(throws: SpoolError.self) { try StateFile.open(directory: scratch.path) }
        opened.file.closeFile()
        let again = try StateFile.open(directory: scratch.path)
        again.file.closeFile()
    }
}
