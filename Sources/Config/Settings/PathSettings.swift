// `path.*`: where wirebeat finds its configuration and keeps its data (agent id, disk queue) and logs.
// Command-line `--path.*` flags win over the file, the file over the defaults.
// Deliberate difference from Beats: `path.home` defaults to the working directory, not the directory of
// the binary, so a checkout or a container behaves the same wherever the executable lives.

/// Resolved paths, all absolute.
public struct PathSettings: Sendable, Equatable {
    /// `path.home`: the base of the other defaults.
    public var home: String
    /// `path.config`: where relative `-c` files are looked up (default: home).
    public var config: String
    /// `path.data`: persistent state, including `diskqueue/` (default: `<home>/data`).
    public var data: String
    /// `path.logs`: log files (default: `<home>/logs`).
    public var logs: String

    /// Paths given explicitly.
    public init(home: String, config: String, data: String, logs: String) {
        self.home = home
        self.config = config
        self.data = data
        self.logs = logs
    }

    /// The paths from command-line overrides (`home`, `config`, `data`, `logs`), then the file's settings
    /// (read through `setting`, by full dotted name), then the defaults; relative paths are taken from
    /// `workingDirectory`.
    static func resolve(
        overrides: [String: String], workingDirectory: String,
        setting: (String) throws(ConfigError) -> String?
    ) throws(ConfigError) -> PathSettings {
        func one(_ name: String) throws(ConfigError) -> String {
            try resolveOne(name, overrides: overrides, workingDirectory: workingDirectory, setting: setting)
        }
        return PathSettings(
            home: try one("home"), config: try one("config"), data: try one("data"), logs: try one("logs"))
    }

    /// One of `home`, `config`, `data`, `logs`, reading only the settings it depends on, so that
    /// `path.data: ${path.home}/state` can be expanded while `path.home` is resolved.
    static func resolveOne(
        _ name: String, overrides: [String: String], workingDirectory: String,
        setting: (String) throws(ConfigError) -> String?
    ) throws(ConfigError) -> String {
        if let value = overrides[name], !value.isEmpty { return absolutePath(value, base: workingDirectory) }
        if let value = try setting("path." + name), !value.isEmpty {
            return absolutePath(value, base: workingDirectory)
        }
        guard name != "home" else { return absolutePath(".", base: workingDirectory) }
        let home = try resolveOne("home", overrides: overrides, workingDirectory: workingDirectory, setting: setting)
        switch name {
        case "data": return home + "/data"
        case "logs": return home + "/logs"
        default: return home
        }
    }

    /// The value of one `path.<name>` setting, by full dotted name.
    func value(of dottedName: String) -> String? {
        switch dottedName {
        case "path.home": return home
        case "path.config": return config
        case "path.data": return data
        case "path.logs": return logs
        default: return nil
        }
    }
}

/// `path` made absolute against `base`, with `.` parts and trailing slashes removed.
func absolutePath(_ path: String, base: String) -> String {
    let joined = path.hasPrefix("/") ? path : base + "/" + path
    var parts: [Substring] = []
    for part in joined.split(separator: "/", omittingEmptySubsequences: true) {
        if part == "." { continue }
        if part == ".." {
            if !parts.isEmpty { parts.removeLast() }
            continue
        }
        parts.append(part)
    }
    return "/" + parts.joined(separator: "/")
}
