// Test helpers: chunks recorded as comparable values, segment tables, and a seeded random generator.

import NetModel
import PacketDecoding
import TCPStreams
import TestSupport

/// A delivered chunk with its bytes copied out, comparable in `#expect`.
///
/// Bytes are kept as a String with one Unicode scalar per byte (Latin-1), so tables read naturally for
/// ASCII and still compare any byte exactly.
enum Chunk: Equatable, CustomStringConvertible {
    case data(String)
    case gap(Int)
    case end(StreamEndReason)

    init(_ chunk: StreamChunk) {
        switch chunk {
        case .data(let bytes): self = .data(latin1(bytes))
        case .gap(let n): self = .gap(n)
        case .end(let reason): self = .end(reason)
        }
    }

    var description: String {
        switch self {
        case .data(let s): return "data(\"\(s)\")"
        case .gap(let n): return "gap(\(n))"
        case .end(let r): return "end(.\(r))"
        }
    }
}

/// Bytes as a String, one scalar per byte.
func latin1<C: Collection<UInt8>>(_ bytes: C) -> String {
    String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
}

/// A String back to bytes, one byte per scalar (test tables use ASCII).
func bytes(_ s: String) -> [UInt8] { s.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) } }

/// Records chunks; adjacent `data` chunks are merged, since where the reassembler splits delivery is
/// not part of its contract.
struct ChunkRecorder {
    private(set) var chunks: [Chunk] = []
    /// Every `data` chunk as delivered, unmerged.
    private(set) var rawDataCount = 0

    mutating func record(_ chunk: StreamChunk) {
        let new = Chunk(chunk)
        if case .data(let more) = new {
            rawDataCount += 1
            if case .data(let previous)? = chunks.last {
                chunks[chunks.count - 1] = .data(previous + more)
                return
            }
        }
        chunks.append(new)
    }
}

/// One input to a reassembler in a test table.
enum Step: Sendable, CustomStringConvertible {
    /// A segment: sequence number, flags, payload.
    case segment(UInt32, TCPFlags, String)
    /// An acknowledgment from the other direction.
    case ack(UInt32)
    /// The owner ends the direction.
    case finish(StreamEndReason)

    static func syn(_ isn: UInt32) -> Step { .segment(isn, [.syn], "") }
    static func data(_ seq: UInt32, _ payload: String) -> Step { .segment(seq, [.ack, .psh], payload) }
    static func fin(_ seq: UInt32, _ payload: String = "") -> Step { .segment(seq, [.ack, .fin], payload) }
    static func rst(_ seq: UInt32) -> Step { .segment(seq, [.rst], "") }

    var description: String {
        switch self {
        case .segment(let seq, let flags, let payload):
            return "seg(\(seq), 0x\(String(flags.rawValue, radix: 16)), \"\(payload)\")"
        case .ack(let a): return "ack(\(a))"
        case .finish(let r): return "finish(.\(r))"
        }
    }
}

/// Feeds `steps` to `reassembler` and returns the merged chunks.
@discardableResult
func run(_ steps: [Step], into reassembler: inout StreamReassembler, sharedLimit: Int = .max) -> [Chunk] {
    var recorder = ChunkRecorder()
    for step in steps {
        switch step {
        case .segment(let seq, let flags, let payload):
            bytes(payload).withUnsafeBytes { buffer in
                reassembler.receive(
                    seq: seq, flags: flags, payload: buffer, timestamp: .zero, sharedLimit: sharedLimit
                ) { recorder.record($0) }
            }
        case .ack(let value):
            reassembler.noteAcknowledged(upTo: value) { recorder.record($0) }
        case .finish(let reason):
            reassembler.finish(reason) { recorder.record($0) }
        }
    }
    return recorder.chunks
}

/// Feeds `steps` to a fresh reassembler with `limits`.
func run(_ steps: [Step], limits: StreamLimits = .default) -> (chunks: [Chunk], reassembler: StreamReassembler) {
    var reassembler = StreamReassembler(limits: limits)
    let chunks = run(steps, into: &reassembler)
    return (chunks, reassembler)
}

