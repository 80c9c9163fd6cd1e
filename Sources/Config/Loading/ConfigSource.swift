// What to load (files, overrides, environment, path flags) and what loading produced (typed settings,
// warnings, the files read, and the effective tree for `export config`).

import Foundation

/// The inputs of a configuration load, as the command line gives them.
public struct ConfigSource: Sendable {
    /// `-c` files in order; later files override earlier ones (default `["packetbeat.yml"]`).
    public var files: [String]
    /// `-E key=value` overrides, applied after the files, in order.
    public var overrides: [String]
    /// The environment for `${VAR}` references.
    public var environment: [String: String]
    /// `--path.home/config/data/logs`, keyed `home`, `config`, `data`, `logs`.
    public var pathOverrides: [String: String]
    /// `--strict.perms` (default true): refuse config files others can write.
    public var strictPermissions: Bool
    /// The directory relative paths are taken from (default: the process's working directory).
    public var workingDirectory: String

    /// A source with the given parts; the defaults read `packetbeat.yml` from the working directory with
    /// the process environment and strict permissions.
    public init(
        files: [String] = ["packetbeat.yml"], overrides: [String] = [],
        environment: [String: String] = ProcessInfo.processInfo.environment, pathOverrides: [String: String] = [:],
        strictPermissions: Bool = true, workingDirectory: String = FileManager.default.currentDirectoryPath
    ) {
        self.files = files
        self.overrides = overrides
        self.environment = environment
        self.pathOverrides = pathOverrides
        self.strictPermissions = strictPermissions
        self.workingDirectory = workingDirectory
    }
}

/// A loaded, validated configuration.
public struct LoadedConfig: Sendable {
    /// The typed settings.
    public let settings: Settings
    /// Unknown keys and ignored or remapped settings, with their locations.
    public let warnings: [ConfigDiagnostic]
    /// The absolute paths of the files read, in order.
    public let files: [String]
    /// The merged tree after overrides and expansion.
    let tree: ConfigNode

    /// The merged configuration after `-E` overrides and `${VAR}` expansion as YAML, secrets replaced by
    /// "[REDACTED]" (for `export config`). Defaults are not filled in: this is what the user wrote.
    public func effectiveYAML() -> String { EffectiveYAML.render(tree) }

    /// The values `effectiveYAML` hides (passwords, tokens, Authorization headers, passwords in URLs), so that
    /// logs can hide them too. Empty values are left out.
    public func secretValues() -> [String] { Set(EffectiveYAML.secrets(tree)).filter { !$0.isEmpty }.sorted() }
}
