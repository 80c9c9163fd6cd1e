// The certificate serial number (RFC 5280 section 4.1.2.2) as text, from the content octets of its DER
// INTEGER (X.690 section 8.3: big-endian two's complement).
//
// Serials are up to 20 octets by the RFC and longer in the wild, so no fixed-width integer holds them and
// no bigint library is used: the decimal form comes from repeated division of the magnitude, held as a
// byte array, by 10^9. Go's `big.Int.Text(10)` gives the same digits (with `-` for negative values); the
// hex form keeps two digits per octet, as OpenSSL prints it, rather than `big.Int.Text(16)`'s trimmed
// leading nibble.

/// Text forms of a serial number.
struct SerialNumberText: Equatable {
    /// Signed decimal.
    var decimal: String
    /// Upper-case hex of the magnitude, `-` in front when negative.
    var hex: String

    /// Reads the content octets of an INTEGER, adding encoding oddities to `anomalies`; nil when there are
    /// no octets or more than `X509Limits.maxSerialOctets`.
    static func read(_ content: ArraySlice<UInt8>, anomalies: inout [X509Anomaly]) -> SerialNumberText? {
        guard let first = content.first else {
            anomalies.append(.serialMalformed)
            return nil
        }
        guard content.count <= X509Limits.maxSerialOctets else {
            anomalies.append(.serialOverLimit)
            return nil
        }
        if content.count > 1 {
            let second = content[content.startIndex + 1]
            if (first == 0x00 && second < 0x80) || (first == 0xFF && second >= 0x80) {
                anomalies.append(.serialNonMinimal)
            }
        }
        let negative = first >= 0x80
        if negative { anomalies.append(.serialNegative) }
        if content.count > 20 { anomalies.append(.serialTooLong) }

        var magnitude = Array(content)
        if negative { negate(&magnitude) }
        let significant = Array(magnitude.drop { $0 == 0 })
        let sign = negative ? "-" : ""
        let hexDigits = significant.isEmpty ? "00" : Hex.upper(significant)
        return SerialNumberText(decimal: sign + decimal(significant), hex: sign + hexDigits)
    }

    /// Two's complement negation in place: invert, then add one.
    private static func negate(_ bytes: inout [UInt8]) {
        var carry: UInt16 = 1
        for index in bytes.indices.reversed() {
            let sum = UInt16(~bytes[index]) + carry
            bytes[index] = UInt8(truncatingIfNeeded: sum)
            carry = sum >> 8
        }
    }

    /// Decimal digits of a big-endian unsigned magnitude without leading zero bytes.
    static func decimal(_ magnitude: [UInt8]) -> String {
        guard !magnitude.isEmpty else { return "0" }
        let chunkBase: UInt64 = 1_000_000_000
        var dividend = magnitude
        var chunks: [UInt64] = []  // least significant first, nine digits each
        while !dividend.isEmpty {
            var quotient: [UInt8] = []
            quotient.reserveCapacity(dividend.count)
            var remainder: UInt64 = 0
            for byte in dividend {
                // remainder < 10^9, so remainder * 256 + 255 < 2^38 and the quotient digit is < 256.
                let value = remainder << 8 | UInt64(byte)
                let digit = value / chunkBase
                remainder = value % chunkBase
                if !quotient.isEmpty || digit != 0 { quotient.append(UInt8(digit)) }
            }
            chunks.append(remainder)
            dividend = quotient
        }
        var text = String(chunks.last ?? 0)
        for chunk in chunks.dropLast().reversed() {
            let digits = String(chunk)
            text += String(repeating: "0", count: 9 - digits.count) + digits
        }
        return text
    }
}
