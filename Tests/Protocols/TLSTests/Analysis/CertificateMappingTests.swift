import Events
import Foundation
import Testing
import X509Fields

@testable import TLSAnalysis

@Suite struct CertificateMappingTests {
    /// An EV-style certificate whose subject has a street, postal code and serial number (made by the X509Fields
    /// fixture script; OpenSSL's reading of it is in `oracle/extra-attrs.txt`).
    static func extraAttributes() throws -> CertificateFields {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../X509FieldsTests/Fixtures/extra-attrs.der").standardized
        return try X509Parser.parse(der: Array(try Data(contentsOf: url)))
    }

    @Test func theDetailedNameCarriesEveryPartPacketbeatPublishes() throws {
        let x = CertificateMapping.detailed(try Self.extraAttributes())
        #expect(x.value(at: "subject.street_address")?.string == "1 Main St")
        #expect(x.value(at: "subject.postal_code")?.string == "94107")
        #expect(x.value(at: "subject.serial_number")?.string == "4710875")
        #expect(x.value(at: "subject.province")?.string == "CA")
        #expect(x.value(at: "subject.state_or_province")?.string == nil)
    }

    @Test func theECSNameHasOnlyECSKeys() throws {
        let x = CertificateMapping.ecs(try Self.extraAttributes())
        #expect(x.value(at: "subject.state_or_province")?.string == "CA")
        for key in ["street_address", "postal_code", "serial_number", "province"] {
            #expect(x.value(at: "subject.\(key)")?.string == nil, "\(key) is not an ECS x509 name key")
        }
    }
}
