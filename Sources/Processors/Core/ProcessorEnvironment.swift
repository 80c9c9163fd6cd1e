// What processors may read from the machine, gathered in one place so tests can point it elsewhere.

import Foundation

/// Resources processors use at load and at run time.
public struct ProcessorEnvironment: Sendable {
    /// The public suffix list (`registered_domain`), as Debian's `publicsuffix` package installs it.
    public var publicSuffixListPath = "/usr/share/publicsuffix/public_suffix_list.dat"
    /// Prefix for files read from the host (`/etc/os-release`, `/etc/machine-id`, `/proc/...`): empty for the
    /// real host, a directory for tests.
    public var fileSystemRoot = ""
    /// The time zone `add_locale` reports.
    public var timeZone = TimeZone.current
    /// The host name `add_host_metadata` and `add_observer_metadata` report.
    public var hostname: String = ProcessInfo.processInfo.hostName

    /// The real host's resources.
    public init() {}
}
