#!/usr/bin/env python3
"""Send an SSLv2-format ClientHello (RFC 5246 appendix E.2 backward-compatible hello) asking for TLS 1.2.

    sslv2_hello.py HOST PORT

The record has the 2-byte SSLv2 header (high bit set, 15-bit length), msg_type 1, version 3,3, 3-byte cipher specs,
no session id and a 32-byte challenge. Prints what the server sends back (it should be a TLS handshake record:
ServerHello...) and closes the TCP connection without continuing the handshake.
"""
import os
import socket
import struct
import sys

host, port = sys.argv[1], int(sys.argv[2])
# TLS cipher suites in SSLv2 3-byte form (0x00, hi, lo), plus one SSLv2-only spec (SSL_CK_RC4_128_WITH_MD5).
specs = [0x00C02F, 0x00C030, 0x00009C, 0x00002F, 0x000035, 0x0000FF, 0x010080]
cipher_specs = b"".join(struct.pack(">I", s)[1:] for s in specs)
challenge = os.urandom(32)
body = struct.pack(">BHHHH", 1, 0x0303, len(cipher_specs), 0, len(challenge)) + cipher_specs + challenge
record = struct.pack(">H", 0x8000 | len(body)) + body

with socket.create_connection((host, port), timeout=5) as s:
    s.sendall(record)
    data = b""
    try:
        while len(data) < 5 or len(data) < 5 + struct.unpack(">H", data[3:5])[0]:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        pass
print(f"sent {len(record)} bytes, got {len(data)} bytes: {data[:6].hex()}")
if len(data) >= 6 and data[0] == 22 and data[5] == 2:
    print("server answered with a TLS handshake record (ServerHello first)")
else:
    sys.exit("unexpected answer")
