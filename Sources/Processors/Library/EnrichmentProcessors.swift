// Processors that add facts about the event's names, the machine and the processes (reference/libbeat.md
// §4.5): registered_domain, add_locale, add_host_metadata, add_observer_metadata, add_process_metadata. Each
// lives in Library/Enrichment/ with its options; this table names them for the factory.

import Config
import Events

extension ProcessorFactory {
    /// Processors that add facts about the host and the event.
    static let enrichmentProcessors: [String: ProcessorBuilder] = [
        "registered_domain": ProcessorBuilder(options: RegisteredDomain.options, build: RegisteredDomain.build),
        "add_locale": ProcessorBuilder(options: AddLocale.options, build: AddLocale.build),
        "add_host_metadata": ProcessorBuilder(options: AddHostMetadata.options, build: AddHostMetadata.build),
        "add_observer_metadata": ProcessorBuilder(
            options: AddObserverMetadata.options, build: AddObserverMetadata.build),
        "add_process_metadata": ProcessorBuilder(
            options: AddProcessMetadata.options, build: AddProcessMetadata.build),
    ]
}
