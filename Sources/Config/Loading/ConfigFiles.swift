// Finding and reading `-c` files. Relative names resolve against `--path.config`, else `--path.home`,
// else the working directory. (Deliberate difference: Beats resolves against path.config, whose default
// is the binary's directory; wirebeat's default home is the working directory, so `-c packetbeat.yml`
// means the file next to you.) With strict permissions on, a file must belong to root or the effective
// user and must not be writable by group or others, as in Beats, because a writable config lets any
// local user choose what a packet-capturing process runs.

import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

enum ConfigFiles {
    /// The absolute path of `name` under the rules above.
    static func resolve(_ name: String, pathOverrides: [String: String], workingDirectory: String) -> String {
        if name.hasPrefix("/") { return absolutePath(name, base: "/") }
        let base = [pathOverrides["config"], pathOverrides["home"]].compactMap { $0 }.first { !$0.isEmpty }
        let directory = base.map { absolutePath($0, base: workingDirectory) } ?? workingDirectory
        return absolutePath(name, base: directory)
    }

    /// Reads the file at `path`, reported as `name` in errors.
    static func read(_ path: String, name: String, strictPermissions: Bool) throws(ConfigError) -> String {
        let here = SourceLocation(file: name)
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = errno == ENOENT ? "no such file" : String(cString: strerror(errno))
            throw ConfigError(at: here, keyPath: "", message: "cannot read config file \(path): \(reason)")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw ConfigError(at: here, keyPath: "", message: "config file \(path) is not a regular file")
        }
        if strictPermissions { try checkPermissions(info, path: path, name: name) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(at: here, keyPath: "", message: "cannot read config file \(path): permission denied")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(at: here, keyPath: "", message: "config file \(path) is not valid UTF-8")
        }
        return text
    }

    /// The owner and mode rules of `--strict.perms`, with Beats' wording.
    static func checkPermissions(_ info: stat, path: String, name: String) throws(ConfigError) {
        let here = SourceLocation(file: name)
        let euid = geteuid()
        if info.st_uid != 0 && info.st_uid != euid {
            throw ConfigError(
                at: here, keyPath: "",
                message: "config file (\"\(name)\") must be owned by the beat user (uid=\(euid)) or root "
                    + "(to skip this check use --strict.perms=false)")
        }
        let mode = UInt32(info.st_mode) & 0o777
        if mode & 0o022 != 0 {
            throw ConfigError(
                at: here, keyPath: "",
                message: "config file (\"\(name)\") can only be writable by the owner but the permissions are "
                    + "\"\(permissionString(mode))\" (to fix the permissions use: 'chmod go-w \(path)')")
        }
    }

    /// `-rw-rw-r--` for 0o664.
    static func permissionString(_ mode: UInt32) -> String {
        var out = "-"
        for shift in [6, 3, 0] {
            let bits = (mode >> UInt32(shift)) & 7
            out += (bits & 4 != 0 ? "r" : "-") + (bits & 2 != 0 ? "w" : "-") + (bits & 1 != 0 ? "x" : "-")
        }
        return out
    }
}
