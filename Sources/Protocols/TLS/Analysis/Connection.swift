// One TLS connection: the record layer over both directions' reassembled bytes, handshake messages
// reassembled across records, and the decision of when the connection has said all it will say.
//
// RFC 8446 §5 (records) and §4 (handshake), RFC 5246 §6.2 and §7.4, RFC 5246 appendix E.2 (SSLv2-compatible
// hello). Parsing of a direction stops once it is encrypted: after its ChangeCipherSpec up to TLS 1.2,
// after the ServerHello for a TLS 1.3 server, at the first application-data record for a TLS 1.3 client;
// from then on bytes cost nothing but counting. The event is ready when both directions are encrypted, or
// when parsing ends early (a gap, a violation, the connection closing, the transaction timeout).

import DissectorKit
import Events
import NetModel
import TLSWire

/// The analysis state of one TLS connection.
public struct TLSConnection {
    /// Per-direction record and handshake reassembly.
    struct Direction {
        var records = StreamBuffer(limit: TLSAnalysisLimits.recordBuffer)
        /// Handshake bytes spanning records (a message longer than its record, or split across records).
        var handshake: [UInt8] = []
        /// Encrypted from here on: only counted.
        var encrypted = false
        /// Parsing stopped for good (gap, violation, end of stream).
        var stopped = false
        /// The direction sent a ChangeCipherSpec.
        var changedCipherSpec = false
        /// Bytes seen in this direction.
        var bytes = 0
        /// Whole records parsed.
        var records_ = 0

        var done: Bool { encrypted || stopped }
    }

    var client = Direction()
    var server = Direction()
    /// Client and server; swapped when the ClientHello comes from the side the TCP tracker took for the
    /// server (a capture that missed the SYN, say).
    var endpoints: (client: Endpoint, server: Endpoint)
    var flipped = false
    var facts = HandshakeFacts()
    /// An HTTP CONNECT prologue before the TLS bytes, when there is one.
    var tunnel = TunnelPrologue()
    var history = HandshakeHistory()
    var anomalies = AnomalyList()
    let settings: TLSSettings
    let ipProtocol: UInt8
    var firstSeen: Timestamp
    var lastSeen: Timestamp
    /// Capture time of the first and last handshake record, for `event.duration`.
    var handshakeStart: Timestamp? = nil
    var handshakeEnd: Timestamp = .zero
    var published = false
    var ready = false

    /// A connection between `client` and `server` (as the TCP tracker believes), first seen at `firstSeen`.
    public init(
        client: Endpoint, server: Endpoint, firstSeen: Timestamp, settings: TLSSettings, ipProtocol: UInt8 = 6
    ) {
        endpoints = (client, server)
        self.settings = settings
        self.ipProtocol = ipProtocol
        self.firstSeen = firstSeen
        lastSeen = firstSeen
    }

    /// True once the event has been taken; the caller can stop delivering bytes.
    public var isDone: Bool { published }

    /// True when no report can come any more: one was taken, or both directions stopped parsing without a
    /// handshake (not TLS, or picked up after it), so `finish` would return nil.
    public var hasNothingMoreToReport: Bool {
        published || (client.done && server.done && !facts.sawHandshake)
    }

    /// Whether `bytes`, the first bytes of a connection on an unclaimed port, start a TLS client hello.
    public static func probe(_ bytes: UnsafeRawBufferPointer) -> Bool {
        switch RecordHeader.probe(bytes) {
        case .clientHello, .sslv2ClientHello: return true
        default: return false
        }
    }

    /// Offers the next bytes of one direction (`fromClient` as the TCP tracker sees it). Returns false when
    /// the connection needs no more bytes from either direction.
    public mutating func receive(
        _ bytes: UnsafeRawBufferPointer, fromClient trackerClient: Bool, at time: Timestamp
    ) -> Bool {
        guard !published else { return false }
        lastSeen = max(lastSeen, time)
        let fromServerSide = trackerClient == flipped
        if fromServerSide, server.bytes == 0, client.bytes == 0, !facts.sawClientHello, TLSConnection.probe(bytes) {
            // The side taken for the server sent a ClientHello first: it is the client.
            swap(&endpoints.client, &endpoints.server)
            flipped = true
            history.flipped()
        }
        let fromClient = trackerClient != flipped
        var payload = bytes
        if !facts.sawHandshake {
            guard let rest = skipTunnelPrologue(bytes, fromClient: fromClient) else { return tunnel.client != .refused && tunnel.server != .refused }
            payload = rest
        }
        withDirection(fromClient: fromClient) { me, d, fromClient in
            me.consume(payload, direction: &d, fromClient: fromClient, at: time)
        }
        evaluate(at: time)
        return !ready
    }

    /// Passes over an HTTP CONNECT request and the proxy's answer; returns the tunnelled bytes that follow
    /// them in `bytes` (possibly none), or nil while the headers are incomplete or the tunnel was refused.
    mutating func skipTunnelPrologue(_ bytes: UnsafeRawBufferPointer, fromClient: Bool) -> UnsafeRawBufferPointer? {
        if fromClient, client.bytes == 0, tunnel.client == .none, tunnel.server == .none,
            TunnelPrologue.isConnectRequest(bytes)
        {
            tunnel.client = .headers(seen: [])
            tunnel.server = .headers(seen: [])
        }
        let phase = fromClient ? tunnel.client : tunnel.server
        switch phase {
        case .none:
            return bytes
        case .refused:
            return nil
        case .headers:
            var p = phase
            let used = TunnelPrologue.consume(bytes, phase: &p, isResponse: !fromClient)
            if fromClient { tunnel.client = p } else { tunnel.server = p }
            if fromClient { client.bytes &+= used ?? bytes.count } else { server.bytes &+= used ?? bytes.count }
            guard let used, p == .none else { return nil }
            return UnsafeRawBufferPointer(rebasing: bytes[used...])
        }
    }

