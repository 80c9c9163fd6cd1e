import Config
import Events

extension ProcessorFactory {
    /// Processors that change field values.
    static let valueProcessors: [String: ProcessorBuilder] = [:]
}
