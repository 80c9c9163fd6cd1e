// Helpers for the spool tests: scratch directories, a log handler that records lines (passed to one Logger,
// never bootstrapped globally), background threads with bounded waits, and a minimal independent reader of
// segment files so tests can aim damage at exact frames.

import Foundation
import Logging
import Testing

@testable import Spool

/// Log lines recorded by `RecordingLogHandler`.
final class LogRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [(level: Logger.Level, message: String)] = []

    func append(_ level: Logger.Level, _ message: String) {
        lock.withLock { lines.append((level, message)) }
    }

    /// Messages at `level`.
    func messages(_ level: Logger.Level) -> [String] {
        lock.withLock { lines.filter { $0.level == level }.map(\.message) }
    }

    /// True when some message at `level` contains every one of `parts`.
    func contains(_ level: Logger.Level, _ parts: String...) -> Bool {
        messages(level).contains { message in parts.allSatisfy { message.contains($0) } }
    }

    var logger: Logger {
        Logger(label: "spool-test") { _ in RecordingLogHandler(recorder: self) }
    }
}

struct RecordingLogHandler: LogHandler {
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        recorder.append(event.level, event.message.description)
    }
}

/// A directory removed when the value is released.
final class ScratchDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "spool-test-" + UUID().uuidString
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    var spoolPath: String { path + "/spool" }

    /// A copy of the spool directory as it is now (what kill -9 would leave, the spool still open).
    func crashCopy(named name: String = "copy") throws -> String {
        let copy = path + "/" + name
        try? FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: spoolPath, toPath: copy)
        return copy
    }

    func files(in directory: String? = nil) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory ?? spoolPath)) ?? []).sorted()
    }

    func segmentFiles(in directory: String? = nil) -> [String] {
        files(in: directory).filter { $0.hasSuffix(".seg") }.map { (directory ?? spoolPath) + "/" + $0 }
    }
}

func options(
    _ path: String, maxSize: Int64 = 0, segmentSize: Int64 = 1 << 20, policy: SpoolFullPolicy = .block,
    retryInterval: Double = 1, writeThroughBytes: Int = 16 << 20, directIO: Bool = true
) -> DiskSpoolOptions {
    DiskSpoolOptions(
        path: path, maxSize: maxSize, segmentSize: segmentSize, readAhead: 512, retryInterval: retryInterval,
        maxRetryInterval: retryInterval * 4, policy: policy, writeThroughBytes: writeThroughBytes, directIO: directIO)
}

/// Distinct payloads of `size` bytes, numbered from `first`.
func payloads(_ count: Int, size: Int = 100, first: Int = 0) -> [[UInt8]] {
    (first..<(first + count)).map { number in
        let text = Array("event-\(number)-".utf8)
        return (0..<size).map { text[$0 % text.count] }
    }
}

/// Reads until `count` entries arrived or 10 s passed.
func readEntries(_ spool: any Spool, count: Int, batch: Int = 1000) -> [SpoolEntry] {
    var entries: [SpoolEntry] = []
    let deadline = Date().addingTimeInterval(10)
    while entries.count < count && Date() < deadline {
        entries += spool.read(max: min(batch, count - entries.count), timeout: 0.2)
    }
    return entries
}

/// Reads everything already in the spool: until a read that does not wait comes back empty.
func readAll(_ spool: any Spool) -> [SpoolEntry] {
    var entries: [SpoolEntry] = []
    while true {
        let got = spool.read(max: 1000, timeout: 0)
        if got.isEmpty { return entries }
        entries += got
    }
}

