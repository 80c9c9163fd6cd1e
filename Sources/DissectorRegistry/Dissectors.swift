// The one list of stream protocols: which connections get which dissector, by port or by content, and
// the per-connection `Session` enum with a case per dissector (so dispatch is a switch, not an existential).
// Implements `TCPStreamHandler`: the TCP tracker calls it with reassembled chunks; finished events are
// queued here and drained by the packet path after each packet.

import DissectorKit
import Events
import NetModel
import TCPStreams
import TLSAnalysis

/// Which protocols run, on which ports, and where their events go.
public struct DissectorSettings: Sendable, Equatable {
    /// TLS options, or nil when TLS is not enabled.
    public var tls: TLSSettings?
    /// Ports claimed by TLS (either endpoint's port matches, as in Packetbeat).
    public var tlsPorts: [UInt16]
    /// The index of TLS events in the publisher's clients.
    public var tlsClient: UInt8

    public init(tls: TLSSettings?, tlsPorts: [UInt16], tlsClient: UInt8) {
        self.tls = tls
        self.tlsPorts = tlsPorts
        self.tlsClient = tlsClient
    }

    /// True when some stream protocol is enabled (otherwise TCP need not be tracked at all).
    public var anyEnabled: Bool { tls != nil }
}

/// A finished protocol exchange, to be mapped to its event on the publish thread.
public enum ProtocolReport: Sendable {
    case tls(TLSReport)

    /// The event; `cache` keeps what repeats across the events of one thread (certificates, fingerprints).
    public func event(cache: TLSEventCache) -> Event {
        switch self {
        case .tls(let r): return r.event(cache: cache)
        }
    }

    /// True when the protocol's events never hold a null (the pipeline's null removal then skips them).
    public var eventHoldsNoNulls: Bool {
        switch self {
        case .tls: return TLSReport.eventsHoldNoNulls
        }
    }
}

/// A report with the index of the client (protocol) whose processing applies to its event.
public struct PendingReport: Sendable {
    public var client: UInt8
    public var report: ProtocolReport

    public init(client: UInt8, report: ProtocolReport) {
        self.client = client
        self.report = report
    }
}

/// A dissector's connection state, held by reference: the tracker keeps a `Session` per connection, and a
/// struct payload would be copied out of the enum and back for every chunk (measured: a memmove and a
/// retain/release of every field per packet).
public final class SessionBox<Connection> {
    public var connection: Connection

    init(_ connection: Connection) { self.connection = connection }
}

/// The state of one tracked connection.
public enum Session {
    /// A TLS connection.
    case tls(SessionBox<TLSConnection>)
    /// Not decided yet (detection on unclaimed ports): waiting for a ClientHello at the start of a chunk, with
    /// the bytes seen so far in which none began.
    case probing(client: Endpoint, server: Endpoint, firstSeen: Timestamp, watched: Int)
    /// Decided: nothing to dissect.
    case ignored
}

/// Counters of the registry.
public struct DissectorCounters: Sendable, Equatable {
    /// Connections handed to a dissector because of their port.
    public var byPort = 0
    /// Connections whose first bytes were probed.
    public var probed = 0
    /// Probed connections recognised as TLS.
    public var detected = 0
    /// Of those, connections that began in plain text and upgraded (STARTTLS and the like).
    public var upgraded = 0
    /// Events produced.
    public var events = 0

    public init() {}
}

/// Routes connections to dissectors and collects their events.
public struct Dissectors: TCPStreamHandler {
    public typealias State = Session

    let settings: DissectorSettings
    /// Protocol per port: 0 none, 1 TLS (a flat table: one load per new connection).
    private var ports: [UInt8]
    /// Reports ready to publish, with their client index; drained by the packet path.
    public var pending: [PendingReport] = []
    public private(set) var counters = DissectorCounters()

    /// Plain-text bytes (both directions together) a probed connection may carry before its ClientHello: room
    /// for the greetings, capability lists and upgrade commands of the STARTTLS protocols (an XMPP server's
    /// features or an SMTP server's EHLO answer run to a few kilobytes), little enough that other traffic is
    /// dropped early.
    public static let prologueLimit = 16 * 1024

