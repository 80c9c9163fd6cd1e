#!/usr/bin/env python3
"""Byte-level surgery on certificate DER for the X509Fields fixtures.

Each patch rewrites elements of an existing certificate and re-encodes the lengths of the enclosing
elements. The signature is NOT recomputed: parsing is not validating, and a broken signature is part of
what the fixtures exercise.

usage: patch_der.py <patch> <in.der> <out.der>
patches:
  ext-bad-critical    first critical extension's BOOLEAN re-encoded as 0x01 (not DER)
  ext-dup-san         the subjectAltName extension appended a second time
  ext-not-sequence    first extension's SEQUENCE tag changed to SET (0x31)
  sig-mismatch        TBSCertificate signature AlgorithmIdentifier changed to sha1WithRSAEncryption
  ber-length          serial INTEGER length written in long form (0x81 NN): BER, not DER
  serial-non-minimal  serial INTEGER content prefixed with a redundant 0x00
  utctime-no-seconds  notBefore rewritten as a UTCTime without seconds (YYMMDDHHMMZ)
  version-5           version INTEGER changed to 5 (v6)
  odd-name-values     subject extended with an INTEGER-valued attribute, a PrintableString with '@' and
                      '_', a UniversalString and an odd-length BMPString
"""
import sys


def read_tlv(b, i):
    tag = b[i]
    i += 1
    first = b[i]
    i += 1
    if first < 0x80:
        length = first
    else:
        n = first & 0x7F
        length = int.from_bytes(b[i:i + n], "big")
        i += n
    return tag, i, length


def children(b):
    """(tag, content) pairs of the elements concatenated in b."""
    out, i = [], 0
    while i < len(b):
        tag, start, length = read_tlv(b, i)
        out.append((tag, b[start:start + length]))
        i = start + length
    return out


def enc_len(n):
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def tlv(tag, content):
    return bytes([tag]) + enc_len(len(content)) + content


def oid(dotted):
    parts = [int(p) for p in dotted.split(".")]
    body = bytes([40 * parts[0] + parts[1]])
    for p in parts[2:]:
        chunk = [p & 0x7F]
        p >>= 7
        while p:
            chunk.insert(0, 0x80 | (p & 0x7F))
            p >>= 7
        body += bytes(chunk)
    return tlv(0x06, body)


def main():
    patch, src, dst = sys.argv[1:4]
    der = open(src, "rb").read()
    (_, cert), = children(der)
    parts = children(cert)
    tbs = [tlv(t, c) for t, c in children(parts[0][1])]  # full encodings, edited in place
    rest = b"".join(tlv(t, c) for t, c in parts[1:])
    has_version = tbs[0][0] == 0xA0
    serial_i = 1 if has_version else 0
    ext_i = next((i for i, e in enumerate(tbs) if e[0] == 0xA3), None)

    def edit_extensions(edit):
        (_, exts), = children(children(tbs[ext_i])[0][1])
        nodes = [tlv(t, c) for t, c in children(exts)]
        edit(nodes)
        tbs[ext_i] = tlv(0xA3, tlv(0x30, b"".join(nodes)))

    if patch == "ext-bad-critical":
        def edit(nodes):
            for i, e in enumerate(nodes):
                fields = children(children(e)[0][1])
                if len(fields) == 3 and fields[1] == (0x01, b"\xff"):
                    fields[1] = (0x01, b"\x01")
                    nodes[i] = tlv(0x30, b"".join(tlv(t, c) for t, c in fields))
                    return
            sys.exit("no critical extension")
        edit_extensions(edit)
    elif patch == "ext-dup-san":
        edit_extensions(lambda nodes: nodes.append(
            next(e for e in nodes if children(children(e)[0][1])[0][1] == bytes.fromhex("551d11"))))
    elif patch == "ext-not-sequence":
        def edit(nodes):
            nodes[0] = bytes([0x31]) + nodes[0][1:]
        edit_extensions(edit)
    elif patch == "sig-mismatch":
        tbs[serial_i + 1] = tlv(0x30, oid("1.2.840.113549.1.1.5") + tlv(0x05, b""))
    elif patch == "ber-length":
        (_, content), = children(tbs[serial_i])
        tbs[serial_i] = bytes([0x02, 0x81, len(content)]) + content
    elif patch == "serial-non-minimal":
        (_, content), = children(tbs[serial_i])
        tbs[serial_i] = tlv(0x02, b"\x00" + content)
    elif patch == "utctime-no-seconds":
        validity_i = serial_i + 3
        (nb_tag, nb), (na_tag, na) = children(children(tbs[validity_i])[0][1])
        assert nb_tag == 0x17 and len(nb) == 13
        tbs[validity_i] = tlv(0x30, tlv(0x17, nb[:10] + b"Z") + tlv(na_tag, na))
    elif patch == "version-5":
        tbs[0] = tlv(0xA0, tlv(0x02, b"\x05"))
    elif patch == "odd-name-values":
        subject_i = serial_i + 4
        (_, rdns), = children(tbs[subject_i])
        def rdn(attr_oid, value):
            return tlv(0x31, tlv(0x30, oid(attr_oid) + value))
        extra = (rdn("2.5.4.97", tlv(0x02, b"\x05"))
                 + rdn("2.5.4.10", tlv(0x13, b"a@b_c"))
                 + rdn("2.5.4.11", tlv(0x1C, "Uni\u00e9".encode("utf-32-be")))
                 + rdn("2.5.4.7", tlv(0x1E, b"\x00L\x00")))
        tbs[subject_i] = tlv(0x30, rdns + extra)
    else:
        sys.exit("unknown patch " + patch)
    new_cert = tlv(0x30, b"".join(tbs)) + rest
    open(dst, "wb").write(tlv(0x30, new_cert))


if __name__ == "__main__":
    main()