    /// A hole of `count` bytes in one direction: record framing is lost, so parsing of that direction ends.
    public mutating func gap(_ count: Int, fromClient trackerClient: Bool, at time: Timestamp) -> Bool {
        guard !published else { return false }
        lastSeen = max(lastSeen, time)
        withDirection(fromClient: trackerClient != flipped) { me, d, _ in
            d.bytes &+= count
            if !d.done { me.stop(&d, anomaly: "tls.stream.gap") }
        }
        evaluate(at: time)
        return !ready
    }

    /// One direction ended (FIN, or the stream was cut).
    public mutating func end(fromClient trackerClient: Bool, at time: Timestamp) {
        lastSeen = max(lastSeen, time)
        withDirection(fromClient: trackerClient != flipped) { _, d, _ in d.stopped = true }
        evaluate(at: time)
    }

    /// The report when it is ready (both directions encrypted, or parsing ended early); taken once.
    public mutating func takeReport() -> TLSReport? {
        guard ready, !published else { return nil }
        published = true
        let start = handshakeStart ?? firstSeen
        return TLSReport(
            facts: facts, client: endpoints.client, server: endpoints.server, ipProtocol: ipProtocol,
            clientEncrypted: client.encrypted, serverEncrypted: server.encrypted, start: start,
            end: max(handshakeEnd, start), history: history.text, anomalies: anomalies.names, settings: settings)
    }

    /// The report with whatever is known, for a connection that closes, times out or outlives the capture;
    /// nil when it never showed a TLS handshake or its report was already taken.
    public mutating func finish(at time: Timestamp) -> TLSReport? {
        guard !published, facts.sawHandshake else { return nil }
        lastSeen = max(lastSeen, time)
        ready = true
        return takeReport()
    }

    /// `takeReport()` mapped to its event (for callers without a publish thread).
    public mutating func takeEvent() -> Event? { takeReport()?.event() }

    /// Lends one direction's state to `body` with the rest of the connection, without copying either.
    mutating func withDirection(
        fromClient: Bool, _ body: (inout TLSConnection, inout Direction, Bool) -> Void
    ) {
        var d = Direction()
        if fromClient { swap(&d, &client) } else { swap(&d, &server) }
        body(&self, &d, fromClient)
        if fromClient { swap(&d, &client) } else { swap(&d, &server) }
    }

    // MARK: - Record layer

    mutating func consume(_ bytes: UnsafeRawBufferPointer, direction d: inout Direction, fromClient: Bool, at time: Timestamp) {
        d.bytes &+= bytes.count
        guard !d.done else { return }
        var buffer = StreamBuffer(limit: 0)
        swap(&buffer, &d.records)
        let failure = buffer.feed(bytes, overflow: "tls.record.too_long") { view in
            parseRecord(view, direction: &d, fromClient: fromClient, at: time)
        }
        swap(&buffer, &d.records)
        if let failure { stop(&d, anomaly: failure) }
        if d.done { d.records.reset() }
    }

    /// One record (or the start of one) at the front of `view`.
    mutating func parseRecord(
        _ view: UnsafeRawBufferPointer, direction d: inout Direction, fromClient: Bool, at time: Timestamp
    ) -> FeedResult {
        if d.done { return .consumed(view.count) }
        guard let first = view.first else { return .needMore(1) }
        if first & 0x80 != 0, fromClient, !facts.sawClientHello {
            return parseSSLv2Hello(view, direction: &d, at: time)
        }
        let header: RecordHeader
        do {
            header = try RecordHeader.parse(view, protection: .tls12Ciphertext)
        } catch {
            if error.code == .truncated { return .needMore(5) }
            return .failed(Anomaly(TLSWireAnomaly(error, otherwise: .recordBadVersion).name))
        }
        guard view.count >= header.totalLength else { return .needMore(header.totalLength) }
        d.records_ &+= 1
        let body = UnsafeRawBufferPointer(rebasing: view[5..<header.totalLength])
        handleRecord(header, body: body, direction: &d, fromClient: fromClient, at: time)
        return .consumed(header.totalLength)
    }

    mutating func stop(_ d: inout Direction, anomaly: Anomaly) {
        guard !d.stopped else { return }
        d.stopped = true
        d.records.reset()
        d.handshake = []
        anomalies.record(anomaly)
    }

    /// Decides whether the event is ready: both directions encrypted or stopped, or the handshake outlived
    /// the transaction timeout.
    mutating func evaluate(at time: Timestamp) {
        guard !ready, facts.sawHandshake else { return }
        if client.done && server.done {
            ready = true
        } else if let start = handshakeStart, time - start > settings.transactionTimeout {
            anomalies.record("tls.handshake.timeout")
            ready = true
        }
    }
}

/// Limits of the analysis layer (the grammar's own limits live in TLSWire's `TLSLimits`).
public enum TLSAnalysisLimits {
    /// The longest record accepted: TLSCiphertext may carry 2^14 + 2048 bytes (RFC 5246 §6.2.3), more than
    /// TLS 1.3's 2^14 + 256 (RFC 8446 §5.2).
    public static let maximumRecordLength = 16384 + 2048
    /// Bytes held for one unfinished record: a whole record and its header.
    public static let recordBuffer = maximumRecordLength + 5
    /// Handshake bytes held across records: a certificate chain is the largest message in practice; 256 KiB
    /// covers chains of ten large certificates.
    public static let handshakeBuffer = 256 * 1024
}
