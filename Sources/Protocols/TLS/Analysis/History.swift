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

    /// The letters so far.
    public private(set) var text = ""
    /// Whether the history hit the cap.
    public private(set) var truncated = false
    private var clientSentData = false
    private var serverSentData = false

    public init() {}

    /// Appends `letter` (given in upper case) for a message from the client or the server.
    public mutating func append(_ letter: Character, fromClient: Bool) {
        // Every letter is ASCII, so the UTF-8 count (constant time) is the length; `count` walks the text.
        guard text.utf8.count < HandshakeHistory.maximumLength else {
            truncated = true
            return
        }
        guard let ascii = letter.asciiValue, letter.isLetter else {
            text.append(letter)
            return
        }
        let lower = ascii | 0x20
        text.unicodeScalars.append(Unicode.Scalar(fromClient ? lower & ~0x20 : lower))
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
        guard text.utf8.count < HandshakeHistory.maximumLength else { return }
        text.append("^")
    }

    /// The letter of a handshake message type (`Z` for types without one).
    public static func letter(handshakeType: UInt8) -> Character {
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
