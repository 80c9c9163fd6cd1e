// The Validity of a certificate (RFC 5280 section 4.1.2.5): two times, each a UTCTime (years 1950-2049,
// two-digit years 50-99 meaning 19xx) or a GeneralizedTime (any other year, or by choice).
//
// SwiftASN1's DER rules require seconds and `Z`, as RFC 5280 does. Old certificates also carry the forms
// X.680 allows and Go accepts (encoding/asn1 and cryptobyte: `YYMMDDhhmm[ss]` followed by `Z` or `+hhmm` /
// `-hhmm`; GeneralizedTime with an optional fraction and `Z` or an offset); those are read here, moved to
// UTC, and reported with `x509.validity.non_strict_time`.

import SwiftASN1

enum ValidityReader {
    /// Reads `SEQUENCE { notBefore Time, notAfter Time }`.
    static func read(
        _ node: ASN1Node, anomalies: inout [X509Anomaly]
    ) -> (notBefore: CertificateTime?, notAfter: CertificateTime?) {
        guard case .constructed(let children) = node.content else {
            anomalies.append(.validityMalformed)
            return (nil, nil)
        }
        let times = Array(children)
        if times.count != 2 { anomalies.append(.validityMalformed) }
        let notBefore = times.first.flatMap { time($0, anomalies: &anomalies) }
        let notAfter = times.count > 1 ? time(times[1], anomalies: &anomalies) : nil
        return (notBefore, notAfter)
    }

    private static func time(_ node: ASN1Node, anomalies: inout [X509Anomaly]) -> CertificateTime? {
        switch node.identifier {
        case .utcTime:
            if let strict = try? UTCTime(derEncoded: node) { return CertificateTime(strict) }
            if case .primitive(let text) = node.content, let relaxed = RelaxedTime.parse(text, utc: true) {
                anomalies.append(.validityNonStrictTime)
                return relaxed
            }
        case .generalizedTime:
            if let strict = try? GeneralizedTime(derEncoded: node) { return CertificateTime(strict) }
            if case .primitive(let text) = node.content, let relaxed = RelaxedTime.parse(text, utc: false) {
                anomalies.append(.validityNonStrictTime)
                return relaxed
            }
        default:
            break
        }
        anomalies.append(.validityMalformed)
        return nil
    }
}

extension CertificateTime {
    init(_ time: UTCTime) {
        self.init(
            year: time.year, month: time.month, day: time.day, hour: time.hours, minute: time.minutes,
            second: time.seconds)
    }

    init(_ time: GeneralizedTime) {
        // Truncated, as Packetbeat's millisecond format truncates Go's nanoseconds; the nudge keeps values
        // such as 0.123 (0.12299... in binary) from losing a millisecond.
        let milliseconds = Int((time.fractionalSeconds * 1000 + 1e-6).rounded(.towardZero))
        self.init(
            year: time.year, month: time.month, day: time.day, hour: time.hours, minute: time.minutes,
            second: time.seconds, millisecond: min(milliseconds, 999))
    }
}

/// The time forms Go accepts beyond DER: minutes without seconds (UTCTime only) and numeric offsets.
enum RelaxedTime {
    static func parse(_ text: ArraySlice<UInt8>, utc: Bool) -> CertificateTime? {
        var rest = text
        func number(_ digits: Int) -> Int? {
            guard rest.count >= digits else { return nil }
            var value = 0
            for byte in rest.prefix(digits) {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            rest = rest.dropFirst(digits)
            return value
        }
        guard var year = number(utc ? 2 : 4), let month = number(2), let day = number(2), let hour = number(2),
            let minute = number(2)
        else { return nil }
        if utc { year += year < 50 ? 2000 : 1900 }
        var second = 0
        if let first = rest.first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) {
            guard let seconds = number(2) else { return nil }
            second = seconds
        }
        var millisecond = 0
        if !utc, rest.first == UInt8(ascii: ".") || rest.first == UInt8(ascii: ",") {
            rest = rest.dropFirst()
            let digits = rest.prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
            guard !digits.isEmpty else { return nil }
            for (index, byte) in digits.prefix(3).enumerated() {
                millisecond += Int(byte - UInt8(ascii: "0")) * [100, 10, 1][index]
            }
            rest = rest.dropFirst(digits.count)
        }
        var offsetMinutes = 0
        switch rest.first {
        case UInt8(ascii: "Z"):
            rest = rest.dropFirst()
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = rest.first == UInt8(ascii: "-") ? -1 : 1
            rest = rest.dropFirst()
            guard let hours = number(2), let minutes = number(2), hours < 24, minutes < 60 else { return nil }
            offsetMinutes = sign * (hours * 60 + minutes)
        default:
            return nil
        }
        guard rest.isEmpty, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60
        else { return nil }
        let local = CertificateTime(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second, millisecond: millisecond)
        guard offsetMinutes != 0 else { return local }
        var moved = CertificateTime(secondsSince1970: local.secondsSince1970 - Int64(offsetMinutes) * 60)
        moved.millisecond = millisecond
        return moved
    }
}

extension CertificateTime {
    /// The UTC time `seconds` after 1970-01-01T00:00:00Z (civil from days, proleptic Gregorian).
    init(secondsSince1970 seconds: Int64) {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        let year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
        self.init(
            year: year, month: month, day: day, hour: secondOfDay / 3_600, minute: secondOfDay / 60 % 60,
            second: secondOfDay % 60)
    }
}
