// `add_network_direction` (reference/libbeat.md §4.5): the perimeter direction of a flow from whether its
// source and destination addresses fall in `internal_networks` (CIDR blocks or the named ranges of §4.3):
// both inside is `internal`, only the source `outbound`, only the destination `inbound`, neither `external`.
// As in Beats, an event whose source or destination is missing, not a string, empty or not an address is
// left as it is, silently.
//
// Deliberate difference: libbeat checks `internal_networks` entries only when an event arrives (each event
// then fails with the same error); here a bad entry is a configuration error at load.

import Config
import Events
import NetModel

/// `add_network_direction`: writes `inbound`, `outbound`, `internal` or `external` to `target`.
struct AddNetworkDirection: Processor {
    let source: EventPath
    let destination: EventPath
    let target: EventPath
    let internalNetworks: [NetworkRange]
    var name: String { "add_network_direction" }

    func process(_ event: inout Event) -> ProcessorOutcome {
        guard let from = address(at: source, in: event), let to = address(at: destination, in: event) else {
            return .keep
        }
        event.put(target, .string(AddNetworkDirection.direction(from: isInternal(from), to: isInternal(to))))
        return .keep
    }

    /// The direction name for a flow whose ends are internal or not.
    static func direction(from sourceInternal: Bool, to destinationInternal: Bool) -> String {
        switch (sourceInternal, destinationInternal) {
        case (true, true): return "internal"
        case (true, false): return "outbound"
        case (false, true): return "inbound"
        case (false, false): return "external"
        }
    }

    private func isInternal(_ address: IPAddress) -> Bool {
        internalNetworks.contains { $0.contains(address) }
    }

    private func address(at path: EventPath, in event: Event) -> IPAddress? {
        guard case .string(let text)? = event.value(at: path), !text.isEmpty else { return nil }
        return NetworkValues.address(text)
    }
}
