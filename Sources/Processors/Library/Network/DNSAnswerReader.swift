// Reading a DNS answer the way Beats' dns processor reports it: records of another type than the question
// (a CNAME on the way, say) are skipped; PTR gives the first record's name without its trailing dot and that
// record's TTL; A, AAAA and TXT give every record, with the smallest TTL. libresolv parses the message
// (`ns_initparse`, `ns_parserr`) and expands names (`dn_expand`); what is left here is turning record data
// into the text Beats' resolver (miekg/dns) prints: dotted quads, RFC 5952 IPv6 text (an IPv4-mapped address
// as a dotted quad, as Go prints it), and TXT strings with `"` and `\` escaped and unprintable bytes as `\DDD`.

#if canImport(Glibc)
    import CResolv
    import Glibc
    import NetModel

    /// Turns a raw answer into the dns processor's result.
    enum DNSAnswerReader {
        /// The records of `type` in `message`, or why there are none.
        static func read(
            _ message: UnsafeBufferPointer<UInt8>, _ type: DNSQueryType
        ) -> Result<DNSAnswer, DNSLookupError> {
            var handle = ns_msg()
            guard let base = message.baseAddress, ns_initparse(base, Int32(message.count), &handle) == 0 else {
                return .failure(DNSLookupError("malformed DNS response"))
            }
            var data: [String] = []
            var ttl = UInt32.max
            for index in 0..<Int(handle._counts.1) {
                var record = ns_rr()
                guard ns_parserr(&handle, ns_s_an, Int32(index), &record) == 0 else {
                    return .failure(DNSLookupError("malformed answer record \(index) in the DNS response"))
                }
                guard record.type == type.rawValue else { continue }
                let rdata = UnsafeBufferPointer(start: record.rdata, count: Int(record.rdlength))
                switch type {
                case .ptr:
                    guard let host = expandedName(record.rdata, in: handle) else {
                        return .failure(DNSLookupError("malformed PTR record in the DNS response"))
                    }
                    return .success(DNSAnswer(data: [host], ttl: record.ttl))
                case .a:
                    guard rdata.count == 4 else {
                        return .failure(DNSLookupError("malformed A record in the DNS response"))
                    }
                    data.append(IPAddress(v4: rdata.reduce(0) { $0 << 8 | UInt32($1) }).description)
                case .aaaa:
                    guard rdata.count == 16 else {
                        return .failure(DNSLookupError("malformed AAAA record in the DNS response"))
                    }
                    let high = rdata[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                    let low = rdata[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                    data.append(NetworkValues.unmapped(IPAddress(v6High: high, low: low)).description)
                case .txt:
                    guard let strings = characterStrings(rdata) else {
                        return .failure(DNSLookupError("malformed TXT record in the DNS response"))
                    }
                    data.append(contentsOf: strings.map(escapedText))
                }
                ttl = min(ttl, record.ttl)
            }
            guard !data.isEmpty else {
                return .failure(DNSLookupError("no \(type.mnemonic) resource records were found in the response"))
            }
            return .success(DNSAnswer(data: data, ttl: ttl))
        }

        /// The (possibly compressed) name at `position`, in presentation form without the trailing dot.
        private static func expandedName(_ position: UnsafePointer<UInt8>?, in handle: ns_msg) -> String? {
            guard let position else { return nil }
            var name = [CChar](repeating: 0, count: Int(NS_MAXDNAME))
            guard dn_expand(handle._msg, handle._eom, position, &name, Int32(name.count)) >= 0 else { return nil }
            let text = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return text.hasSuffix(".") ? String(text.dropLast()) : text
        }

        /// The <character-string>s of TXT RDATA (RFC 1035 §3.3.14): each one a length byte and that many bytes.
        private static func characterStrings(_ rdata: UnsafeBufferPointer<UInt8>) -> [[UInt8]]? {
            var strings: [[UInt8]] = []
            var offset = 0
            while offset < rdata.count {
                let length = Int(rdata[offset])
                guard offset + 1 + length <= rdata.count else { return nil }
                strings.append(Array(rdata[(offset + 1)..<(offset + 1 + length)]))
                offset += 1 + length
            }
            return strings
        }

        /// TXT bytes as miekg/dns shows them: `"` and `\` escaped, bytes outside printable ASCII as `\DDD`.
        static func escapedText(_ bytes: [UInt8]) -> String {
            var out = ""
            out.reserveCapacity(bytes.count)
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                    out.append("\\")
                    out.append(Character(Unicode.Scalar(byte)))
                case 0x20...0x7e:
                    out.append(Character(Unicode.Scalar(byte)))
                default:
                    let digits = String(byte)
                    out.append("\\" + String(repeating: "0", count: 3 - digits.count) + digits)
                }
            }
            return out
        }
    }
#endif