    static let none: UInt8 = 0
    static let tls: UInt8 = 1

    public init(settings: DissectorSettings) {
        self.settings = settings
        ports = [UInt8](repeating: Dissectors.none, count: 65536)
        if settings.tls != nil {
            for p in settings.tlsPorts { ports[Int(p)] = Dissectors.tls }
        }
    }

    /// Hands the queued reports to `body`, in order, and forgets them (keeping the queue's storage, so the
    /// call after every packet allocates nothing).
    public mutating func drain(_ body: (PendingReport) -> Void) {
        guard !pending.isEmpty else { return }
        for report in pending { body(report) }
        pending.removeAll(keepingCapacity: true)
    }

    public mutating func open(connection: ConnectionInfo) -> Session? {
        guard let tls = settings.tls else { return nil }
        if ports[Int(connection.server.port)] == Dissectors.tls || ports[Int(connection.client.port)] == Dissectors.tls {
            counters.byPort += 1
            return .tls(
                SessionBox(
                    TLSConnection(
                        client: connection.client, server: connection.server, firstSeen: connection.firstSeen, settings: tls)))
        }
        if tls.detectAllPorts {
            counters.probed += 1
            return .probing(client: connection.client, server: connection.server, firstSeen: connection.firstSeen, watched: 0)
        }
        return nil
    }

    public mutating func receive(
        _ chunk: StreamChunk, from direction: StreamDirection, at timestamp: Timestamp, state: inout Session
    ) -> StreamInterest {
        switch state {
        case .ignored:
            return .done
        case .probing(let client, let server, let firstSeen, let watched):
            // A chunk that starts with a ClientHello (or an SSLv2 hello), from whichever side, makes the
            // connection TLS from there on. Before it, a plain-text prologue is passed over: the connection
            // may upgrade in band (STARTTLS in SMTP, IMAP, POP3, XMPP, FTP's AUTH TLS, LDAP's StartTLS,
            // PostgreSQL's SSLRequest), and the ClientHello then starts the client's first segment after the
            // server's go-ahead. Connections that say more than `prologueLimit` without one are left alone.
            guard case .data(let bytes) = chunk, let tls = settings.tls else {
                state = .ignored
                return .done
            }
            guard TLSConnection.probe(bytes) else {
                if watched + bytes.count > Dissectors.prologueLimit {
                    state = .ignored
                    return .done
                }
                state = .probing(client: client, server: server, firstSeen: firstSeen, watched: watched + bytes.count)
                return .more
            }
            counters.detected += 1
            if watched > 0 { counters.upgraded += 1 }
            state = .tls(SessionBox(TLSConnection(client: client, server: server, firstSeen: firstSeen, settings: tls)))
            return receive(chunk, from: direction, at: timestamp, state: &state)
        case .tls(let box):
            let fromClient = direction == .clientToServer
            var wantsMore: Bool
            switch chunk {
            case .data(let bytes): wantsMore = box.connection.receive(bytes, fromClient: fromClient, at: timestamp)
            case .gap(let n): wantsMore = box.connection.gap(n, fromClient: fromClient, at: timestamp)
            case .end:
                box.connection.end(fromClient: fromClient, at: timestamp)
                wantsMore = !box.connection.isDone
            }
            if let report = box.connection.takeReport() {
                publish(.tls(report), client: settings.tlsClient)
                wantsMore = false
            }
            // A connection that has reported, or never can, needs no state until its close: dropping it now
            // frees its buffers while the TCP connection lives on (bulk transfers, idle keep-alives).
            if box.connection.hasNothingMoreToReport {
                state = .ignored
                return .done
            }
            return wantsMore ? .more : .done
        }
    }

    public mutating func close(state: inout Session, reason: StreamEndReason, at timestamp: Timestamp) {
        guard case .tls(let box) = state else { return }
        state = .ignored
        if let report = box.connection.finish(at: timestamp) { publish(.tls(report), client: settings.tlsClient) }
    }

    mutating func publish(_ report: ProtocolReport, client: UInt8) {
        pending.append(PendingReport(client: client, report: report))
        counters.events += 1
    }
}
