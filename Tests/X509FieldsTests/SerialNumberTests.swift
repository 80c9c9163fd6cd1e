// Serial numbers: decimal as Packetbeat publishes them, hex as OpenSSL prints them. Decimal expectations
// were converted from OpenSSL's hex (`openssl x509 -serial`) with Python's `int(hex, 16)`.

import Testing

@testable import X509Fields

@Suite("Serial numbers")
struct SerialNumberTests {
    @Test func aSerialWithTheHighBitSetIsPositive() throws {
        let fields = try Fixture.fields("serial-highbit")
        #expect(fields.serialDecimal == "128")
        #expect(fields.serialHex == "80")
        #expect(fields.anomalies.isEmpty)
    }

    @Test func aTwentyOctetSerialWithTheHighBitSetIsTooLongButReported() throws {
        let fields = try Fixture.fields("serial-long")
        #expect(fields.serialDecimal == "1455794139106685830010046259595054398059545891106")
        #expect(fields.serialHex == "FF00112233445566778899AABBCCDDEEFF001122")
        #expect(fields.anomalies == [.serialTooLong])
    }

    @Test func aNegativeSerialKeepsItsSign() throws {
        let fields = try Fixture.fields("serial-negative")
        #expect(fields.serialDecimal == "-129")
        #expect(fields.serialHex == "-81")
        #expect(fields.anomalies.contains(.serialNegative))
    }

    @Test func aZeroSerialIsZero() throws {
        let fields = try Fixture.fields("serial-zero")
        #expect(fields.serialDecimal == "0")
        #expect(fields.serialHex == "00")
    }

    @Test func aRedundantLeadingZeroIsReportedAndIgnored() throws {
        let fields = try Fixture.fields("serial-non-minimal")
        #expect(fields.serialDecimal == "0")
        #expect(fields.anomalies.contains(.serialNonMinimal))
    }

    @Test func decimalConversionMatchesKnownPowersOfTwo() {
        #expect(SerialNumberText.decimal([0x01, 0, 0, 0, 0, 0, 0, 0, 0]) == "18446744073709551616")
        #expect(
            SerialNumberText.decimal([UInt8](repeating: 0xFF, count: 16)) == "340282366920938463463374607431768211455")
        #expect(
            SerialNumberText.decimal([0x01] + [UInt8](repeating: 0, count: 20))
                == "1461501637330902918203684832716283019655932542976")
        #expect(SerialNumberText.decimal([0x3B, 0x9A, 0xCA, 0x00]) == "1000000000")
        #expect(SerialNumberText.decimal([]) == "0")
    }

    @Test func negativeValuesAreTwosComplement() {
        var anomalies: [X509Anomaly] = []
        #expect(SerialNumberText.read([0xFF], anomalies: &anomalies) == SerialNumberText(decimal: "-1", hex: "-01"))
        #expect(
            SerialNumberText.read([0x80, 0x00], anomalies: &anomalies)
                == SerialNumberText(decimal: "-32768", hex: "-8000"))
    }

    @Test func aSerialAtTheLimitIsConverted() {
        var anomalies: [X509Anomaly] = []
        let octets = [0x01] + [UInt8](repeating: 0, count: X509Limits.maxSerialOctets - 1)
        let text = SerialNumberText.read(octets[...], anomalies: &anomalies)
        #expect(text?.hex == "01" + String(repeating: "00", count: X509Limits.maxSerialOctets - 1))
        // 2^504, from Python's `print(2**504)`.
        #expect(
            text?.decimal
                == "5237424972633826992021103514924158643546627273668903663173266188953814074247479287813232147721"
                + "4466514414186946040961136147476104734166288853256441430016")
        #expect(!anomalies.contains(.serialOverLimit))
    }

    @Test func aSerialOneOctetOverTheLimitIsNotConverted() {
        var anomalies: [X509Anomaly] = []
        let octets = [0x01] + [UInt8](repeating: 0, count: X509Limits.maxSerialOctets)
        #expect(SerialNumberText.read(octets[...], anomalies: &anomalies) == nil)
        #expect(anomalies == [.serialOverLimit])
    }

    @Test func anEmptySerialIsMalformed() {
        var anomalies: [X509Anomaly] = []
        #expect(SerialNumberText.read([], anomalies: &anomalies) == nil)
        #expect(anomalies == [.serialMalformed])
    }
}
