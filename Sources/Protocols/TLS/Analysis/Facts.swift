// What the handshake revealed, message by message, and the derived facts the event reports: negotiated
// version, resumption and its method, the key exchange group.
//
// Resumption (RFC 5246 §7.3, RFC 5077 §3.1, RFC 8446 §2.2): up to TLS 1.2 a resumed session is an
// abbreviated handshake — the server changes cipher spec without sending a certificate or ServerHelloDone.
// It was resumed by ticket when the client offered a non-empty session ticket, else by session id. In TLS
// 1.3 only a server `pre_shared_key` means resumption ("psk"). Packetbeat instead reports any echoed
// session id as resumption by id, which misreads TLS 1.3's middlebox-compatibility echo (reference:
// "Known Packetbeat defects"); we do not copy that.

import DissectorKit
import NetModel
import TLSWire

/// One alert record: decoded when sent in the clear, nil when encrypted.
struct AlertRecord: Sendable {
    var alert: Alert?
    var fromClient: Bool
}

/// Everything the handshake showed.
struct HandshakeFacts: Sendable {
    var clientHello: ClientHello? = nil
    var sslv2Hello: SSLv2ClientHello? = nil
    var serverHello: ServerHello? = nil {
        // What later messages are parsed against, worked out once: the suite's key exchange comes from its
        // registry name, and the selected version from the extensions.
        didSet {
            context = serverHello.map {
                HandshakeContext(version: $0.selectedVersion, keyExchange: $0.cipherSuite.keyExchange)
            } ?? HandshakeContext()
        }
    }
    /// The negotiated version and key exchange, for parsing the messages after the ServerHello.
    private(set) var context = HandshakeContext()
    var helloRetryRequest: ServerHello? = nil
    /// Whether the ClientHello answering the HelloRetryRequest was seen.
    var sawSecondClientHello = false
    var serverCertificates: [[UInt8]] = []
    var clientCertificates: [[UInt8]] = []
    var clientCertificateRequested = false
    var serverSentCertificate = false
    var serverHelloDone = false
    var clientKeyExchange = false
    var keyExchangeGroup: NamedGroup? = nil
    var newSessionTicket = false
    var certificateStatus: CertificateStatus? = nil
    var clientChangedCipherSpec = false
    var serverChangedCipherSpec = false
    var alerts: [AlertRecord] = []
    /// A handshake message (or an SSLv2 hello) was seen: this connection speaks TLS.
    var sawHandshake = false

    /// Read in place: `clientHello != nil` copied the whole optional hello (its arrays retained and released)
    /// to compare it, on every chunk of every connection.
    var sawClientHello: Bool {
        if case .none = clientHello, case .none = sslv2Hello { return false }
        return true
    }

    /// The version the server chose (supported_versions in TLS 1.3), once it did.
    var negotiatedVersion: ProtocolVersion? { context.version }

    var isTLS13: Bool { negotiatedVersion?.isTLS13 ?? false }

    /// Whether a ChangeCipherSpec means "encrypted from here". Only up to TLS 1.2: in TLS 1.3 it is a
    /// middlebox-compatibility no-op (RFC 8446 §D.4), and it may come before the version is known (after a
    /// HelloRetryRequest, or from a client that offered 1.3 before the server answered).
    var changeCipherSpecEncrypts: Bool {
        if let v = negotiatedVersion { return !v.isTLS13 }
        if helloRetryRequest != nil { return false }
        return !(clientHello?.extensions.supportedVersions.contains { $0.isTLS13 } ?? false)
    }

    /// How the session was resumed, or nil for a full handshake.
    var resumptionMethod: String? {
        guard let server = serverHello else { return nil }
        if isTLS13 { return server.extensions[.preSharedKey] != nil ? "psk" : nil }
        let abbreviated = serverChangedCipherSpec && !serverSentCertificate && !serverHelloDone && !clientKeyExchange
        let offeredTicket: Bool = {
            if case .sessionTicket(let length)? = clientHello?.extensions[.sessionTicket]?.value { return length > 0 }
            return false
        }()
        let clientID = clientHello?.sessionID ?? []
        let idEchoed = !clientID.isEmpty && clientID == server.sessionID
        if abbreviated { return offeredTicket ? "ticket" : "id" }
        // Without the server's ChangeCipherSpec (capture cut short), an echoed session id is the only sign.
        if !serverChangedCipherSpec && !serverSentCertificate && idEchoed { return "id" }
        return nil
    }
}

