// TLS inside an HTTP proxy tunnel (RFC 9110 §9.3.6, CONNECT): the client asks the proxy for a tunnel with a
// `CONNECT host:port HTTP/1.x` request, the proxy answers `HTTP/1.x 2xx …`, and both header blocks end with
// an empty line; after that the connection carries the tunnelled bytes — TLS, for HTTPS through a proxy.
// Zeek hands such a connection from its HTTP analyzer to its TLS analyzer; we do the same inside the TLS
// dissector, so TLS on a proxy port is analysed without an HTTP dissector.

/// The state of the tunnel prologue in one direction.
struct TunnelPrologue {
    /// The longest header block accepted before giving up on the tunnel.
    static let maximumHeaderLength = 8 * 1024

    enum Phase: Equatable {
        /// Not a tunnel (or the prologue is over): bytes are TLS.
        case none
        /// Reading the client's CONNECT request or the proxy's answer until the empty line.
        case headers(seen: [UInt8])
        /// The proxy refused (not 2xx): nothing will be TLS.
        case refused
    }

    var client: Phase = .none
    var server: Phase = .none

    /// True when `bytes`, the client's first bytes, begin a CONNECT request.
    static func isConnectRequest(_ bytes: UnsafeRawBufferPointer) -> Bool {
        // A TLS record starts with a content type byte (20...24), never "C": one comparison decides.
        guard bytes.count >= connectMethod.count, bytes[0] == connectMethod[0] else { return false }
        return bytes.prefix(connectMethod.count).elementsEqual(connectMethod)
    }

    static let connectMethod: [UInt8] = Array("CONNECT ".utf8)

    /// Consumes header bytes of one direction; returns how many bytes of `bytes` belonged to the headers
    /// (the rest is tunnelled data), or nil when more header bytes are needed. Sets `.refused` for a non-2xx
    /// proxy answer and `.none` when the headers are complete.
    static func consume(_ bytes: UnsafeRawBufferPointer, phase: inout Phase, isResponse: Bool) -> Int? {
        guard case .headers(var seen) = phase else { return 0 }
        var used = 0
        for b in bytes {
            seen.append(b)
            used += 1
            if seen.count >= 4, seen.suffix(4).elementsEqual([13, 10, 13, 10]) {
                if isResponse {
                    // "HTTP/1.x 2xx": the status code's first digit at offset 9.
                    let ok = seen.count > 9 && seen.starts(with: Array("HTTP/".utf8)) && seen[9] == UInt8(ascii: "2")
                    phase = ok ? .none : .refused
                } else {
                    phase = .none
                }
                return used
            }
            if seen.count > maximumHeaderLength {
                phase = .refused
                return used
            }
        }
        phase = .headers(seen: seen)
        return nil
    }
}