/// Work on another thread whose result is awaited with a deadline.
final class Background<T: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var result: T?
    private(set) var started = false

    init(_ body: @escaping @Sendable () -> T) {
        Thread.detachNewThread {
            self.condition.withLock { self.started = true }
            let value = body()
            self.condition.withLock {
                self.result = value
                self.condition.broadcast()
            }
        }
    }

    /// The result, or nil if it did not come within `timeout` seconds.
    func wait(timeout: Double = 10) -> T? {
        let deadline = Date().addingTimeInterval(timeout)
        return condition.withLock {
            while result == nil && condition.wait(until: deadline) {}
            return result
        }
    }

    /// Waits until the thread runs its body, then gives it a moment to reach a blocking call. The tests'
    /// assertions hold whether or not it got there (a call that starts after `close` is refused the same way).
    func waitUntilStarted() {
        let deadline = Date().addingTimeInterval(10)
        while !condition.withLock({ started }) && Date() < deadline { Thread.sleep(forTimeInterval: 0.001) }
        Thread.sleep(forTimeInterval: 0.05)
    }
}

/// One record of a segment file, found by walking the format independently of the spool's scanner.
struct FrameLocation {
    var id: UInt64
    var offset: Int
    var length: Int
    var isSeal: Bool
}

/// The records of a well-formed segment file (up to the zero padding a direct write leaves).
func frames(in path: String) throws -> [FrameLocation] {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    var found: [FrameLocation] = []
    var offset = 32
    while offset + 20 <= bytes.count {
        let magic = bytes.loadLittleEndian(UInt32.self, at: offset)
        if magic == 0 { break }
        let length = Int(bytes.loadLittleEndian(UInt32.self, at: offset + 8))
        let id = bytes.loadLittleEndian(UInt64.self, at: offset + 12)
        found.append(FrameLocation(id: id, offset: offset, length: length, isSeal: magic == 0x5342_57FE))
        offset += 20 + length
    }
    return found
}

extension SegmentFormat {
    /// Appends one frame for `payload` with `id` to `buffer` (segments built by hand).
    static func appendFrame(_ payload: [UInt8], id: UInt64, to buffer: inout [UInt8]) {
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: frameHeaderSize + payload.count))
        buffer.withUnsafeMutableBytes { raw in
            writeFrame(payload, id: id, to: UnsafeMutableRawBufferPointer(rebasing: raw[start...]))
        }
    }
}

/// A spool of 8 KiB in 4 KiB segments and an appender of twenty 500-byte entries, started: about fifteen fit,
/// so the appender fills the spool and then waits for room.
func fullSpoolWithWaitingAppender(in scratch: ScratchDirectory) throws -> (spool: DiskSpool, appender: Background<Int>) {
    let spool = try DiskSpool(
        options: options(scratch.spoolPath, maxSize: 8192, segmentSize: 4096), logger: LogRecorder().logger)
    let appender = Background { spool.append(payloads(20, size: 500)) }
    appender.waitUntilStarted()
    return (spool, appender)
}

/// A spool opened on a crash copy of `scratch`'s spool (what kill -9 would leave), and what it logged.
func reopenCrashCopy(
    of scratch: ScratchDirectory, segmentSize: Int64 = 1 << 20
) throws -> (spool: DiskSpool, log: LogRecorder) {
    let copy = try scratch.crashCopy()
    let log = LogRecorder()
    return (try DiskSpool(options: options(copy, segmentSize: segmentSize), logger: log.logger), log)
}

/// True when a segment file ends right after its last record (no padding: written through the page cache).
func endsAtItsLastRecord(_ path: String) throws -> Bool {
    let last = try #require(try frames(in: path).last)
    return try fileSize(path) == last.offset + 20 + last.length
}

func fileSize(_ path: String) throws -> Int {
    Int(try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? UInt64))
}

/// Flips one bit of the byte at `offset` of the file, in place.
func flipBit(in path: String, at offset: Int) throws {
    let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
    try handle.seek(toOffset: UInt64(offset))
    let byte = try #require(try handle.read(upToCount: 1)?.first)
    try handle.seek(toOffset: UInt64(offset))
    try handle.write(contentsOf: [byte ^ 0x10])
    try handle.close()
}

func truncate(_ path: String, to size: Int) throws {
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.truncate(atOffset: UInt64(size))
    try handle.close()
}
