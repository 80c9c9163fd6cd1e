// Format strings in the configuration (Kafka `topic`, `topics[].topic`, `key`, `codec.format.string`) are
// parsed at load time with the one grammar wirebeat has (`Events.FormatString`), so a typo fails with the
// key's location instead of silently dropping every event later.

import Events

extension Cursor {
    /// A format string; errors point at the value.
    func formatString() throws(ConfigError) -> FormatString? {
        guard let text = try string() else { return nil }
        do {
            return try FormatString(text)
        } catch {
            throw self.error(error.message)
        }
    }
}
