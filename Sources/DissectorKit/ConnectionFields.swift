// The fields every Packetbeat protocol event carries about its connection (reference
// packetbeat-tls-events.md, "Common keys on every TLS event"): `type`, `event.*`, `network.*`, the four
// endpoint objects, `related.ip`, `status`, and the Community ID.

import Events
import FlowHash
import NetModel

/// Who talked to whom, and when, for one protocol event.
public struct ConnectionSummary: Sendable, Equatable {
    /// The endpoint that started the exchange (sent the first request or the client hello).
    public var client: Endpoint
    /// The other endpoint.
    public var server: Endpoint
    /// The IP protocol number (6 for TCP).
    public var ipProtocol: UInt8
    /// Capture time of the first and the last packet the event covers.
    public var start: Timestamp
    public var end: Timestamp

    public init(client: Endpoint, server: Endpoint, ipProtocol: UInt8, start: Timestamp, end: Timestamp) {
        self.client = client
        self.server = server
        self.ipProtocol = ipProtocol
        self.start = start
        self.end = end
    }
}

/// Builds the shared part of protocol events.
public enum ConnectionFields {
    static let communityID = CommunityID()
    static let category = FieldValue.strings(["network"])
    static let eventTypes = FieldValue.strings(["connection", "protocol"])

    /// The connection fields of an event of `protocolName` (`tls`), with `status` (`OK`/`Error`) and, when
    /// known, the server's domain name (`server.domain` and `destination.domain`).
    public static func make(_ c: ConnectionSummary, protocolName: String, status: String, domain: String?) -> Fields {
        // Room for what the pipeline and processors add (agent, host, tags, ...): growing reallocates.
        var fields = Fields(capacity: 18)
        fields.append("type", .string(protocolName))
        var event = Fields(capacity: 7)
        event.append("kind", .string("event"))
        event.append("category", category)
        event.append("type", eventTypes)
        event.append("dataset", .string(protocolName))
        event.append("start", .timestamp(c.start))
        event.append("end", .timestamp(c.end))
        event.append("duration", .int((c.end - c.start).nanoseconds))
        fields.append("event", .object(consume event))
        fields.append("status", .string(status))

        var network = Fields(capacity: 6)
        network.append("type", .string(c.client.ip.isV4 ? "ipv4" : "ipv6"))
        network.append("transport", .string(IPProtocolNumber.transportName(c.ipProtocol)))
        network.append("protocol", .string(protocolName))
        network.append(
            "community_id",
            .string(
                communityID.hash(
                    src: c.client.ip, srcPort: c.client.port, dst: c.server.ip, dstPort: c.server.port,
                    ipProtocol: c.ipProtocol)))
        fields.append("network", .object(consume network))

        let clientIP = FieldValue.string(c.client.ip.description), serverIP = FieldValue.string(c.server.ip.description)
        func endpoint(_ ip: FieldValue, _ port: UInt16, domain: String?) -> FieldValue {
            var f = Fields(capacity: 3)
            f.append("ip", ip)
            f.append("port", .uint(UInt64(port)))
            if let domain { f.append("domain", .string(domain)) }
            return .object(f)
        }
        fields.append("client", endpoint(clientIP, c.client.port, domain: nil))
        fields.append("server", endpoint(serverIP, c.server.port, domain: domain))
        fields.append("source", endpoint(clientIP, c.client.port, domain: nil))
        fields.append("destination", endpoint(serverIP, c.server.port, domain: domain))
        fields.append("related", .object(["ip": c.client.ip == c.server.ip ? .array([clientIP]) : .array([clientIP, serverIP])]))
        return fields
    }
}
