import Testing
@testable import NetModel

@Suite struct DecimalTextTests {
    /// Every digit count from 1 to 20, at both ends of its range and around the pair boundaries.
    static let values: [UInt64] = {
        var v: [UInt64] = [0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, UInt64.max, UInt64.max - 1]
        var p: UInt64 = 10
        for _ in 1..<19 {
            p *= 10
            v += [p - 1, p, p + 7]
        }
        return v
    }()

    @Test(arguments: values)
    func writesWhatSwiftPrints(value: UInt64) {
        let text = String(value)
        #expect(DecimalText.count(value) == text.utf8.count)
        let written = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: DecimalText.maxDigits) { buffer in
            DecimalText.write(value, width: text.utf8.count, to: buffer.baseAddress!)
            return String(decoding: buffer.prefix(text.utf8.count), as: UTF8.self)
        }
        #expect(written == text)
    }

    @Test(arguments: values)
    func stringsAreWhatSwiftPrints(value: UInt64) {
        #expect(DecimalText.string(value) == String(value))
        let signed = Int64(truncatingIfNeeded: value)
        #expect(DecimalText.string(signed) == String(signed))
        #expect(DecimalText.string(-signed) == String(-signed) || signed == .min)
    }

    @Test func stringsAtTheEndsOfInt64() {
        #expect(DecimalText.string(Int64.min) == "-9223372036854775808")
        #expect(DecimalText.string(Int64.max) == "9223372036854775807")
        #expect(DecimalText.string(Int64(0)) == "0")
        #expect(DecimalText.string(Int64(-7)) == "-7")
    }

    @Test(arguments: [(UInt64(7), 4, "0007"), (12_345, 2, "45"), (12_345, 3, "345"), (5, 1, "5"), (0, 9, "000000000")])
    func widthPadsWithZerosOrKeepsTheLastDigits(value: UInt64, width: Int, text: String) {
        let written = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: width) { buffer in
            DecimalText.write(value, width: width, to: buffer.baseAddress!)
            return String(decoding: buffer, as: UTF8.self)
        }
        #expect(written == text)
    }
}
