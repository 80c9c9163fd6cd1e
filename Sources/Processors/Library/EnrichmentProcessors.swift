import Config
import Events

extension ProcessorFactory {
    /// Processors that add facts about the host and the event.
    static let enrichmentProcessors: [String: ProcessorBuilder] = [:]
}
