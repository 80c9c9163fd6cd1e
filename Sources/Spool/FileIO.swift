// The few system calls the disk spool makes, with EINTR and short transfers handled once: positioned reads
// and writes, data syncs, directory creation and listing. Failures come back as errno values; callers decide
// whether they are fatal (opening) or retried (writing).

import CFileFlags

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The system's text for an errno value.
func errnoText(_ code: Int32) -> String {
    String(cString: strerror(code))
}

enum FileIO {
    /// The open flag for direct I/O (O_DIRECT), or 0 where the system has none.
    static let directFlag = wirebeat_o_direct()

    /// Writes all of `bytes` at `offset`; 0 or the errno of the failure.
    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) -> Int32 {
        var done = 0
        while done < bytes.count {
            let written = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            // A regular file only writes nothing when it cannot grow.
            if written == 0 { return ENOSPC }
            done += written
        }
        return 0
    }

    /// Reads up to `count` bytes at `offset` into `destination`, stopping early only at end of file; the
    /// number read, or the negated errno.
    static func read(_ fd: Int32, into destination: UnsafeMutableRawPointer, count: Int, at offset: Int64) -> Int {
        var done = 0
        while done < count {
            let got = pread(fd, destination + done, count - done, off_t(offset) + off_t(done))
            if got < 0 {
                if errno == EINTR { continue }
                return -Int(errno)
            }
            if got == 0 { break }
            done += got
        }
        return done
    }

    /// Flushes a file's data (and the size needed to read it back) to the device; 0 or errno.
    static func syncData(_ fd: Int32) -> Int32 {
        #if os(Linux)
            let result = fdatasync(fd)
        #else
            let result = fsync(fd)
        #endif
        return result == 0 ? 0 : errno
    }

    /// Flushes a directory, making created, renamed and removed names durable; 0 or errno.
    static func syncDirectory(_ fd: Int32) -> Int32 {
        fsync(fd) == 0 ? 0 : errno
    }

    /// Opens `path` with `flags` (close-on-exec added); the descriptor or the negated errno.
    static func openFile(_ path: String, _ flags: Int32, mode: mode_t = 0o600) -> Int32 {
        while true {
            let fd = open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { return -errno }
        }
    }

    static func closeFile(_ fd: Int32) {
        if fd >= 0 { close(fd) }
    }

    /// The size of an open file, or nil.
    static func size(_ fd: Int32) -> Int64? {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        return Int64(info.st_size)
    }

    /// The whole content of a small file.
    static func readAll(_ fd: Int32) -> [UInt8]? {
        guard let size = size(fd), size < 1 << 30 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(size))
        let got = bytes.withUnsafeMutableBytes { read(fd, into: $0.baseAddress!, count: Int(size), at: 0) }
        guard got >= 0 else { return nil }
        bytes.removeLast(bytes.count - got)
        return bytes
    }

    /// Creates `path` and any missing parents with mode 0700; 0 or the errno of the failure.
    static func makeDirectories(_ path: String) -> Int32 {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST { return errno }
            prefix += "/"
        }
        return 0
    }

    /// The names in a directory (without "." and ".."), or the errno.
    static func list(_ path: String) -> Result<[String], SpoolError> {
        guard let directory = opendir(path) else {
            return .failure(SpoolError("cannot list the spool directory \(path): \(errnoText(errno))"))
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return .success(names)
    }
}
