import Config
import Events

extension ProcessorFactory {
    /// Processors that derive network facts.
    static let networkProcessors: [String: ProcessorBuilder] = [:]
}
