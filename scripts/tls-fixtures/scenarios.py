"""What each capture of scripts/make-tls-fixtures is, and the facts its scenario guarantees.

build_expected.py checks every fact below against the capture itself (tshark, with and without the scenario's key
log, and tlswire.py) and refuses to write the answers when one does not hold. Connections are listed in the order
they were made (the capture's order).

Per connection:
  version                       negotiated TLS version ("1.0" ... "1.3"), None when none was negotiated
  established                   the handshake completed (both sides sent Finished)
  resumed, resumption_method    "id" (TLS 1.2 session id), "ticket" (TLS 1.2 session ticket, RFC 5077),
                                "psk" (TLS 1.3 pre_shared_key); None when not resumed
  client_certificate_requested  the server sent a CertificateRequest
  client_certificate_sent       the client sent a non-empty Certificate
  hello_retry_request           the server answered the first ClientHello with a HelloRetryRequest
  server_certificate            which certificate of certs/ the server sent (None: no Certificate message)
  client_certificate            which certificate of certs/ the client sent
  alpn_selected                 the protocol the server chose (also for TLS 1.3, where it is encrypted)
  required_alerts               alerts the scenario is about: (sender, level, description, encrypted on the wire)
"""

OPENSSL_S_SERVER = "openssl s_server (OpenSSL 3.0)"
OPENSSL_S_CLIENT = "openssl s_client (OpenSSL 3.0)"


def conn(version, **kw):
    c = {
        "version": version,
        "sni": None,
        "established": True,
        "resumed": False,
        "resumption_method": None,
        "client_certificate_requested": False,
        "client_certificate_sent": False,
        "hello_retry_request": False,
        "server_certificate": "server-rsa",
        "client_certificate": None,
        "alpn_offered": [],
        "alpn_selected": None,
        "required_alerts": [],
    }
    unknown = set(kw) - set(c)
    assert not unknown, unknown
    c.update(kw)
    return c


CLOSE_BOTH = [("client", "warning", "close_notify", True), ("server", "warning", "close_notify", True)]

