#!/usr/bin/env python3
"""Python ssl (OpenSSL) TLS client for scripts/make-tls-fixtures: custom cipher list, SNI, key log.

Connects, verifies the server against --cafile and --sni, sends one line, prints the reply, closes with close_notify.
"""
import argparse
import socket
import ssl

ap = argparse.ArgumentParser()
ap.add_argument("--host", required=True)
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--sni", required=True)
ap.add_argument("--cafile", required=True)
ap.add_argument("--ciphers", required=True, help="OpenSSL cipher string (TLS <= 1.2 suites)")
ap.add_argument("--max-version", default="TLSv1_2", choices=["TLSv1_2", "TLSv1_3"])
ap.add_argument("--keylog")
a = ap.parse_args()

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(a.cafile)
ctx.set_ciphers(a.ciphers)
ctx.maximum_version = getattr(ssl.TLSVersion, a.max_version)
if a.keylog:
    ctx.keylog_filename = a.keylog
with socket.create_connection((a.host, a.port), timeout=10) as raw:
    with ctx.wrap_socket(raw, server_hostname=a.sni) as tls:
        print("protocol", tls.version(), "cipher", tls.cipher()[0])
        tls.sendall(b"hello\n")
        print("reply", tls.recv(100).decode().strip())
        tls.unwrap()
