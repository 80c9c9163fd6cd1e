// The handshake history (`tls.detailed.history`, ours): one letter per message in the order seen, upper
// case from the client and lower case from the server, with the letters of Zeek's `ssl_history` so that
// analysts can compare the two directly:
//
//   H hello_request       C client_hello       S server_hello       V hello_verify_request
//   T new_session_ticket  X certificate        K server_key_exchange R certificate_request
//   N server_hello_done   Y certificate_verify G client_key_exchange F finished
//   W certificate_url     U certificate_status A supplemental_data  Z other handshake type
//   I change_cipher_spec  B heartbeat          D application_data   E end_of_early_data
//   O encrypted_extensions P key_update       M message_hash       J hello_retry_request
//   L alert               Q unknown content type                    ^ the client hello came from
//                                                                      the side that did not open TCP
//
// Application data is recorded once per direction (its first record), not per record. TLS 1.3 encrypts
// every handshake message after the server hello: those appear as that one `D`/`d`. The string is capped
// at 100 letters, like Zeek's.

/// Builds the history string.
public struct HandshakeHistory: Sendable, Equatable {
    /// The longest history kept (Zeek's `max_ssl_history_length`).
    public static let maximumLength = 100

    /// The letters so far, as ASCII bytes: appending a byte is a store, a String append walks its
    /// grapheme machinery, and this runs for every record.
    private var letters: [UInt8] = []
    /// Whether the history hit the cap.
    public private(set) var truncated = false
    private var clientSentData = false
    private var serverSentData = false

    public init() {}

    /// The letters so far.
    public var text: String { String(decoding: letters, as: UTF8.self) }

    /// Appends `letter` (ASCII, given in upper case) for a message from the client or the server.
    public mutating func append(_ letter: Unicode.Scalar, fromClient: Bool) {
        guard letters.count < HandshakeHistory.maximumLength else {
            truncated = true
            return
        }
        let ascii = UInt8(truncatingIfNeeded: letter.value)
        let isLetter = (ascii | 0x20) >= UInt8(ascii: "a") && (ascii | 0x20) <= UInt8(ascii: "z")
        // ASCII case is one bit: set for the server, cleared for the client.
        letters.append(isLetter ? (fromClient ? ascii & ~0x20 : ascii | 0x20) : ascii)
    }

    /// Records application data the first time each side sends some.
    public mutating func applicationData(fromClient: Bool) {
        if fromClient {
            guard !clientSentData else { return }
            clientSentData = true
        } else {
            guard !serverSentData else { return }
            serverSentData = true
        }
        append("D", fromClient: fromClient)
    }

    /// Marks that the client hello came from the side that did not open the TCP connection.
    public mutating func flipped() {
        guard letters.count < HandshakeHistory.maximumLength else { return }
        letters.append(UInt8(ascii: "^"))
    }

    /// The letter of a handshake message type (`Z` for types without one).
    public static func letter(handshakeType: UInt8) -> Unicode.Scalar {
        switch handshakeType {
        case 0: return "H"
        case 1: return "C"
        case 2: return "S"
        case 3: return "V"
        case 4: return "T"
        case 5: return "E"
        case 6: return "J"
        case 8: return "O"
        case 11: return "X"
        case 12: return "K"
        case 13: return "R"
        case 14: return "N"
        case 15: return "Y"
        case 16: return "G"
        case 20: return "F"
        case 21: return "W"
        case 22: return "U"
        case 23: return "A"
        case 24: return "P"
        case 254: return "M"
        default: return "Z"
        }
    }
}
