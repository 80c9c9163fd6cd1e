// Log files as Beats 8 names and rotates them: `<name>-YYYYMMDD.ndjson` for the first file of a day, then
// `<name>-YYYYMMDD-1.ndjson`, `-2`, … each time the current file reaches `rotateeverybytes` (and, with
// `rotateonstartup`, at every start when a file of the day exists already). Only the newest `keepfiles` files
// of that name are kept. Files are created with `permissions` (0600 by default) in a directory created
// 0750 when missing.

import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Why log files cannot be written.
public struct LogFileError: Error, CustomStringConvertible {
    public let description: String
}

/// An append-only log file that rotates by size.
public final class RotatingLogFile: Sendable {
    public struct Options: Sendable {
        public var directory: String
        public var name: String
        public var rotateEveryBytes: Int64
        public var keepFiles: Int
        public var permissions: UInt32
        public var rotateOnStartup: Bool

        public init(
            directory: String, name: String, rotateEveryBytes: Int64 = 10_485_760, keepFiles: Int = 7,
            permissions: UInt32 = 0o600, rotateOnStartup: Bool = true
        ) {
            self.directory = directory
            self.name = name
            self.rotateEveryBytes = rotateEveryBytes
            self.keepFiles = keepFiles
            self.permissions = permissions
            self.rotateOnStartup = rotateOnStartup
        }
    }

    private struct State {
        var fd: Int32 = -1
        var size: Int64 = 0
        var path = ""
        var failed = false
    }

    public let options: Options
    /// The clock of file names (a test sets a fixed day).
    let today: @Sendable () -> String
    private let state = Mutex(State())

    /// Opens (creating the directory and the first file); throws when the directory cannot be written.
    public init(_ options: Options, today: @escaping @Sendable () -> String = RotatingLogFile.utcDay)
        throws(LogFileError)
    {
        self.options = options
        self.today = today
        do {
            try FileManager.default.createDirectory(
                atPath: options.directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        } catch {
            throw LogFileError(
                description: "cannot create the log directory \(options.directory): \(error.localizedDescription)")
        }
        try state.withLock { (s: inout State) throws(LogFileError) in
            try open(&s, fresh: options.rotateOnStartup)
        }
    }

    deinit { state.withLock { s in if s.fd >= 0 { close(s.fd) } } }

    /// `YYYYMMDD` in UTC.
    @Sendable public static func utcDay() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        return String(format: "%04d%02d%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday))
    }

    /// The file currently written.
    public var currentPath: String { state.withLock { $0.path } }

    /// Appends `line` (which ends with a newline), rotating first when the file is full. A write error is
    /// reported once on standard error; logging goes on there.
    public func write(_ line: String) {
        state.withLock { s in
            if s.failed { return }
            do {
                if s.fd < 0 || (s.size > 0 && s.size + Int64(line.utf8.count) > options.rotateEveryBytes) {
                    try open(&s, fresh: true)
                }
                var remaining = Array(line.utf8)[...]
                while !remaining.isEmpty {
                    let n = remaining.withUnsafeBytes { Glibc.write(s.fd, $0.baseAddress, $0.count) }
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else {
                        throw LogFileError(description: "cannot write \(s.path): \(String(cString: strerror(errno)))")
                    }
                    remaining = remaining.dropFirst(n)
                    s.size += Int64(n)
                }
            } catch {
                s.failed = true
                FileHandle.standardError.write(
                    Data("wirebeat: log file: \(error); logging to standard error only\n".utf8))
            }
        }
    }

    /// The files of this name, oldest first: by day, then by sequence number.
    public func files() -> [String] { entries().map(\.path) }

    private func entries() -> [(path: String, day: String, sequence: Int)] {
        let prefix = options.name + "-"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: options.directory)) ?? []
        return names.compactMap { name -> (path: String, day: String, sequence: Int)? in
            guard name.hasPrefix(prefix), name.hasSuffix(".ndjson") else { return nil }
            let parts = name.dropFirst(prefix.count).dropLast(".ndjson".count).split(separator: "-")
            guard let day = parts.first, day.count == 8, day.allSatisfy(\.isNumber), parts.count <= 2 else {
                return nil
            }
            guard let sequence = parts.count == 2 ? Int(parts[1]) : 0 else { return nil }
            return (options.directory + "/" + name, String(day), sequence)
        }
        .sorted { ($0.day, $0.sequence) < ($1.day, $1.sequence) }
    }

    private func open(_ s: inout State, fresh: Bool) throws(LogFileError) {
        let day = today()
        var path = options.directory + "/\(options.name)-\(day).ndjson"
        if let last = entries().last(where: { $0.day == day }) {
            path = fresh ? options.directory + "/\(options.name)-\(day)-\(last.sequence + 1).ndjson" : last.path
        }
        if s.fd >= 0 { close(s.fd) }
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, mode_t(options.permissions))
        guard fd >= 0 else {
            throw LogFileError(description: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        fchmod(fd, mode_t(options.permissions))
        var info = stat()
        s.size = fstat(fd, &info) == 0 ? Int64(info.st_size) : 0
        s.fd = fd
        s.path = path
        for old in files().dropLast(max(1, options.keepFiles)) where old != path { unlink(old) }
    }
}