extension TLSConnection {
    /// Parses one whole handshake message and records what it says.
    mutating func dispatch(
        _ message: UnsafeRawBufferPointer, direction d: inout Direction, fromClient: Bool, at time: Timestamp
    ) {
        let parsed: HandshakeMessage
        do {
            parsed = try HandshakeMessage.parse(
                message, context: facts.context, maxLength: TLSAnalysisLimits.handshakeBuffer)
        } catch {
            let type = message.first.map { HandshakeType($0) }
            history.append(HandshakeHistory.letter(handshakeType: type?.rawValue ?? 255), fromClient: fromClient)
            anomalies.record(Anomaly(TLSWireAnomaly(error, otherwise: .handshakeBadLength).name))
            if type == .clientHello || type == .serverHello { stop(&d, anomaly: "tls.hello.unparsable") }
            return
        }
        facts.sawHandshake = true
        for a in parsed.anomalies { anomalies.record(Anomaly(a.name)) }
        switch parsed {
        case .clientHello(let hello):
            history.append("C", fromClient: fromClient)
            if facts.clientHello == nil {
                facts.clientHello = hello
            } else if !fromClient {
                anomalies.record("tls.handshake.unexpected_message")
            } else if facts.helloRetryRequest == nil || facts.sawSecondClientHello {
                // Without a HelloRetryRequest (RFC 8446 section 4.1.4) a second ClientHello is a renegotiation
                // or a replay; the first is kept for the fingerprints.
                anomalies.record("tls.handshake.second_client_hello")
            } else {
                facts.sawSecondClientHello = true
            }
            recordHelloAnomalies(hello.extensions)
        case .serverHello(let hello):
            if hello.isHelloRetryRequest {
                history.append("J", fromClient: fromClient)
                facts.helloRetryRequest = hello
            } else {
                history.append("S", fromClient: fromClient)
                if facts.serverHello == nil { facts.serverHello = hello }
                if let group = hello.extensions.keyShareGroups.first { facts.keyExchangeGroup = group }
                if hello.selectedVersion.isTLS13 {
                    // Everything the server sends after this is encrypted (RFC 8446 §2).
                    if !fromClient { d.handshake = [] }
                }
            }
            recordHelloAnomalies(hello.extensions)
        case .certificate(let certificate):
            history.append("X", fromClient: fromClient)
            let ders = certificate.entries.map { $0.der }.filter { !$0.isEmpty }
            if fromClient {
                facts.clientCertificates = ders
            } else {
                facts.serverCertificates = ders
                facts.serverSentCertificate = true
            }
        case .serverKeyExchange(let kx):
            history.append("K", fromClient: fromClient)
            if let group = kx.group { facts.keyExchangeGroup = group }
        case .certificateRequest:
            history.append("R", fromClient: fromClient)
            facts.clientCertificateRequested = true
        case .serverHelloDone:
            history.append("N", fromClient: fromClient)
            facts.serverHelloDone = true
        case .clientKeyExchange:
            history.append("G", fromClient: fromClient)
            facts.clientKeyExchange = true
        case .newSessionTicket:
            history.append("T", fromClient: fromClient)
            facts.newSessionTicket = true
        case .certificateStatus(let status):
            history.append("U", fromClient: fromClient)
            facts.certificateStatus = status
        default:
            history.append(HandshakeHistory.letter(handshakeType: parsed.type.rawValue), fromClient: fromClient)
        }
        if case .serverHello(let hello) = parsed, !fromClient, !hello.isHelloRetryRequest, hello.selectedVersion.isTLS13 {
            d.encrypted = true
        }
    }

    mutating func recordHelloAnomalies(_ extensions: ExtensionList) {
        for e in extensions.entries where e.isMalformed { anomalies.record("tls.extension.malformed") }
    }
}
