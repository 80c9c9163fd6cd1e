// `run_as_user`: once every capture handle is open, and before the first packet is parsed, a run started as
// root hands the directories it writes to the configured user, switches to that user's groups, gid and uid,
// checks that root cannot be regained, and checks (in /proc/self/status) that no capability is left.
//
// A run that is not root keeps its user: it cannot switch, and switching is what root is for. A different
// user in `run_as_user` is then reported as a warning (the operator granted capabilities to a dedicated
// user instead, which is just as well), never silently ignored.

import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// A user account, looked up with `getpwnam_r`.
public struct UserAccount: Sendable, Equatable {
    public var name: String
    public var uid: uid_t
    public var gid: gid_t

    /// The account named `name`, or nil when there is none.
    public static func named(_ name: String) -> UserAccount? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>? = nil
        var size = max(sysconf(Int32(_SC_GETPW_R_SIZE_MAX)), 1024)
        while true {
            var buffer = [CChar](repeating: 0, count: size)
            let rc = getpwnam_r(name, &entry, &buffer, size, &result)
            if rc == ERANGE && size < 1 << 20 {
                size *= 4
                continue
            }
            guard rc == 0, result != nil else { return nil }
            return UserAccount(name: name, uid: entry.pw_uid, gid: entry.pw_gid)
        }
    }

    /// The name of `uid`, or the number as text.
    static func name(of uid: uid_t) -> String {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>? = nil
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let n = entry.pw_name
        else { return String(uid) }
        return String(cString: n)
    }
}

/// What `run_as_user` asks for: the user, and what must belong to it before the switch.
public struct PrivilegeDrop: Sendable, Equatable {
    /// The configured user name.
    public var user: String
    /// Directories the agent writes; created when missing and given (with everything in them) to the user.
    public var ownedDirectories: [String]
    /// Directories the agent writes files into but does not own (`output.file.path`): created for the user
    /// when missing; when they exist, only the files named `<prefix>*` in them are given to the user.
    public var sharedDirectories: [(path: String, prefix: String)]

    public init(user: String, ownedDirectories: [String], sharedDirectories: [(path: String, prefix: String)] = []) {
        self.user = user
        self.ownedDirectories = ownedDirectories
        self.sharedDirectories = sharedDirectories
    }

    public static func == (a: PrivilegeDrop, b: PrivilegeDrop) -> Bool {
        a.user == b.user && a.ownedDirectories == b.ownedDirectories
            && a.sharedDirectories.map(\.path) == b.sharedDirectories.map(\.path)
            && a.sharedDirectories.map(\.prefix) == b.sharedDirectories.map(\.prefix)
    }

    /// Switches to the user when running as root (see the file comment); returns what was done, for the log.
    /// Throws when the user does not exist, a directory cannot be handed over, or the switch is incomplete.
    @discardableResult
    public func apply(logger: Logger) throws(PrivilegeError) -> String {
        guard let account = UserAccount.named(user) else {
            throw PrivilegeError("run_as_user: no user named \"\(user)\" on this system")
        }
        let uid = getuid()
        let euid = geteuid()
        guard euid == 0 else {
            let current = UserAccount.name(of: euid)
            let message: String
            if uid == account.uid && euid == account.uid {
                message = "run_as_user: already running as \(user)"
                logger.info("\(message)")
            } else {
                message =
                    "run_as_user: \(user) is set but wirebeat was not started as root, so it keeps running as \(current) (uid \(euid))"
                logger.warning("\(message)")
            }
            return message
        }
        for dir in ownedDirectories { try hand(dir, to: account, recursive: true) }
        for (dir, prefix) in sharedDirectories { try handFiles(in: dir, prefix: prefix, to: account) }
        guard initgroups(user, account.gid) == 0 else {
            throw PrivilegeError("run_as_user: cannot set the groups of \(user): \(Self.lastError())")
        }
        guard setgid(account.gid) == 0 else {
            throw PrivilegeError("run_as_user: cannot switch to group \(account.gid): \(Self.lastError())")
        }
        guard setuid(account.uid) == 0 else {
            throw PrivilegeError("run_as_user: cannot switch to user \(user): \(Self.lastError())")
        }
        if account.uid != 0 {
            // The switch must be final: a process that can become root again has dropped nothing.
            guard setuid(0) != 0, seteuid(0) != 0, getuid() == account.uid, geteuid() == account.uid else {
                throw PrivilegeError("run_as_user: switched to \(user), but root can still be regained")
            }
        }
        let caps = Self.capabilities()
        if account.uid != 0, caps.effective != 0 || caps.permitted != 0 {
            throw PrivilegeError(
                "run_as_user: switched to \(user), but capabilities remain (CapEff \(Self.hex(caps.effective)), CapPrm \(Self.hex(caps.permitted)))"
            )
        }
        let message =
            "dropped privileges to \(user) (uid \(account.uid), gid \(account.gid)); capabilities: effective \(Self.hex(caps.effective)), permitted \(Self.hex(caps.permitted))"
        logger.info("\(message)")
        return message
    }

    /// Creates `dir` if missing and gives it (and, when `recursive`, everything below it) to the account.
    func hand(_ dir: String, to account: UserAccount, recursive: Bool) throws(PrivilegeError) {
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw PrivilegeError("run_as_user: cannot create \(dir): \(error.localizedDescription)")
        }
        try chownOne(dir, account)
        guard recursive, let walker = FileManager.default.enumerator(atPath: dir) else { return }
        while let relative = walker.nextObject() as? String {
            try chownOne(dir + "/" + relative, account)
        }
    }

    /// Creates `dir` for the account when missing; otherwise gives the account the files named `prefix*`.
    func handFiles(in dir: String, prefix: String, to account: UserAccount) throws(PrivilegeError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory) else {
            try hand(dir, to: account, recursive: false)
            return
        }
        guard isDirectory.boolValue, let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else {
            return
        }
        for name in names where name.hasPrefix(prefix) { try chownOne(dir + "/" + name, account) }
    }

    private func chownOne(_ path: String, _ account: UserAccount) throws(PrivilegeError) {
        // lchown: a symbolic link planted in a data directory must not hand its target to the user.
        guard lchown(path, account.uid, account.gid) == 0 else {
            throw PrivilegeError("run_as_user: cannot give \(path) to \(user): \(Self.lastError())")
        }
    }

    /// The effective and permitted capability sets of this process (`CapEff`, `CapPrm` in /proc/self/status).
    public static func capabilities() -> (effective: UInt64, permitted: UInt64) {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
        var effective: UInt64 = 0
        var permitted: UInt64 = 0
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let value = UInt64(parts[1].trimmingCharacters(in: .whitespaces), radix: 16) ?? 0
            if parts[0] == "CapEff" { effective = value }
            if parts[0] == "CapPrm" { permitted = value }
        }
        return (effective, permitted)
    }

    static func hex(_ v: UInt64) -> String {
        let digits = String(v, radix: 16)
        return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
    }

    static func lastError() -> String { String(cString: strerror(errno)) }
}

/// Why the switch to `run_as_user` failed.
public struct PrivilegeError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
