// Logging set-up from `logging.*` and the -e/-d/-v flags (see AgentLogging for where lines go).

import AgentLogging
import Config
import Foundation
import Logging
import Synchronization

private let bootstrapped = Mutex<Bool>(false)

enum LogSetup {
    /// Bootstraps swift-log once and returns a logger named `label`.
    ///
    /// Levels follow `logging.level` (debug when -d is given). With `-e`/`logging.to_stderr`, every line goes
    /// to standard error and none to files. Otherwise, when `files` is set (the run command) and
    /// `logging.to_files` is on, lines go to rotated ECS JSON files in `logging.files.path`, and warnings and
    /// errors also to standard error, so problems are never silent. `secrets` are redacted from every line.
    static func makeLogger(_ logging: LoggingSettings, label: String, files: Bool = false, secrets: [String] = [])
        -> Logger
    {
        let level: Logger.Level
        switch logging.level {
        case .debug: level = .debug
        case .info: level = .info
        case .warning: level = .warning
        case .error: level = .error
        }
        var file: RotatingLogFile? = nil
        if files && logging.toFiles && !logging.toStderr {
            let f = logging.files
            do {
                file = try RotatingLogFile(
                    .init(
                        directory: f.path, name: f.name, rotateEveryBytes: f.rotateEveryBytes, keepFiles: f.keepFiles,
                        permissions: f.permissions, rotateOnStartup: f.rotateOnStartup))
            } catch {
                FileHandle.standardError.write(
                    Data("wirebeat: logging.to_files: \(error); logging to standard error only\n".utf8))
            }
        }
        let destinations = LogDestinations(
            file: file, stderrLevel: logging.toStderr ? level : max(level, .warning),
            stderrJSON: logging.json ?? false, selectors: Set(logging.selectors.isEmpty ? ["*"] : logging.selectors),
            secrets: secrets)
        bootstrapped.withLock { done in
            if !done {
                LoggingSystem.bootstrap { name in AgentLogHandler(label: name, level: level, destinations: destinations)
                }
                done = true
            }
        }
        return Logger(label: label)
    }
}
