"""A small, independent reader of the fixtures' captures, used to cross-check tshark's answers.

Reads a classic pcap (Ethernet, IPv4/IPv6, TCP), reassembles each TCP direction by sequence number, splits the
byte streams into TLS records, and parses the plaintext handshake messages (ClientHello, ServerHello, Certificate,
CertificateRequest) and plaintext alerts. From those it computes JA3 / JA3S (the Salesforce definition: decimal
values joined with '-', GREASE values left out, fields joined with ',', MD5 of the string).

Written for this project from the RFCs (RFC 8446, RFC 5246, RFC 6066, RFC 7301, RFC 8701); only the standard
library is used.
"""
import hashlib
import struct

GREASE = {0x0A0A + 0x1010 * i for i in range(16)}
HRR_RANDOM = bytes.fromhex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C")


def read_pcap(path):
    """Yields (timestamp, link-layer frame) from a classic pcap file (either byte order, µs or ns)."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        raise ValueError(f"{path}: not a classic pcap file")
    linktype = struct.unpack(end + "I", data[20:24])[0]
    if linktype != 1:
        raise ValueError(f"{path}: link type {linktype}, only Ethernet (1) is handled")
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _orig = struct.unpack(end + "IIII", data[off:off + 16])
        off += 16
        yield sec + frac / 1e6, data[off:off + incl]
        off += incl


def parse_frame(frame):
    """Ethernet -> (src ip, src port, dst ip, dst port, seq, flags, payload) for TCP, else None."""
    etype = struct.unpack(">H", frame[12:14])[0]
    off = 14
    if etype == 0x8100:
        etype = struct.unpack(">H", frame[16:18])[0]
        off = 18
    if etype == 0x0800:
        ihl = (frame[off] & 0x0F) * 4
        total = struct.unpack(">H", frame[off + 2:off + 4])[0]
        if frame[off + 9] != 6:
            return None
        import ipaddress
        src = str(ipaddress.IPv4Address(frame[off + 12:off + 16]))
        dst = str(ipaddress.IPv4Address(frame[off + 16:off + 20]))
        tcp = frame[off + ihl:off + total]
    elif etype == 0x86DD:
        import ipaddress
        plen = struct.unpack(">H", frame[off + 4:off + 6])[0]
        if frame[off + 6] != 6:  # no extension headers in these captures
            return None
        src = "[" + str(ipaddress.IPv6Address(frame[off + 8:off + 24])) + "]"
        dst = "[" + str(ipaddress.IPv6Address(frame[off + 24:off + 40])) + "]"
        tcp = frame[off + 40:off + 40 + plen]
    else:
        return None
    sport, dport, seq = struct.unpack(">HHI", tcp[:8])
    doff = (tcp[12] >> 4) * 4
    flags = tcp[13]
    return src, sport, dst, dport, seq, flags, tcp[doff:]


class Direction:
    def __init__(self):
        self.isn = None
        self.segments = {}

    def add(self, seq, flags, payload):
        if flags & 0x02:  # SYN
            self.isn = seq
        if payload:
            self.segments.setdefault(seq, payload)

    def stream(self):
        """The in-order bytes from the first byte after the SYN, stopping at the first gap."""
        if self.isn is None:
            return b""
        out = bytearray()
        nxt = (self.isn + 1) & 0xFFFFFFFF
        pending = dict(self.segments)
        while True:
            hit = None
            for seq, data in pending.items():
                rel = (nxt - seq) & 0xFFFFFFFF
                if rel < len(data):
                    hit = seq
                    break
            if hit is None:
                return bytes(out)
            data = pending.pop(hit)
            rel = (nxt - hit) & 0xFFFFFFFF
            out += data[rel:]
            nxt = (nxt + len(data) - rel) & 0xFFFFFFFF


def connections(path):
    """{(client "ip:port", server "ip:port"): (client->server bytes, server->client bytes)} for every TCP connection
    whose SYN is in the capture; the client is the side that sent the SYN."""
    dirs, clients = {}, {}
    for _ts, frame in read_pcap(path):
        p = parse_frame(frame)
        if p is None:
            continue
        src, sport, dst, dport, seq, flags, payload = p
        a, b = f"{src}:{sport}", f"{dst}:{dport}"
        dirs.setdefault((a, b), Direction()).add(seq, flags, payload)
        if flags & 0x02 and not flags & 0x10:
            clients[(a, b)] = True
    out = {}
    for (a, b) in clients:
        c2s = dirs[(a, b)].stream()
        s2c = dirs[(b, a)].stream() if (b, a) in dirs else b""
        out[(a, b)] = (c2s, s2c)
    return out


def records(stream):
    """Splits a TLS byte stream into (content type, version, fragment). A stream starting with an SSLv2-format
    record yields ("sslv2", None, body) for it first."""
    out, off = [], 0
    if len(stream) >= 3 and stream[0] & 0x80 and stream[2] == 1:
        n = ((stream[0] & 0x7F) << 8) | stream[1]
        out.append(("sslv2", None, stream[2:2 + n]))
        off = 2 + n
    while off + 5 <= len(stream):
        ctype, ver, n = stream[off], struct.unpack(">H", stream[off + 1:off + 3])[0], struct.unpack(">H", stream[off + 3:off + 5])[0]
        if off + 5 + n > len(stream):
            break
        out.append((ctype, ver, stream[off + 5:off + 5 + n]))
        off += 5 + n
    return out


def plaintext_handshakes(recs, tls13=False):
    """Handshake messages (type, body) of the side's plaintext handshake records, reassembled across records.

    Up to TLS 1.2 the records after the side's ChangeCipherSpec are encrypted (Finished). In TLS 1.3 every
    handshake record (content type 22) is plaintext, the dummy ChangeCipherSpec is skipped, and the encrypted
    handshake messages travel as application data records, which are not seen here."""
    buf = bytearray()
    for ctype, _ver, frag in recs:
        if ctype == 20:
            if tls13:
                continue
            break
        if ctype == 22:
            buf += frag
    msgs, off = [], 0
    while off + 4 <= len(buf):
        t = buf[off]
        n = int.from_bytes(buf[off + 1:off + 4], "big")
        if off + 4 + n > len(buf):
            break
        msgs.append((t, bytes(buf[off + 4:off + 4 + n])))
        off += 4 + n
    return msgs


def plaintext_alerts(recs, tls13=False):
    """(level, description) of the side's plaintext alert records (before its ChangeCipherSpec up to TLS 1.2;
    any alert record in TLS 1.3, where encrypted alerts travel as application data)."""
    out = []
    for ctype, _ver, frag in recs:
        if ctype == 20 and not tls13:
            break
        if ctype == 21 and len(frag) == 2:
            out.append((frag[0], frag[1]))
    return out


def _extensions(body, off):
    exts = []
    if off + 2 > len(body):
        return exts
    total = struct.unpack(">H", body[off:off + 2])[0]
    off += 2
    end = off + total
    while off + 4 <= end:
        t, n = struct.unpack(">HH", body[off:off + 4])
        exts.append((t, body[off + 4:off + 4 + n]))
        off += 4 + n
    return exts


def parse_client_hello(body):
    ver = struct.unpack(">H", body[:2])[0]
    off = 2 + 32
    sid_len = body[off]
    session_id = body[off + 1:off + 1 + sid_len]
    off += 1 + sid_len
    n = struct.unpack(">H", body[off:off + 2])[0]
    ciphers = [struct.unpack(">H", body[off + 2 + i:off + 4 + i])[0] for i in range(0, n, 2)]
    off += 2 + n
    off += 1 + body[off]  # compression methods
    exts = _extensions(body, off)
    ch = {"version": ver, "session_id": session_id, "ciphers": ciphers, "extensions": [t for t, _ in exts],
          "groups": [], "point_formats": [], "sni": None, "alpn": [], "supported_versions": [],
          "session_ticket": None, "key_share_groups": []}
    for t, d in exts:
        if t == 0 and len(d) >= 5:
            ch["sni"] = d[5:5 + struct.unpack(">H", d[3:5])[0]].decode()
        elif t == 10:
            ch["groups"] = [struct.unpack(">H", d[2 + i:4 + i])[0] for i in range(0, struct.unpack(">H", d[:2])[0], 2)]
        elif t == 11:
            ch["point_formats"] = list(d[1:1 + d[0]])
        elif t == 16:
            i = 2
            while i < len(d):
                ch["alpn"].append(d[i + 1:i + 1 + d[i]].decode())
                i += 1 + d[i]
        elif t == 43:
            ch["supported_versions"] = [struct.unpack(">H", d[1 + i:3 + i])[0] for i in range(0, d[0], 2)]
        elif t == 35:
            ch["session_ticket"] = d
        elif t == 51:
            i = 2
            while i + 4 <= len(d):
                g, kl = struct.unpack(">HH", d[i:i + 4])
                ch["key_share_groups"].append(g)
                i += 4 + kl
    return ch


def parse_server_hello(body):
    ver = struct.unpack(">H", body[:2])[0]
    random = body[2:34]
    off = 34
    sid_len = body[off]
    session_id = body[off + 1:off + 1 + sid_len]
    off += 1 + sid_len
    cipher = struct.unpack(">H", body[off:off + 2])[0]
    off += 3  # cipher + compression
    exts = _extensions(body, off)
    sh = {"version": ver, "hrr": random == HRR_RANDOM, "session_id": session_id, "cipher": cipher,
          "extensions": [t for t, _ in exts], "supported_version": None, "alpn": None}
    for t, d in exts:
        if t == 43 and len(d) == 2:
            sh["supported_version"] = struct.unpack(">H", d)[0]
        elif t == 16 and len(d) > 3:
            sh["alpn"] = d[3:3 + d[2]].decode()
    return sh


def certificate_list(body, tls13=False):
    """DER certificates of a (plaintext, TLS <= 1.2) Certificate message."""
    off = 0
    if tls13:
        off = 1 + body[0]
    total = int.from_bytes(body[off:off + 3], "big")
    off += 3
    end = off + total
    certs = []
    while off + 3 <= end:
        n = int.from_bytes(body[off:off + 3], "big")
        certs.append(body[off + 3:off + 3 + n])
        off += 3 + n
        if tls13:
            off += 2 + struct.unpack(">H", body[off:off + 2])[0]
    return certs


def _dash(values):
    return "-".join(str(v) for v in values if v not in GREASE)


def ja3_string(ch):
    return ",".join([str(ch["version"]), _dash(ch["ciphers"]), _dash(ch["extensions"]), _dash(ch["groups"]),
                     _dash(ch["point_formats"])])


def ja3s_string(sh):
    return ",".join([str(sh["version"]), str(sh["cipher"]), _dash(sh["extensions"])])


def md5(s):
    return hashlib.md5(s.encode()).hexdigest()


def summarize(path):
    """Per connection: the plaintext ClientHellos / ServerHellos / certificates / alerts seen on the wire."""
    out = {}
    for (client, server), (c2s, s2c) in connections(path).items():
        crec, srec = records(c2s), records(s2c)
        # Is this TLS 1.3? Look at the server's first plaintext hello (ServerHello or HelloRetryRequest).
        first = [parse_server_hello(b) for t, b in plaintext_handshakes(srec) if t == 2]
        tls13 = bool(first) and first[0]["supported_version"] == 0x0304
        c_msgs, s_msgs = plaintext_handshakes(crec, tls13), plaintext_handshakes(srec, tls13)
        chs = [parse_client_hello(b) for t, b in c_msgs if t == 1]
        shs = [parse_server_hello(b) for t, b in s_msgs if t == 2]
        sslv2 = bool(crec) and crec[0][0] == "sslv2"
        info = {
            "sslv2_client_hello": sslv2,
            "client_hellos": chs,
            "server_hellos": shs,
            "server_certificates": [certificate_list(b) for t, b in s_msgs if t == 11],
            "client_certificates": [certificate_list(b) for t, b in c_msgs if t == 11],
            "certificate_request": any(t == 13 for t, _ in s_msgs),
            "tls13": tls13,
            "client_alerts": plaintext_alerts(crec, tls13),
            "server_alerts": plaintext_alerts(srec, tls13),
            "client_ccs": any(r[0] == 20 for r in crec),
            "server_ccs": any(r[0] == 20 for r in srec),
            "client_record_types": [r[0] for r in crec],
            "server_record_types": [r[0] for r in srec],
        }
        out[(client, server)] = info
    return out
