// `add_locale`: the host's time zone as `event.timezone` (reference/libbeat.md §4.5), either as the UTC offset
// in force now (`+02:00`, the default `format: offset`) or as its tzdata abbreviation (`CEST`, `format:
// abbreviation`). Both follow daylight-saving changes while running, as Beats does.
//
// Beats (Go) takes the abbreviation from the tzdata file of the zone; Foundation on Linux only offers ICU's
// localized names (`GMT+2`), so the abbreviations are read from the POSIX TZ string that ends the zone's TZif
// file (RFC 8536 §3.3), and Foundation's name is used only when there is no such file.

import Config
import Events
import Foundation

/// `add_locale`.
struct AddLocale: Processor {
    enum Format: String { case offset, abbreviation }

    let format: Format
    let zone: TimeZone
    /// The zone's standard and daylight-saving abbreviations from tzdata, when found.
    let tzdataNames: (standard: String, daylight: String?)?
    let now: @Sendable () -> Date
    private let cached = Locked<(value: String, validUntil: Date)?>(nil)
    var name: String { "add_locale" }

    static let options = ["format"]

    static func build(_ o: ProcessorOptions) throws(ConfigError) -> any Processor {
        let text = try o.string("format") ?? "offset"
        guard let format = Format(rawValue: text.lowercased()) else {
            throw o.error(
                "format",
                "'\(text)' is not a valid format option for the add_locale processor (valid options are "
                    + "'abbreviation' and 'offset')")
        }
        let zone = o.environment.timeZone
        return AddLocale(
            format: format, zone: zone, tzdataNames: tzdataAbbreviations(zone, root: o.environment.fileSystemRoot),
            now: { Date() })
    }

    init(
        format: Format, zone: TimeZone, tzdataNames: (standard: String, daylight: String?)?,
        now: @escaping @Sendable () -> Date
    ) {
        self.format = format
        self.zone = zone
        self.tzdataNames = tzdataNames
        self.now = now
    }

    func process(_ event: inout Event) -> ProcessorOutcome {
        // Beats ignores the error of writing under a non-object `event`; the event is then left as it is.
        if let existing = event.value(at: "event"), existing.object == nil { return .keep }
        event.put(AddLocale.target, .string(current()))
        return .keep
    }

    static let target: EventPath = "event.timezone"

    /// The value for now, recomputed only after the next daylight-saving transition (or an hour, in case the
    /// rules change).
    func current() -> String {
        let date = now()
        if let hit = cached.withLock({ $0 }), date < hit.validUntil { return hit.value }
        let value = format == .offset ? AddLocale.offset(zone.secondsFromGMT(for: date)) : abbreviation(at: date)
        let nextChange = zone.nextDaylightSavingTimeTransition(after: date) ?? .distantFuture
        cached.withLock { $0 = (value, min(nextChange, date.addingTimeInterval(3600))) }
        return value
    }

    func abbreviation(at date: Date) -> String {
        if let names = tzdataNames {
            if zone.isDaylightSavingTime(for: date), let daylight = names.daylight { return daylight }
            return names.standard
        }
        return zone.abbreviation(for: date) ?? AddLocale.offset(zone.secondsFromGMT(for: date))
    }

    /// `+hh:mm` / `-hh:mm`, seconds dropped (as Beats formats it).
    static func offset(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let magnitude = abs(seconds)
        let hours = magnitude / 3600
        let minutes = magnitude % 3600 / 60
        return sign + (hours < 10 ? "0" : "") + String(hours) + ":" + (minutes < 10 ? "0" : "") + String(minutes)
    }

    /// The abbreviations named in the TZ string at the end of `zone`'s TZif file under `root`.
    static func tzdataAbbreviations(_ zone: TimeZone, root: String) -> (standard: String, daylight: String?)? {
        guard let data = FileManager.default.contents(atPath: root + "/usr/share/zoneinfo/" + zone.identifier),
            data.starts(with: Array("TZif".utf8)), data.last == 0x0A,
            let start = data.dropLast().lastIndex(of: 0x0A),
            let footer = String(data: data[(start + 1)..<(data.endIndex - 1)], encoding: .ascii)
        else { return nil }
        return posixNames(footer)
    }

    /// The standard and daylight-saving names of a POSIX TZ string (`CET-1CEST,M3.5.0,M10.5.0/3`, `<-03>3`).
    static func posixNames(_ tz: String) -> (standard: String, daylight: String?)? {
        var rest = tz[...]
        func name() -> String? {
            if rest.first == "<" {
                guard let close = rest.firstIndex(of: ">") else { return nil }
                defer { rest = rest[rest.index(after: close)...] }
                return String(rest[rest.index(after: rest.startIndex)..<close])
            }
            let letters = rest.prefix(while: \.isLetter)
            rest = rest.dropFirst(letters.count)
            return letters.count >= 3 ? String(letters) : nil
        }
        guard let standard = name() else { return nil }
        rest = rest.drop(while: { $0.isNumber || $0 == "+" || $0 == "-" || $0 == ":" })
        let daylight = rest.isEmpty || rest.first == "," ? nil : name()
        return (standard, daylight)
    }
}
