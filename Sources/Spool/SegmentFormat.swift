// The on-disk format of the disk spool (all integers little-endian). Names are distinct from libbeat's
// (`<n>.seg`, `state.dat`), so a Beats queue directory is never mistaken for ours.
//
//   wb-<first id, 20 digits>.seg   a segment: a header, then frames, then (once finished) a seal
//   wb-spool.state                  the acknowledgement state (StateFile.swift)
//   wb-spool.lock                   flock'ed by the process that has the spool open
//
// Segment header (32 bytes): "WBSPOOL\n" | u32 version (1) | u32 header size (32) | u64 first id |
//   u32 reserved (0) | u32 CRC-32C of the 28 bytes before.
// Frame (20 bytes + payload): u32 frame magic | u32 CRC-32C of the bytes from the length to the end of the
//   payload | u32 payload length | u64 id | payload. The CRC sits before what it covers so that length, id and
//   payload are checked in one pass.
// Seal (20 bytes), written when a segment is finished (rolled over, or at close): u32 seal magic | u32 CRC |
//   u32 0 | u64 the first id after this segment. A seal tells recovery that the segment was complete, so a
//   damaged last frame is counted as lost instead of being taken for a write cut short by a crash.
// Both magics begin with 0xFE, a byte that never starts UTF-8 text, so scanning JSON payloads for the next
// frame after damage meets few false candidates (and a candidate must still pass its CRC).

enum SegmentFormat {
    static let headerSize = 32
    static let frameHeaderSize = 20
    static let sealSize = 20
    static let version: UInt32 = 1
    static let magic: [UInt8] = Array("WBSPOOL\n".utf8)
    /// "\u{FE}WBF" and "\u{FE}WBS" read as little-endian integers.
    static let frameMagic: UInt32 = 0x4642_57FE
    static let sealMagic: UInt32 = 0x5342_57FE
    static let magicFirstByte: UInt8 = 0xFE

    static let stateFileName = "wb-spool.state"
    static let lockFileName = "wb-spool.lock"
    private static let segmentPrefix = "wb-"
    private static let segmentSuffix = ".seg"

    /// `wb-00000000000000000042.seg`.
    static func segmentName(firstID: UInt64) -> String {
        let digits = String(firstID)
        return segmentPrefix + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + segmentSuffix
    }

    /// The first id in a segment file's name, or nil when the name is not one of ours.
    static func firstID(inSegmentName name: String) -> UInt64? {
        guard name.hasPrefix(segmentPrefix), name.hasSuffix(segmentSuffix) else { return nil }
        let digits = name.dropFirst(segmentPrefix.count).dropLast(segmentSuffix.count)
        guard digits.count == 20, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(digits)
    }

    static func header(firstID: UInt64) -> [UInt8] {
        var bytes = magic
        bytes.appendLittleEndian(version)
        bytes.appendLittleEndian(UInt32(headerSize))
        bytes.appendLittleEndian(firstID)
        bytes.appendLittleEndian(UInt32(0))
        bytes.appendLittleEndian(CRC32C.checksum(bytes))
        return bytes
    }

    /// The first id a header names, or why it cannot be used.
    static func parseHeader(_ bytes: [UInt8]) -> Result<UInt64, HeaderProblem> {
        guard bytes.count >= headerSize else { return .failure(.short(bytes.count)) }
        guard Array(bytes[0..<8]) == magic else { return .failure(.badMagic) }
        let crc = bytes.loadLittleEndian(UInt32.self, at: 28)
        guard CRC32C.checksum(Array(bytes[0..<28])) == crc else { return .failure(.badChecksum) }
        let version = bytes.loadLittleEndian(UInt32.self, at: 8)
        guard version == Self.version, bytes.loadLittleEndian(UInt32.self, at: 12) == UInt32(headerSize) else {
            return .failure(.unknownVersion(version))
        }
        return .success(bytes.loadLittleEndian(UInt64.self, at: 16))
    }

    enum HeaderProblem: Error, CustomStringConvertible {
        case short(Int)
        case badMagic
        case badChecksum
        case unknownVersion(UInt32)
        case wrongFirstID(header: UInt64)
        case unreadable(Int32)

        var description: String {
            switch self {
            case .short(let count): "the file is \(count) bytes, shorter than a segment header"
            case .badMagic: "it does not start with the wirebeat segment magic"
            case .badChecksum: "the header checksum does not match"
            case .unknownVersion(let version): "unknown segment format version \(version)"
            case .wrongFirstID(let id): "the header names first id \(id), the file name another"
            case .unreadable(let code): "it cannot be read: \(errnoText(code))"
            }
        }
    }

    /// Writes one frame for `payload` with `id` into `destination`, which has exactly its size.
    static func writeFrame(_ payload: [UInt8], id: UInt64, to destination: UnsafeMutableRawBufferPointer) {
        precondition(destination.count == frameHeaderSize + payload.count)
        destination.storeBytes(of: frameMagic.littleEndian, toByteOffset: 0, as: UInt32.self)
        destination.storeBytes(of: UInt32(payload.count).littleEndian, toByteOffset: 8, as: UInt32.self)
        destination.storeBytes(of: id.littleEndian, toByteOffset: 12, as: UInt64.self)
        payload.withUnsafeBytes { source in
            guard let base = source.baseAddress else { return }
            destination.baseAddress!.advanced(by: frameHeaderSize).copyMemory(from: base, byteCount: source.count)
        }
        let crc = CRC32C.update(0, UnsafeRawBufferPointer(rebasing: destination[8...]))
        destination.storeBytes(of: crc.littleEndian, toByteOffset: 4, as: UInt32.self)
    }

    /// Appends a seal saying the segment holds ids below `nextID`.
    static func appendSeal(nextID: UInt64, to buffer: inout [UInt8]) {
        let start = buffer.count
        buffer.appendLittleEndian(sealMagic)
        buffer.appendLittleEndian(UInt32(0))
        buffer.appendLittleEndian(UInt32(0))
        buffer.appendLittleEndian(nextID)
        patchChecksum(in: &buffer, recordAt: start)
    }

    private static func patchChecksum(in buffer: inout [UInt8], recordAt start: Int) {
        let crc = buffer.withUnsafeBytes { CRC32C.update(0, UnsafeRawBufferPointer(rebasing: $0[(start + 8)...])) }
        buffer.withUnsafeMutableBytes { $0.storeBytes(of: crc.littleEndian, toByteOffset: start + 4, as: UInt32.self) }
    }
}

extension [UInt8] {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    func loadLittleEndian<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }
}
