// `output.file`: newline-delimited events in size-rotated files, named as Beats 8.x names them:
// `<filename>-<YYYYMMDD>.ndjson`, then `<filename>-<YYYYMMDD>-1.ndjson`, `-2`, … (the date is the UTC day the
// file was opened; Beats uses local time — a deliberate difference that keeps names stable across time
// zones). At most `number_of_files` files are kept; the oldest are deleted. With `rotate_on_startup` a run
// never appends to a file written by an earlier run.

import Events
import NetModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Options of the file output.
public struct FileOutputOptions: Sendable, Equatable {
    /// Directory of the files (created if missing).
    public var directory: String
    /// File name prefix (`packetbeat`).
    public var filename: String
    /// Rotate when a file would exceed this many bytes.
    public var rotateEveryBytes: Int
    /// Files kept, including the active one (2…1024).
    public var numberOfFiles: Int
    /// Mode of created files (0600).
    public var permissions: UInt32
    /// Start a new file at startup instead of appending.
    public var rotateOnStartup: Bool

    public init(
        directory: String, filename: String = "packetbeat", rotateEveryBytes: Int = 10240 * 1024,
        numberOfFiles: Int = 7, permissions: UInt32 = 0o600, rotateOnStartup: Bool = true
    ) {
        self.directory = directory
        self.filename = filename
        self.rotateEveryBytes = max(1, rotateEveryBytes)
        self.numberOfFiles = max(1, numberOfFiles)
        self.permissions = permissions
        self.rotateOnStartup = rotateOnStartup
    }
}

/// Writes events to rotated files.
public final class FileOutput: Output {
    public let typeName = "file"
    let codec: OutputCodec
    let options: FileOutputOptions
    /// Capture-independent wall clock for file names; injectable for tests.
    let now: @Sendable () -> Timestamp
    var fd: Int32 = -1
    var size = 0
    var currentPath = ""

    /// Creates the output; the directory and first file are opened at the first write.
    public init(
        codec: OutputCodec, options: FileOutputOptions,
        now: @escaping @Sendable () -> Timestamp = FileOutput.wallClock
    ) {
        self.codec = codec
        self.options = options
        self.now = now
    }

    /// The current wall-clock time.
    @Sendable public static func wallClock() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(seconds: Int64(ts.tv_sec), nanoseconds: Int64(ts.tv_nsec))
    }

    /// The path of the file being written (empty before the first write).
    public var activePath: String { currentPath }

    public func publish(_ events: [Event]) throws(OutputError) -> PublishReport { try write(encode(events)) }

    public func encode(_ events: [Event]) -> EncodedBatch { codec.encodeLines(events) }

    public func write(_ batch: EncodedBatch) throws(OutputError) -> PublishReport {
        var report = PublishReport(dropped: batch.drops.count)
        for line in batch.records {
            if line.count > options.rotateEveryBytes {
                // Beats refuses a line bigger than a whole file; so do we, counted as dropped.
                report.dropped += 1
                continue
            }
            if fd < 0 {
                try openInitial()
            } else if size + line.count > options.rotateEveryBytes {
                try rotate()
            }
            try writeAll(fd: fd, line, what: currentPath)
            size += line.count
            report.acked += 1
        }
        return report
    }

    public func flush() throws(OutputError) {}

    public func close() throws(OutputError) {
        if fd >= 0 {
            _ = fsync(fd)
            _ = Glibc.close(fd)
            fd = -1
        }
    }

    // MARK: - Files

    var dayStamp: String {
        String(RFC3339.format(now(), fractionDigits: 0).prefix(10).filter { $0 != "-" })
    }

    func path(index: Int) -> String {
        let base = "\(options.directory)/\(options.filename)-\(dayStamp)"
        return index == 0 ? base + ".ndjson" : base + "-\(index).ndjson"
    }

    /// Existing files of this output (any day), oldest first: by day, then by rotation index.
    func existingFiles() -> [(day: String, index: Int, path: String)] {
        guard let dir = opendir(options.directory) else { return [] }
        defer { closedir(dir) }
        var found: [(day: String, index: Int, path: String)] = []
        let prefix = options.filename + "-"
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            guard name.hasPrefix(prefix), name.hasSuffix(".ndjson") else { continue }
            // <filename>-<YYYYMMDD>.ndjson or <filename>-<YYYYMMDD>-<N>.ndjson
            let stem = name.dropFirst(prefix.count).dropLast(".ndjson".count)
            let parts = stem.split(separator: "-", maxSplits: 1)
            guard let day = parts.first, day.count == 8, day.allSatisfy(\.isNumber) else { continue }
            var index = 0
            if parts.count == 2 {
                guard let n = Int(parts[1]), n > 0 else { continue }
                index = n
            }
            found.append((String(day), index, "\(options.directory)/\(name)"))
        }
        return found.sorted { $0.day != $1.day ? $0.day < $1.day : $0.index < $1.index }
    }

    /// The index after the newest file of today, or 0 when today has none.
    func nextIndex() -> Int {
        let today = dayStamp
        return existingFiles().filter { $0.day == today }.map { $0.index + 1 }.max() ?? 0
    }

    func openInitial() throws(OutputError) {
        try makeDirectory(options.directory)
        let next = nextIndex()
        if !options.rotateOnStartup, next > 0 {
            try open(path(index: next - 1), append: true)
        } else {
            try open(path(index: next), append: false)
        }
        try purge()
    }

    func rotate() throws(OutputError) {
        try close()
        try open(path(index: nextIndex()), append: false)
        try purge()
    }

    func open(_ p: String, append: Bool) throws(OutputError) {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC)
        let f = Glibc.open(p, flags, mode_t(options.permissions))
        guard f >= 0 else {
            throw OutputError("cannot open output file \(p): \(String(cString: strerror(errno)))", isPermanent: true)
        }
        fd = f
        currentPath = p
        var st = stat()
        size = fstat(f, &st) == 0 ? Int(st.st_size) : 0
    }

    func purge() throws(OutputError) {
        let files = existingFiles()
        guard files.count > options.numberOfFiles else { return }
        for old in files.prefix(files.count - options.numberOfFiles) where old.path != currentPath {
            unlink(old.path)
        }
    }

    func makeDirectory(_ dir: String) throws(OutputError) {
        var partial = dir.hasPrefix("/") ? "" : "."
        for component in dir.split(separator: "/") {
            partial += "/" + component
            if mkdir(partial, 0o750) != 0 && errno != EEXIST {
                throw OutputError("cannot create directory \(partial): \(String(cString: strerror(errno)))", isPermanent: true)
            }
        }
    }
}
