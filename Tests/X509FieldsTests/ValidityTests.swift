// Validity times: UTCTime for 1950-2049, GeneralizedTime outside (RFC 5280 section 4.1.2.5), the relaxed
// forms Go accepts, and Packetbeat's `2018-11-28T00:00:00.000Z` text. Expected values are OpenSSL's
// (`-dates`, Fixtures/oracle/*.txt); epoch seconds were computed with Python's `calendar.timegm`.

import Testing

@testable import X509Fields

@Suite("Validity")
struct ValidityTests {
    @Test func generalizedTimeBefore1950AndFrom2050IsRead() throws {
        // OpenSSL: notBefore=Dec 31 23:59:59 1949 GMT, notAfter=Jan  1 00:00:00 2050 GMT
        let fields = try Fixture.fields("gentime-1949-2050")
        #expect(fields.notBefore == CertificateTime(year: 1949, month: 12, day: 31, hour: 23, minute: 59, second: 59))
        #expect(fields.notAfter?.description == "2050-01-01T00:00:00.000Z")
        #expect(fields.anomalies.isEmpty)
    }

    @Test func aUTCTimeWithoutSecondsIsReadAsGoReadsIt() throws {
        let fields = try Fixture.fields("utctime-no-seconds")
        #expect(fields.notBefore?.second == 0)
        #expect(fields.anomalies == [.strictParseFailed, .validityNonStrictTime])
    }

    @Test func relaxedTimesWithOffsetsAreMovedToUTC() throws {
        func relaxed(_ text: String, utc: Bool) -> String? {
            RelaxedTime.parse(Array(text.utf8)[...], utc: utc)?.description
        }
        #expect(relaxed("4912312359Z", utc: true) == "2049-12-31T23:59:00.000Z")
        #expect(relaxed("5001010000Z", utc: true) == "1950-01-01T00:00:00.000Z")
        #expect(relaxed("180101000000+0130", utc: true) == "2017-12-31T22:30:00.000Z")
        #expect(relaxed("1801010000-0200", utc: true) == "2018-01-01T02:00:00.000Z")
        #expect(relaxed("20500101000000.5Z", utc: false) == "2050-01-01T00:00:00.500Z")
        #expect(relaxed("20500101000000,123+0000", utc: false) == "2050-01-01T00:00:00.123Z")
        #expect(relaxed("1801010000", utc: true) == nil)
        #expect(relaxed("180101000000+01", utc: true) == nil)
        #expect(relaxed("181301000000Z", utc: true) == nil)
    }

    @Test func epochSecondsRoundTripAcrossEras() {
        let cases: [(String, Int64)] = [
            ("1970-01-01T00:00:00.000Z", 0),
            ("2018-11-28T00:00:00.000Z", 1_543_363_200),
            ("1949-12-31T23:59:59.000Z", -631_152_001),
            ("2050-01-01T00:00:00.000Z", 2_524_608_000),
            ("2000-02-29T12:34:56.000Z", 951_827_696),
            ("9999-12-31T23:59:59.000Z", 253_402_300_799),
            ("0001-01-01T00:00:00.000Z", -62_135_596_800),
        ]
        for (text, seconds) in cases {
            let time = CertificateTime(secondsSince1970: seconds)
            #expect(time.description == text)
            #expect(time.secondsSince1970 == seconds)
        }
    }

    @Test func timesOrderChronologically() {
        let early = CertificateTime(year: 2049, month: 12, day: 31, hour: 23, minute: 59, second: 59, millisecond: 999)
        let late = CertificateTime(year: 2050, month: 1, day: 1, hour: 0, minute: 0, second: 0)
        #expect(early < late)
        #expect(!(late < late))
        #expect(CertificateTime(year: 2050, month: 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 1) > late)
    }
}
