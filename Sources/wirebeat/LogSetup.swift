// Logging set-up from `logging.*` and the -e/-d/-v flags.

import Config
import Logging
import Synchronization

private let bootstrapped = Mutex<Bool>(false)

enum LogSetup {
    /// Bootstraps swift-log once and returns a logger named `label`.
    ///
    /// Levels follow `logging.level` (debug when -d is given). Lines go to standard error: all of them with
    /// `-e`/`logging.to_stderr`, otherwise warnings and errors only, so problems are never silent. File logging
    /// (`logging.to_files`) is not wired yet; see docs/CONFIG.md.
    static func makeLogger(_ logging: LoggingSettings, label: String) -> Logger {
        let level: Logger.Level
        switch logging.level {
        case .debug: level = .debug
        case .info: level = .info
        case .warning: level = .warning
        case .error: level = .error
        }
        let effective: Logger.Level = logging.toStderr ? level : max(level, .warning)
        let json = logging.json ?? false
        bootstrapped.withLock { done in
            if !done {
                LoggingSystem.bootstrap { name in StderrLogHandler(label: name, level: effective, json: json) }
                done = true
            }
        }
        return Logger(label: label)
    }
}
