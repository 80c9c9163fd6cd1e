// Processors that derive network facts (reference/libbeat.md §4.5): community_id, add_network_direction and
// dns. This file reads their options; the processors themselves live in Library/Network/.

import Config
import Events
import FlowHash

extension ProcessorFactory {
    /// Processors that derive network facts.
    static let networkProcessors: [String: ProcessorBuilder] = [
        "community_id": ProcessorBuilder(options: ["fields", "target", "seed"]) { o throws(ConfigError) in
            var fields = CommunityIDFields()
            if let overrides = try o.nested("fields", allowed: CommunityIDFields.options) {
                for option in CommunityIDFields.options {
                    if let path = try overrides.string(option) { fields.set(option, path) }
                }
            }
            let seed = try o.int("seed", in: 0...Int64(UInt16.max)) ?? 0
            return CommunityIDProcessor(
                fields: fields, target: EventPath(try o.nonEmptyString("target") ?? "network.community_id"),
                hasher: CommunityID(seed: UInt16(seed)))
        },
        "add_network_direction": ProcessorBuilder(options: ["source", "destination", "target", "internal_networks"]) {
            o throws(ConfigError) in
            var ranges: [NetworkRange] = []
            for (i, text) in try o.requiredStringList("internal_networks").enumerated() {
                guard let range = NetworkRange(text) else {
                    let names = NamedNetwork.allCases.map(\.rawValue).joined(separator: ", ")
                    throw o.error(
                        "internal_networks.\(i)",
                        "invalid network \"\(text)\" (expected a CIDR block such as 10.0.0.0/8 or one of: \(names))")
                }
                ranges.append(range)
            }
            return AddNetworkDirection(
                source: EventPath(try o.requiredString("source")),
                destination: EventPath(try o.requiredString("destination")),
                target: EventPath(try o.requiredString("target")), internalNetworks: ranges)
        },
        "dns": ProcessorBuilder(options: DNSProcessor.options) { o throws(ConfigError) in try DNSProcessor.build(o) },
    ]
}
