// Helpers for the configuration tests: loading YAML under a fixed name and working directory, and
// comparing an error with its expected file, line, column, key path and message.

import Config
import Testing

/// The name every in-memory test configuration is loaded as.
let testFile = "t.yml"

/// The working directory the tests load with, so path defaults are predictable.
let testHome = "/srv/wirebeat"

/// A console output appended to cases that do not configure an output, after their own lines so their
/// line numbers stay as written.
let consoleOutput = "\noutput.console.enabled: true\n"

/// Loads `yaml` as `t.yml` from `/srv/wirebeat`, adding a console output when the YAML has none.
func load(
    _ yaml: String, overrides: [String] = [], environment: [String: String] = [:],
    pathOverrides: [String: String] = [:]
) throws(ConfigError) -> LoadedConfig {
    let hasOutput = yaml.contains("output") || overrides.contains { $0.hasPrefix("output") }
    let text = hasOutput ? yaml : yaml + consoleOutput
    return try ConfigLoader.load(
        yaml: text, name: testFile, overrides: overrides, environment: environment, pathOverrides: pathOverrides,
        workingDirectory: testHome)
}

/// The error loading `yaml` throws, or nil (recorded as a test failure) when it loads.
func loadError(
    _ yaml: String, overrides: [String] = [], environment: [String: String] = [:],
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> ConfigError? {
    do {
        let loaded = try load(yaml, overrides: overrides, environment: environment)
        Issue.record(
            "expected an error, but the configuration loaded: \(loaded.settings)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// Loads a configuration that must be valid; a failure is recorded with the error text.
func loadValid(
    _ yaml: String, overrides: [String] = [], environment: [String: String] = [:],
    pathOverrides: [String: String] = [:], sourceLocation: Testing.SourceLocation = #_sourceLocation
) throws -> LoadedConfig {
    do {
        return try load(yaml, overrides: overrides, environment: environment, pathOverrides: pathOverrides)
    } catch {
        Issue.record("unexpected error: \(error)", sourceLocation: sourceLocation)
        throw error
    }
}