SCENARIOS = {
    "tls10": dict(
        description="TLS 1.0 full handshake (both sides limited to TLS 1.0 at @SECLEVEL=0), RSA server certificate "
                    "with its issuing CA, SNI legacy.wirebeat.test, one line of data each way, close_notify both ways.",
        server=OPENSSL_S_SERVER, client=OPENSSL_S_CLIENT, port=443,
        connections=[conn("1.0", sni="legacy.wirebeat.test", required_alerts=CLOSE_BOTH)]),
    "tls11": dict(
        description="TLS 1.1 full handshake, otherwise as tls10.",
        server=OPENSSL_S_SERVER, client=OPENSSL_S_CLIENT, port=443,
        connections=[conn("1.1", sni="legacy.wirebeat.test", required_alerts=CLOSE_BOTH)]),
    "tls12-rsa": dict(
        description="TLS 1.2 ECDHE-RSA full handshake, RSA 2048 server certificate + issuing CA, SNI "
                    "www.wirebeat.test, ALPN h2,http/1.1 offered and h2 chosen, a session ticket issued.",
        server=OPENSSL_S_SERVER, client=OPENSSL_S_CLIENT, port=443,
        connections=[conn("1.2", sni="www.wirebeat.test", alpn_offered=["h2", "http/1.1"], alpn_selected="h2",
                          required_alerts=CLOSE_BOTH)]),
    "tls12-ecdsa": dict(
        description="TLS 1.2 ECDHE-ECDSA full handshake, ECDSA P-256 server certificate + issuing CA, SNI "
                    "ecdsa.wirebeat.test, ALPN h2,http/1.1 offered and http/1.1 chosen.",
        server=OPENSSL_S_SERVER, client=OPENSSL_S_CLIENT, port=443,
        connections=[conn("1.2", sni="ecdsa.wirebeat.test", server_certificate="server-ecdsa",
                          alpn_offered=["h2", "http/1.1"], alpn_selected="http/1.1", required_alerts=CLOSE_BOTH)]),
    "tls13": dict(
        description="TLS 1.3 full handshake (1-RTT, X25519), RSA server certificate (encrypted on the wire), SNI "
                    "www.wirebeat.test, ALPN h2,http/1.1 offered and h2 chosen (in EncryptedExtensions), two "
                    "NewSessionTickets.",
        server=OPENSSL_S_SERVER, client=OPENSSL_S_CLIENT, port=443,
        connections=[conn("1.3", sni="www.wirebeat.test", alpn_offered=["h2", "http/1.1"], alpn_selected="h2",
                          required_alerts=CLOSE_BOTH)]),
    "tls12-resume-id": dict(
        description="Two TLS 1.2 connections, tickets off on both sides: a full handshake that gets a session id, "
                    "then a second connection (new client port) resuming that session by id (abbreviated "
                    "handshake: no Certificate, server sends ChangeCipherSpec first).",
        server=OPENSSL_S_SERVER, client=OPENSSL_S_CLIENT, port=443,
        connections=[conn("1.2", sni="www.wirebeat.test", required_alerts=CLOSE_BOTH),
                     conn("1.2", sni="www.wirebeat.test", resumed=True, resumption_method="id",
                          server_certificate=None, required_alerts=CLOSE_BOTH)]),
    "tls12-resume-ticket": dict(
        description="Two TLS 1.2 connections, server session cache off: a full handshake that gets a session "
                    "ticket (NewSessionTicket), then a second connection resuming with that ticket (RFC 5077).",
        server=OPENSSL_S_SERVER, client=OPENSSL_S_CLIENT, port=443,
        connections=[conn("1.2", sni="www.wirebeat.test", required_alerts=CLOSE_BOTH),
                     conn("1.2", sni="www.wirebeat.test", resumed=True, resumption_method="ticket",
                          server_certificate=None, required_alerts=CLOSE_BOTH)]),
    "tls13-resume-psk": dict(
        description="Two TLS 1.3 connections: a full handshake receiving two NewSessionTickets, then a second "
                    "connection offering the ticket as a pre_shared_key (psk_dhe_ke); the ServerHello accepts it "
                    "(pre_shared_key extension, selected identity 0), no certificate is sent.",
        server=OPENSSL_S_SERVER, client=OPENSSL_S_CLIENT, port=443,
        connections=[conn("1.3", sni="www.wirebeat.test", required_alerts=CLOSE_BOTH),
                     conn("1.3", sni="www.wirebeat.test", resumed=True, resumption_method="psk",
                          server_certificate=None, required_alerts=CLOSE_BOTH)]),
    "tls12-client-cert": dict(
        description="TLS 1.2 with a CertificateRequest from the server (-Verify 1) and the client sending its RSA "
                    "certificate client01.wirebeat.test + issuing CA, then CertificateVerify.",
        server=OPENSSL_S_SERVER, client=OPENSSL_S_CLIENT, port=443,
        connections=[conn("1.2", sni="www.wirebeat.test", client_certificate_requested=True,
                          client_certificate_sent=True, client_certificate="client", required_alerts=CLOSE_BOTH)]),
    "tls13-client-cert": dict(
        description="TLS 1.3 with a CertificateRequest (encrypted) and the client's certificate (encrypted) "
                    "client01.wirebeat.test; nothing of either is visible without the key log.",
        server=OPENSSL_S_SERVER, client=OPENSSL_S_CLIENT, port=443,
        connections=[conn("1.3", sni="www.wirebeat.test", client_certificate_requested=True,
                          client_certificate_sent=True, client_certificate="client", required_alerts=CLOSE_BOTH)]),
    "tls12-client-cert-none": dict(
        description="TLS 1.2, the server requests a client certificate but does not require it (-verify 1); the "
                    "client has none and answers with an empty Certificate message; the handshake completes.",
        server=OPENSSL_S_SERVER, client=OPENSSL_S_CLIENT, port=443,
        connections=[conn("1.2", sni="www.wirebeat.test", client_certificate_requested=True,
                          client_certificate_sent=False, required_alerts=CLOSE_BOTH)]),
    "tls13-hrr": dict(
        description="TLS 1.3 HelloRetryRequest: the client offers groups X25519,P-256 with a key share for X25519 "
                    "only; the server accepts only P-256 and sends a HelloRetryRequest (ServerHello with the "
                    "HRR random); the client's second ClientHello carries a P-256 key share; the handshake "
                    "completes. Two ClientHellos and two ServerHellos on one connection.",
        server=OPENSSL_S_SERVER, client=OPENSSL_S_CLIENT, port=443,
        connections=[conn("1.3", sni="www.wirebeat.test", hello_retry_request=True, required_alerts=CLOSE_BOTH)]),
    "alert-unknown-ca": dict(
        description="TLS 1.2; the server presents a certificate for www.wirebeat.test signed by an untrusted "
                    "'Rogue Test Root CA'; the client (-verify_return_error) rejects it with a plaintext fatal "
                    "unknown_ca alert after the server's first flight and closes.",
        server=OPENSSL_S_SERVER, client=OPENSSL_S_CLIENT, port=443,
        connections=[conn("1.2", sni="www.wirebeat.test", established=False, server_certificate="rogue-server",
                          required_alerts=[("client", "fatal", "unknown_ca", False)])]),
    "alert-protocol-version": dict(
        description="The server speaks only TLS 1.3, the client at most TLS 1.2: the server answers the "
                    "ClientHello with a plaintext fatal protocol_version alert (no ServerHello) and closes.",
        server=OPENSSL_S_SERVER, client=OPENSSL_S_CLIENT, port=443,
        connections=[conn(None, sni="www.wirebeat.test", established=False, server_certificate=None,
                          required_alerts=[("server", "fatal", "protocol_version", False)])]),
    "close-notify": dict(
        description="A clean TLS 1.2 close: after one line of data each way the client sends close_notify "
                    "(encrypted alert record), the server answers with its own close_notify, then both send TCP FIN.",
        server=OPENSSL_S_SERVER, client=OPENSSL_S_CLIENT, port=443,
        connections=[conn("1.2", sni="ecdsa.wirebeat.test", server_certificate="server-ecdsa",
                          required_alerts=CLOSE_BOTH)]),
    "frag-records-512": dict(
        description="TLS 1.2 with the server limited to 512-byte records (-max_send_frag 512): the server's "
                    "Certificate message (leaf + issuing CA) is spread over four handshake records, which "
                    "also share records with ServerHello / ServerKeyExchange.",
        server=OPENSSL_S_SERVER, client=OPENSSL_S_CLIENT, port=443,
        connections=[conn("1.2", sni="www.wirebeat.test", required_alerts=CLOSE_BOTH)]),
    "tiny-mtu": dict(
        description="TLS 1.2 over a 576-byte MTU (MSS 536, offloads off): the server's first flight (about 2.4 KB) "
                    "spans five TCP segments; the Certificate message crosses segment boundaries.",
        server=OPENSSL_S_SERVER, client=OPENSSL_S_CLIENT, port=443,
        connections=[conn("1.2", sni="www.wirebeat.test", required_alerts=CLOSE_BOTH)]),
    "gnutls-tls13": dict(
        description="GnuTLS client (gnutls-cli, TLS 1.3 only) against openssl s_server: SNI www.wirebeat.test, "
                    "ALPN h2,http/1.1 offered (s_server here has no ALPN, so none chosen).",
        server=OPENSSL_S_SERVER, client="gnutls-cli (GnuTLS 3.7)", port=443,
        connections=[conn("1.3", sni="www.wirebeat.test", alpn_offered=["h2", "http/1.1"],
                          required_alerts=CLOSE_BOTH)]),
    "gnutls-tls12": dict(
        description="GnuTLS client (gnutls-cli, TLS 1.2 only) against openssl s_server with the ECDSA certificate: "
                    "SNI ecdsa.wirebeat.test, ALPN h2,http/1.1 offered and http/1.1 chosen.",
        server=OPENSSL_S_SERVER, client="gnutls-cli (GnuTLS 3.7)", port=443,
        connections=[conn("1.2", sni="ecdsa.wirebeat.test", server_certificate="server-ecdsa",
                          alpn_offered=["h2", "http/1.1"], alpn_selected="http/1.1", required_alerts=CLOSE_BOTH)]),
    "java-tls13": dict(
        description="Java 17 JSSE client (SSLSocket, TLSv1.3 only, trusting the test root) against openssl "
                    "s_server on 8443: SNI api.wirebeat.test, ALPN http/1.1. On close JSSE sends an encrypted "
                    "user_canceled warning before its close_notify.",
        server=OPENSSL_S_SERVER, client="Java 17 JSSE (SSLSocket)", port=8443,
        connections=[conn("1.3", sni="api.wirebeat.test", alpn_offered=["http/1.1"], alpn_selected="http/1.1",
                          required_alerts=[("client", "warning", "user_canceled", True)] + CLOSE_BOTH)]),
    "java-tls12": dict(
        description="Java 17 JSSE client (SSLSocket, TLSv1.2 only) against openssl s_server on 8443: SNI "
                    "api.wirebeat.test, ALPN http/1.1 chosen, extended master secret.",
        server=OPENSSL_S_SERVER, client="Java 17 JSSE (SSLSocket)", port=8443,
        connections=[conn("1.2", sni="api.wirebeat.test", alpn_offered=["http/1.1"], alpn_selected="http/1.1",
                          required_alerts=CLOSE_BOTH)]),
    "python-ssl": dict(
        description="Python ssl client (OpenSSL underneath) with a custom cipher list "
                    "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-SHA256:AES128-SHA, TLS 1.2 maximum; the server "
                    "takes the client's first choice (ChaCha20-Poly1305).",
        server=OPENSSL_S_SERVER, client="Python 3.11 ssl", port=443,
        connections=[conn("1.2", sni="www.wirebeat.test", required_alerts=CLOSE_BOTH)]),
    "curl-h2": dict(
        description="curl --http2 --tls-max 1.2 against a node http2 secure server (ALPN h2 only): TLS 1.2, SNI "
                    "www.wirebeat.test, ALPN h2,http/1.1 offered and h2 chosen, one HTTP/2 GET.",
        server="node 20 http2.createSecureServer", client="curl 7.88 (OpenSSL)", port=443,
        connections=[conn("1.2", sni="www.wirebeat.test", alpn_offered=["h2", "http/1.1"], alpn_selected="h2",
                          required_alerts=[("server", "warning", "close_notify", True)])]),
    "port-8444": dict(
        description="TLS 1.2 on the non-standard port 8444 with a static-RSA key exchange suite "
                    "(TLS_RSA_WITH_AES_128_GCM_SHA256, no ServerKeyExchange), SNI api.wirebeat.test.",
        server=OPENSSL_S_SERVER, client=OPENSSL_S_CLIENT, port=8444,
        connections=[conn("1.2", sni="api.wirebeat.test", required_alerts=CLOSE_BOTH)]),
    "port-4433": dict(
        description="TLS 1.3 on the non-standard port 4433, server limited to TLS_CHACHA20_POLY1305_SHA256, ECDSA "
                    "certificate (encrypted), SNI edge.wirebeat.test.",
        server=OPENSSL_S_SERVER, client=OPENSSL_S_CLIENT, port=4433,
        connections=[conn("1.3", sni="edge.wirebeat.test", server_certificate="server-ecdsa",
                          required_alerts=CLOSE_BOTH)]),
    "ipv6": dict(
        description="TLS 1.2 over IPv6 ([fd77::1] -> [fd77::2]:443), ECDSA certificate, SNI ecdsa.wirebeat.test, "
                    "ALPN h2,http/1.1 offered and h2 chosen.",
        server=OPENSSL_S_SERVER, client=OPENSSL_S_CLIENT, port=443,
        connections=[conn("1.2", sni="ecdsa.wirebeat.test", server_certificate="server-ecdsa",
                          alpn_offered=["h2", "http/1.1"], alpn_selected="h2", required_alerts=CLOSE_BOTH)]),
    "sslv2-hello": dict(
        description="An SSLv2-format ClientHello (2-byte record header with the high bit set, version 3,3, seven "
                    "3-byte cipher specs, no session id, 32-byte challenge, no extensions, so no SNI) crafted in "
                    "Python; the server answers with a TLS 1.2 ServerHello (TLS_RSA_WITH_AES_128_GCM_SHA256), "
                    "Certificate, ServerHelloDone; the client closes without going on, and the server sends a "
                    "plaintext fatal decode_error alert.",
        server=OPENSSL_S_SERVER, client="python3 sslv2_hello.py (crafted)", port=443,
        connections=[conn("1.2", established=False,
                          required_alerts=[("server", "fatal", "decode_error", False)])]),
}
