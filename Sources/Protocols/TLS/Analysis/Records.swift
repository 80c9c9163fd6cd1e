// What each record does to the connection: handshake bytes are reassembled into messages and dispatched,
// ChangeCipherSpec and application data switch a direction to encrypted, alerts are recorded.
// RFC 8446 §5.1 (content types; a TLS 1.3 ChangeCipherSpec is only middlebox compatibility, §D.4),
// RFC 5246 §6.2.1 and §7.1, §7.2.

import DissectorKit
import NetModel
import TLSWire

extension TLSConnection {
    mutating func handleRecord(
        _ header: RecordHeader, body: UnsafeRawBufferPointer, direction d: inout Direction, fromClient: Bool,
        at time: Timestamp
    ) {
        switch header.contentType {
        case .handshake:
            noteHandshakeTime(time)
            reassembleHandshake(body, direction: &d, fromClient: fromClient, at: time)
        case .changeCipherSpec:
            noteHandshakeTime(time)
            history.append("I", fromClient: fromClient)
            d.changedCipherSpec = true
            if fromClient { facts.clientChangedCipherSpec = true } else { facts.serverChangedCipherSpec = true }
            // In TLS 1.3 the ChangeCipherSpec record is a compatibility no-op: encryption starts with the next
            // application-data record. Before 1.3 everything after it is encrypted.
            if facts.changeCipherSpecEncrypts {
                d.encrypted = true
                d.handshake = []
            }
        case .alert:
            noteHandshakeTime(time)
            history.append("L", fromClient: fromClient)
            if d.encrypted || body.count != 2 {
                facts.alerts.append(AlertRecord(alert: nil, fromClient: fromClient))
            } else if let alert = try? Alert.parse(body) {
                facts.alerts.append(AlertRecord(alert: alert, fromClient: fromClient))
                for a in alert.anomalies { anomalies.record(Anomaly(a.name)) }
            }
        case .applicationData:
            history.applicationData(fromClient: fromClient)
            d.encrypted = true
            d.handshake = []
        case .heartbeat:
            history.append("B", fromClient: fromClient)
        default:
            history.append("Q", fromClient: fromClient)
            anomalies.record("tls.record.unknown_content_type")
        }
    }

    mutating func noteHandshakeTime(_ time: Timestamp) {
        if handshakeStart == nil { handshakeStart = time }
        handshakeEnd = max(handshakeEnd, time)
    }

    /// Appends a handshake record's bytes and dispatches every complete message.
    mutating func reassembleHandshake(
        _ body: UnsafeRawBufferPointer, direction d: inout Direction, fromClient: Bool, at time: Timestamp
    ) {
        if d.handshake.isEmpty {
            // The common case: messages that start and end inside this record need no copy.
            var offset = 0
            while offset < body.count {
                let view = UnsafeRawBufferPointer(rebasing: body[offset...])
                guard let length = messageLength(view, direction: &d) else { return }
                guard length <= view.count else {
                    d.handshake.append(contentsOf: view)
                    return
                }
                dispatch(UnsafeRawBufferPointer(rebasing: view[..<length]), direction: &d, fromClient: fromClient, at: time)
                if d.done { return }
                offset += length
            }
            return
        }
        guard d.handshake.count + body.count <= TLSAnalysisLimits.handshakeBuffer else {
            stop(&d, anomaly: "tls.handshake.too_long")
            return
        }
        d.handshake.append(contentsOf: body)
        var pending: [UInt8] = []
        swap(&pending, &d.handshake)
        var consumed = 0
        pending.withUnsafeBytes { all in
            while consumed < all.count, !d.done {
                let view = UnsafeRawBufferPointer(rebasing: all[consumed...])
                guard let length = messageLength(view, direction: &d), length <= view.count else { return }
                dispatch(UnsafeRawBufferPointer(rebasing: view[..<length]), direction: &d, fromClient: fromClient, at: time)
                consumed += length
            }
        }
        if !d.done && consumed < pending.count { d.handshake = Array(pending[consumed...]) }
    }

    /// The whole length of the handshake message starting `view`, or nil (direction stopped) when its header
    /// is unusable; a header cut by the record boundary counts as needing 4 bytes.
    mutating func messageLength(_ view: UnsafeRawBufferPointer, direction d: inout Direction) -> Int? {
        guard view.count >= 4 else { return 4 }
        do {
            return try HandshakeHeader.parse(view, maxLength: TLSAnalysisLimits.handshakeBuffer).totalLength
        } catch {
            if error.code == .truncated { return 4 }
            stop(&d, anomaly: Anomaly(TLSWireAnomaly(error, otherwise: .handshakeBadLength).name))
            return nil
        }
    }

    /// An SSL 2.0-format ClientHello (only as the first bytes from the client).
    mutating func parseSSLv2Hello(_ view: UnsafeRawBufferPointer, direction d: inout Direction, at time: Timestamp) -> FeedResult {
        let header: SSLv2RecordHeader
        do {
            header = try SSLv2RecordHeader.parse(view)
        } catch {
            return error.code == .truncated ? .needMore(3) : .failed("tls.sslv2.malformed")
        }
        // The first eleven bytes tell whether this can be a CLIENT-HELLO at all: bytes that merely start with
        // the high bit set (any binary protocol) fail now, instead of being held until the up to 32 KiB their
        // header claims have arrived.
        switch RecordHeader.probe(view) {
        case .sslv2ClientHello: break
        case .needMore(let count) where count > view.count: return .needMore(count)
        default: return .failed("tls.sslv2.malformed")
        }
        guard view.count >= header.totalLength else { return .needMore(header.totalLength) }
        do {
            let hello = try SSLv2ClientHello.parse(record: UnsafeRawBufferPointer(rebasing: view[..<header.totalLength]))
            noteHandshakeTime(time)
            facts.sslv2Hello = hello
            facts.sawHandshake = true
            history.append("C", fromClient: true)
        } catch {
            return .failed("tls.sslv2.malformed")
        }
        return .consumed(header.totalLength)
    }
}
