// Loading in Beats order: read and merge the `-c` files, lay the `-E` overrides on top, expand
// `${...}` references, warn about unknown keys, then type and validate every section. The first error
// stops loading and names file, line, column and key.

import Foundation

/// Loads packetbeat.yml files into `Settings`.
public enum ConfigLoader {
    /// Loads the files, overrides and environment of `source`.
    public static func load(_ source: ConfigSource) throws(ConfigError) -> LoadedConfig {
        var root = ConfigNode.emptyMap(at: nil)
        var read: [String] = []
        for name in source.files {
            let path = ConfigFiles.resolve(
                name, pathOverrides: source.pathOverrides, workingDirectory: source.workingDirectory)
            let text = try ConfigFiles.read(path, name: name, strictPermissions: source.strictPermissions)
            let tree = try parseFile(text, name: name)
            if read.isEmpty { root = tree } else { root.merge(overriding: tree) }
            read.append(path)
        }
        return try finish(
            root, files: read, overrides: source.overrides, environment: source.environment,
            pathOverrides: source.pathOverrides, workingDirectory: source.workingDirectory)
    }

    /// Parses a YAML string as if it were a file named `name` (for tests and tools).
    public static func load(
        yaml: String, name: String, overrides: [String] = [], environment: [String: String] = [:],
        pathOverrides: [String: String] = [:], workingDirectory: String? = nil
    ) throws(ConfigError) -> LoadedConfig {
        try finish(
            try parseFile(yaml, name: name), files: [], overrides: overrides, environment: environment,
            pathOverrides: pathOverrides,
            workingDirectory: workingDirectory ?? FileManager.default.currentDirectoryPath)
    }

    private static func parseFile(_ text: String, name: String) throws(ConfigError) -> ConfigNode {
        let tree = try TreeBuilder.parse(yaml: text, file: name)
        if tree.isNull { return .emptyMap(at: tree.location) }
        guard tree.mapEntries != nil else {
            throw ConfigError(
                at: tree.location, keyPath: "",
                message: "a configuration file must contain a map of settings, got \(tree.shapeName)")
        }
        return tree
    }

    private static func finish(
        _ merged: ConfigNode, files: [String], overrides: [String], environment: [String: String],
        pathOverrides: [String: String], workingDirectory: String
    ) throws(ConfigError) -> LoadedConfig {
        var root = merged
        for argument in overrides {
            let override = try OverrideParser.parse(argument)
            root.set(
                override.value, atPath: override.path[...],
                keyLocation: SourceLocation(file: OverrideParser.sourceName))
        }
        let expander = VariableExpander(root: root, environment: environment) {
            (name: String, expander: VariableExpander) throws(ConfigError) -> String? in
            let pathNames = ["path.home", "path.config", "path.data", "path.logs"]
            guard pathNames.contains(name) else { return nil }
            return try PathSettings.resolveOne(
                String(name.dropFirst(5)), overrides: pathOverrides, workingDirectory: workingDirectory
            ) { (setting: String) throws(ConfigError) -> String? in
                try expander.settingNode(setting)?.scalarValue?.text
            }
        }
        let expanded = try expander.expandAll()
        let paths = try PathSettings.resolve(overrides: pathOverrides, workingDirectory: workingDirectory) {
            (setting: String) throws(ConfigError) -> String? in
            let parts = setting.split(separator: ".").map(String.init)
            guard let node = expanded.node(atPath: parts), !node.isNull else { return nil }
            guard let scalar = node.scalarValue else {
                throw ConfigError(
                    at: node.location, keyPath: setting, message: "expected a path, got \(node.shapeName)")
            }
            return scalar.text
        }
        var checker = KeyChecker()
        checker.check(expanded, KnownKeys.root, path: "")
        let (settings, decodeWarnings) = try SettingsDecoder.decode(expanded, paths: paths)
        return LoadedConfig(
            settings: settings, warnings: checker.warnings + decodeWarnings, files: files, tree: expanded)
    }
}
