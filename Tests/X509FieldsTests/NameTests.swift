// Issuer and subject names in Go's `pkix.Name.String()` form, which Packetbeat publishes. Each expected
// string was converted by hand from OpenSSL's `-nameopt RFC2253` output (Fixtures/oracle/*.txt) with Go's
// rules: named attributes regrouped by type in the order C, ST, L, STREET, POSTALCODE, O, OU, CN,
// SERIALNUMBER and printed most specific first; repeated types joined with `+`; the last CN only; other
// types last, as `OID=#hex` of the value re-marshalled as PrintableString or UTF8String; UTF-8 printed raw
// (OpenSSL prints `\C3\BC`).

import Testing

@testable import X509Fields

@Suite("Distinguished names")
struct NameTests {
    @Test func aConventionalSubjectPrintsMostSpecificFirst() throws {
        let subject = try Fixture.fields("rsa2048-san").subject
        #expect(
            subject.distinguishedName
                == "CN=www.example.org,OU=Technology,O=Internet Corporation for Assigned Names and Numbers,"
                + "L=Los Angeles,ST=California,C=US")
    }

    @Test func specialCharactersAreEscapedAsInRFC4514() throws {
        // OpenSSL: OU=\  two spaces,O=\#hash,CN=\ lead\, \+\"q\"\\\<a\>\;b=c trail\  (wire order reversed).
        let subject = try Fixture.fields("escaping").subject
        #expect(subject.distinguishedName == ##"CN=\ lead\, \+\"q\"\\\<a\>\;b=c trail\ ,OU=\  two spaces,O=\#hash"##)
        #expect(subject.commonName == #" lead, +"q"\<a>;b=c trail "#)
        #expect(subject.organization == "#hash")
    }

    @Test func aCommaInARealOrganizationIsEscaped() throws {
        let subject = try Fixture.fields("real-liveperson-net").subject
        #expect(subject.distinguishedName == #"CN=*.liveperson.net,O=LivePerson\, Inc,ST=New York,C=US"#)
        #expect(subject.organization == "LivePerson, Inc")
    }

    @Test func aMultiValuedRDNIsSplitByTypeAsGoDoes() throws {
        // OpenSSL: CN=multi.example,O=Example Org+OU=Unit B+OU=Unit A,C=US
        let fields = try Fixture.fields("multi-rdn")
        #expect(fields.subject.distinguishedName == "CN=multi.example,OU=Unit A+OU=Unit B,O=Example Org,C=US")
        #expect(fields.subject.attributes.map(\.rdnIndex) == [0, 1, 1, 1, 2])
    }

    @Test func repeatedAttributesAreJoinedAndTheLastCommonNameWins() throws {
        // OpenSSL: CN=second.example,CN=first.example,OU=Unit,O=Org Two,O=Org One,C=US
        let subject = try Fixture.fields("repeated-attrs").subject
        #expect(subject.distinguishedName == "CN=second.example,OU=Unit,O=Org One+O=Org Two,C=US")
        #expect(subject.commonName == "second.example")
        #expect(subject.values(.commonName) == ["first.example", "second.example"])
        #expect(subject.organization == "Org One Org Two")
        #expect(subject.values(.organization) == ["Org One", "Org Two"])
    }

    @Test func unnamedAttributesPrintLastAsOIDAndRemarshalledHex() throws {
        // OpenSSL: DC=example,emailAddress=admin@example.com,CN=ev.example,O=Ex & Co*,postalCode=94107,
        // street=1 Main St,ST=CA,C=US,serialNumber=4710875,jurisdictionC=US,businessCategory=Private Organization
        let subject = try Fixture.fields("extra-attrs").subject
        #expect(
            subject.distinguishedName
                == "SERIALNUMBER=4710875,CN=ev.example,O=Ex & Co*,POSTALCODE=94107,STREET=1 Main St,ST=CA,C=US,"
                + "0.9.2342.19200300.100.1.25=#13076578616d706c65,"
                + "1.2.840.113549.1.9.1=#0c1161646d696e406578616d706c652e636f6d,"
                + "1.3.6.1.4.1.311.60.2.1.3=#13025553,"
                + "2.5.4.15=#131450726976617465204f7267616e697a6174696f6e")
        #expect(subject.serialNumber == "4710875")
        #expect(subject.streetAddress == "1 Main St")
        #expect(subject.postalCode == "94107")
    }

    @Test func anExtendedValidationSubjectFromTheWildPrintsAsGoPrintsIt() throws {
        // OpenSSL: CN=cloudflare.com,O=Cloudflare\, Inc.,L=San Francisco,ST=California,C=US,serialNumber=4710875,
        // jurisdictionST=Delaware,jurisdictionC=US,businessCategory=Private Organization
        let subject = try Fixture.fields("real-cloudflare-com").subject
        #expect(
            subject.distinguishedName
                == #"SERIALNUMBER=4710875,CN=cloudflare.com,O=Cloudflare\, Inc.,L=San Francisco,ST=California,C=US,"#
                + "1.3.6.1.4.1.311.60.2.1.2=#130844656c6177617265,1.3.6.1.4.1.311.60.2.1.3=#13025553,"
                + "2.5.4.15=#131450726976617465204f7267616e697a6174696f6e")
    }

    @Test func utf8ValuesArePrintedUnescaped() throws {
        // OpenSSL: CN=b\C3\BCcher.example,O=B\C3\BCcher & S\C3\B6hne GmbH,C=DE
        let subject = try Fixture.fields("utf8-org").subject
        #expect(subject.distinguishedName == "CN=bücher.example,O=Bücher & Söhne GmbH,C=DE")
    }

    @Test func aT61StringIsReadAsLatin1() throws {
        // OpenSSL: CN=t61.example,O=M\C3\BCller AG,C=DE
        let subject = try Fixture.fields("t61-subject").subject
        let organization = try #require(subject.attributes.first { $0.type == .organization })
        #expect(organization.valueDER.first == 0x14)
        #expect(organization.value == "Müller AG")
        #expect(subject.distinguishedName == "CN=t61.example,O=Müller AG,C=DE")
    }

    @Test func aBMPStringIsReadAsUTF16() throws {
        // OpenSSL: CN=bmp.example,O=Z\C3\BCrich \CE\A9 Corp,C=CH
        let subject = try Fixture.fields("bmp-subject").subject
        let organization = try #require(subject.attributes.first { $0.type == .organization })
        #expect(organization.valueDER.first == 0x1E)
        #expect(subject.organization == "Zürich Ω Corp")
    }

    @Test func oddAttributeValuesAreKeptAndNamed() throws {
        // OpenSSL refuses this certificate; its ASN.1 view (oracle/odd-name-values.txt) shows the four RDNs
        // that patch_der.py appended to rsa2048-san's subject.
        let fields = try Fixture.fields("odd-name-values")
        #expect(
            fields.subject.distinguishedName
                == "CN=www.example.org,OU=Technology+OU=Unié,"
                + "O=Internet Corporation for Assigned Names and Numbers+O=a@b_c,"
                + "L=Los Angeles+L=L,ST=California,C=US,2.5.4.97=#020105")
        #expect(fields.anomalies.contains(.nameNonStringValue))
        #expect(fields.anomalies.contains(.nameInvalidString))
        #expect(fields.anomalies.contains(.nameUnsupportedStringType))
        #expect(fields.issuer.distinguishedName.hasPrefix("CN=www.example.org,OU=Technology,"))
    }

    @Test func anEmptyCommonNameIsLeftOutButAnEmptyOrganizationIsPrinted() {
        let name = DistinguishedNameFields(attributes: [
            NameAttribute(type: .organization, value: "", valueDER: [0x0C, 0x00], rdnIndex: 0),
            NameAttribute(type: .commonName, value: "", valueDER: [0x0C, 0x00], rdnIndex: 1),
        ])
        #expect(name.distinguishedName == "O=")
        #expect(name.commonName == nil)
        #expect(name.organization == nil)
    }

    @Test func goEscapesOnlyLeadingHashAndLeadingOrTrailingSpaces() {
        #expect(GoName.escape("#a#b") == ##"\#a#b"##)
        #expect(GoName.escape(" ") == #"\ "#)
        #expect(GoName.escape("a  b") == "a  b")
        #expect(GoName.escape("é ") == #"é\ "#)
        #expect(GoName.escape("a=b") == "a=b")
    }

    @Test func goMarshalsPrintableTextAsPrintableStringAndTheRestAsUTF8String() {
        #expect(GoName.marshalString("US") == [0x13, 0x02, 0x55, 0x53])
        #expect(GoName.marshalString("a*b") == [0x0C, 0x03, 0x61, 0x2A, 0x62])
        #expect(GoName.marshalString("a&b").first == 0x0C)
        #expect(GoName.marshalString("ü") == [0x0C, 0x02, 0xC3, 0xBC])
        let long = String(repeating: "a", count: 200)
        #expect(Array(GoName.marshalString(long).prefix(3)) == [0x13, 0x81, 0xC8])
    }

    @Test func goShortNamesCoverTheNineAttributesGoNames() {
        let named: [NameAttributeType] = [
            .commonName, .serialNumber, .country, .locality, .stateOrProvince, .streetAddress, .organization,
            .organizationalUnit, .postalCode,
        ]
        #expect(
            named.compactMap(\.goShortName) == [
                "CN", "SERIALNUMBER", "C", "L", "ST", "STREET", "O", "OU", "POSTALCODE",
            ])
        #expect(NameAttributeType(rawValue: "2.5.4.15").goShortName == nil)
    }
}
