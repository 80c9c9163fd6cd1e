// add_locale: offsets and tzdata abbreviations through daylight-saving changes, the `format` option, events
// whose `event` field is taken, and the documentation's two configurations.

import Config
import Events
import Foundation
import Testing

@testable import Processors

private let winter = Date(timeIntervalSince1970: 1_704_067_200)  // 2024-01-01T00:00:00Z
private let summer = Date(timeIntervalSince1970: 1_719_792_000)  // 2024-07-01T00:00:00Z

private func locale(_ format: AddLocale.Format, _ zone: String, at date: Date) -> AddLocale {
    let tz = TimeZone(identifier: zone)!
    return AddLocale(format: format, zone: tz, tzdataNames: AddLocale.tzdataAbbreviations(tz, root: ""), now: { date })
}

@Suite struct AddLocaleTests {
    @Test(arguments: [
        ("Europe/Berlin", "+01:00", "+02:00", "CET", "CEST"),
        ("America/Los_Angeles", "-08:00", "-07:00", "PST", "PDT"),
        ("Asia/Kolkata", "+05:30", "+05:30", "IST", "IST"),
        ("America/Sao_Paulo", "-03:00", "-03:00", "-03", "-03"),
        ("Australia/Adelaide", "+10:30", "+09:30", "ACDT", "ACST"),
        ("Etc/UTC", "+00:00", "+00:00", "UTC", "UTC"),
    ])
    func offsetsAndAbbreviations(
        zone: String, winterOffset: String, summerOffset: String, winterName: String,
        summerName: String
    ) {
        #expect(locale(.offset, zone, at: winter).current() == winterOffset)
        #expect(locale(.offset, zone, at: summer).current() == summerOffset)
        #expect(locale(.abbreviation, zone, at: winter).current() == winterName)
        #expect(locale(.abbreviation, zone, at: summer).current() == summerName)
    }

    @Test func followsADaylightSavingChangeWhileRunning() {
        let clock = Locked(winter)
        let tz = TimeZone(identifier: "Europe/Berlin")!
        let p = AddLocale(format: .abbreviation, zone: tz, tzdataNames: ("CET", "CEST"), now: { clock.withLock { $0 } })
        #expect(run(p, event()).event?.value(at: "event.timezone") == .string("CET"))
        clock.withLock { $0 = summer }
        #expect(run(p, event()).event?.value(at: "event.timezone") == .string("CEST"))
    }

    @Test(arguments: [
        ("CET-1CEST,M3.5.0,M10.5.0/3", "CET", "CEST"), ("<-03>3", "-03", nil), ("IST-5:30", "IST", nil),
        ("<+1030>-10:30", "+1030", nil), ("UTC0", "UTC", nil), ("EST5EDT", "EST", "EDT"),
    ])
    func posixTZNames(tz: String, standard: String, daylight: String?) {
        let names = AddLocale.posixNames(tz)
        #expect(names?.standard == standard)
        #expect(names?.daylight == daylight)
    }

    @Test func withoutTzdataFoundationNamesTheZone() throws {
        let host = try FakeHost()
        let tz = TimeZone(identifier: "Europe/Berlin")!
        #expect(AddLocale.tzdataAbbreviations(tz, root: host.root) == nil)
        let p = AddLocale(format: .abbreviation, zone: tz, tzdataNames: nil, now: { summer })
        #expect(p.current() == tz.abbreviation(for: summer))
    }

    @Test(arguments: [(0, "+00:00"), (3600, "+01:00"), (-12600, "-03:30"), (20700, "+05:45"), (-37, "-00:00")])
    func offsetText(seconds: Int, text: String) {
        #expect(AddLocale.offset(seconds) == text)
    }

    @Test func buildsFromTheEnvironmentsZone() throws {
        var env = ProcessorEnvironment()
        env.timeZone = TimeZone(identifier: "Asia/Kathmandu")!
        let offset = try build("add_locale", nil, environment: env)
        #expect(run(offset, event()).event?.value(at: "event.timezone") == .string("+05:45"))
        let abbreviation = try build("add_locale", ["format": "Abbreviation"], environment: env)
        #expect(run(abbreviation, event()).event?.value(at: "event.timezone") == .string("+0545"))
    }

    @Test func overwritesTheTimezoneAndKeepsOtherEventFields() throws {
        var env = ProcessorEnvironment()
        env.timeZone = TimeZone(identifier: "Etc/UTC")!
        let p = try build("add_locale", ["format": "offset"], environment: env)
        let out = run(p, event(["event.kind": .string("event"), "event.timezone": .string("old")])).event
        #expect(out?.value(at: "event") == .object(["kind": .string("event"), "timezone": .string("+00:00")]))
    }

    @Test func aNonObjectEventFieldIsLeftAlone() throws {
        let p = try build("add_locale")
        #expect(run(p, event(["event": .string("x")])) == (event(["event": .string("x")]), .keep))
    }

    @Test func formatIsChecked() {
        #expect(
            buildFailure("add_locale", ["format": "long"])?
                .contains("'long' is not a valid format option for the add_locale processor") == true)
        #expect(buildFailure("add_locale", ["format": ["offset"]])?.contains("expected a string") == true)
        #expect(buildFailure("add_locale", ["fromat": "offset"])?.contains("unknown option of add_locale") == true)
    }

    @Test func docsExamplesFromYAML() throws {
        var env = ProcessorEnvironment()
        env.timeZone = TimeZone(identifier: "Europe/Berlin")!
        let processors = try chain(yaml: "processors:\n  - add_locale: ~\n", environment: env)
        let expected = AddLocale.offset(env.timeZone.secondsFromGMT(for: Date()))
        #expect(run(processors, event())?.value(at: "event.timezone") == .string(expected))
        let named = try chain(yaml: "processors:\n  - add_locale:\n      format: abbreviation\n", environment: env)
        let name = env.timeZone.isDaylightSavingTime(for: Date()) ? "CEST" : "CET"
        #expect(run(named, event())?.value(at: "event.timezone") == .string(name))
    }
}
