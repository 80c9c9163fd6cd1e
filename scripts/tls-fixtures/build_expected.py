#!/usr/bin/env python3
"""Writes FIXTURES/expected.jsonl and FIXTURES/scenarios.json from the captures made by scripts/make-tls-fixtures.

    build_expected.py FIXTURES [--skipped "name name"]

expected.jsonl (the shared corpus format, read by tls-score):
  source "tshark-4.0": what tshark reads in each capture *without* keys: JA3, JA3S, SNI, negotiated version
      (TLS 1.3 from the ServerHello supported_versions), selected cipher (IANA name), ALPN chosen by the server
      (TLS <= 1.2 only), plaintext alerts, and whether the handshake completed (checked with the key log).
  source "openssl": the certificate the server (and, in tls12-client-cert, the client) sent in plaintext, as
      `openssl x509` reads the PEM file in certs/ that the capture's certificate is byte-for-byte equal to.
      Never for TLS 1.3 connections, whose certificates are encrypted.
scenarios.json: per capture, the scenario's facts (resumption, client certificates, HRR, alerts by side, number of
  connections, ...), every one of them checked here against the capture, decrypted with keylogs/<name>.keylog.

Every tshark value is also recomputed by tlswire.py (an independent parser) and every cipher name is checked
against OpenSSL's table of standard names; any disagreement stops the script.
"""
import argparse
import base64
import collections
import datetime
import hashlib
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlswire  # noqa: E402
from scenarios import SCENARIOS  # noqa: E402

VERSIONS = {0x0300: "ssl3", 0x0301: "1.0", 0x0302: "1.1", 0x0303: "1.2", 0x0304: "1.3"}
# RFC 8446 section 6 / RFC 5246 section 7.2 alert names, checked against tshark's own value names below.
ALERTS = {0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 22: "record_overflow",
          40: "handshake_failure", 42: "bad_certificate", 43: "unsupported_certificate", 44: "certificate_revoked",
          45: "certificate_expired", 46: "certificate_unknown", 47: "illegal_parameter", 48: "unknown_ca",
          49: "access_denied", 50: "decode_error", 51: "decrypt_error", 70: "protocol_version",
          71: "insufficient_security", 80: "internal_error", 86: "inappropriate_fallback", 90: "user_canceled",
          109: "missing_extension", 110: "unsupported_extension", 112: "unrecognized_name",
          113: "bad_certificate_status_response", 115: "unknown_psk_identity", 116: "certificate_required",
          120: "no_application_protocol"}
LEVELS = {1: "warning", 2: "fatal"}

FIELDS = ["frame.number", "ip.src", "ipv6.src", "tcp.srcport", "ip.dst", "ipv6.dst", "tcp.dstport",
          "tls.record.content_type", "tls.handshake.type", "tls.handshake.ja3", "tls.handshake.ja3s",
          "tls.handshake.extensions_server_name", "tls.handshake.ciphersuite",
          "tls.handshake.extensions.supported_version", "tls.handshake.extensions_alpn_str", "tls.handshake.version",
          "tls.handshake.random", "tls.alert_message.level", "tls.alert_message.desc",
          "tls.handshake.certificates_length", "tls.handshake.certificate",
          "tls.handshake.extensions.psk.identity.selected"]


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def value_table(field):
    """tshark's own value -> name table for a field (tshark -G values)."""
    out = {}
    for line in run(["tshark", "-G", "values"]).splitlines():
        p = line.split("\t")
        if len(p) >= 4 and p[0] == "V" and p[1] == field:
            out[int(p[2], 0)] = p[3]
    return out


def openssl_cipher_names():
    """IANA/RFC names of every suite this OpenSSL knows, from `openssl ciphers -V -stdname`."""
    out = {}
    text = run(["openssl", "ciphers", "-V", "-stdname", "ALL:COMPLEMENTOFALL:@SECLEVEL=0"])
    for line in text.splitlines():
        m = re.match(r"\s*0x([0-9A-F]{2}),0x([0-9A-F]{2})\s+-\s+(\S+)", line)
        if m:
            out[int(m.group(1) + m.group(2), 16)] = m.group(3)
    return out


def endpoint(ip, port):
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


def tshark_view(pcap, port, keylog=None):
    """Per (src endpoint, dst endpoint): list of per-frame dicts of the TLS fields (lists of values)."""
    cmd = ["tshark", "-r", pcap, "-n", "-d", f"tcp.port=={port},tls", "-Y", "tls", "-T", "fields",
           "-E", "separator=\t", "-E", "aggregator=|", "-E", "occurrence=a"]
    if keylog:
        cmd += ["-o", f"tls.keylog_file:{keylog}"]
    for f in FIELDS:
        cmd += ["-e", f]
    frames = collections.defaultdict(list)
    for line in run(cmd).splitlines():
        vals = dict(zip(FIELDS, [v.split("|") if v else [] for v in line.split("\t")]))
        src = endpoint((vals["ip.src"] or vals["ipv6.src"])[0], vals["tcp.srcport"][0])
        dst = endpoint((vals["ip.dst"] or vals["ipv6.dst"])[0], vals["tcp.dstport"][0])
        frames[(src, dst)].append(vals)
    return frames


def alerts_of(frames):
    out = []
    for fr in frames:
        for lvl, desc in zip(fr["tls.alert_message.level"], fr["tls.alert_message.desc"]):
            out.append((int(fr["frame.number"][0]), LEVELS.get(int(lvl), lvl), ALERTS.get(int(desc), str(desc))))
    return out


def hs_types(frames):
    return [int(t) for fr in frames for t in fr["tls.handshake.type"]]


def cert_der(path):
    pem = open(path).read()
    b64 = "".join(l for l in pem.splitlines() if l and not l.startswith("-----"))
    return base64.b64decode(b64)


def x509_fields(path, role):
    """The ECS fields of one certificate, from openssl x509."""
    txt = run(["openssl", "x509", "-in", path, "-noout", "-serial", "-subject", "-issuer", "-startdate", "-enddate",
               "-nameopt", "RFC2253", "-dateopt", "iso_8601", "-ext", "subjectAltName"])
    info = {}
    for line in txt.splitlines():
        if "=" in line and not line.startswith(" "):
            k, v = line.split("=", 1)
            info[k.strip()] = v.strip()
    sans = []
    m = re.search(r"X509v3 Subject Alternative Name:.*?\n\s+(.*)", txt)
    if m:
        sans = [s.strip()[4:] for s in m.group(1).split(",") if s.strip().startswith("DNS:")]
    text = run(["openssl", "x509", "-in", path, "-noout", "-text"])
    algo = re.search(r"Public Key Algorithm: (\S+)", text).group(1)
    bits = int(re.search(r"Public-Key: \((\d+) bit\)", text).group(1))
    fps = {}
    for alg in ("md5", "sha1", "sha256"):
        out = run(["openssl", "x509", "-in", path, "-noout", "-fingerprint", f"-{alg}"])
        fps[alg] = out.strip().split("=", 1)[1].replace(":", "").upper()
    check(fps["sha256"] == hashlib.sha256(cert_der(path)).hexdigest().upper(), f"{path}: fingerprint mismatch")

    def cn(dn):
        for part in re.split(r"(?<!\\),", dn):
            if part.startswith("CN="):
                return part[3:]
        raise Fail(f"{path}: no CN in {dn}")

    def iso(s):  # "2025-03-01 12:34:56Z" -> "2025-03-01T12:34:56.000Z"
        t = datetime.datetime.strptime(s, "%Y-%m-%d %H:%M:%SZ")
        return t.strftime("%Y-%m-%dT%H:%M:%S.000Z")

    algo_name = {"rsaEncryption": "RSA", "id-ecPublicKey": "ECDSA"}[algo]
    serial = info["serial"].upper()
    check(re.search(r"[A-F]", serial), f"{path}: serial {serial} has no hex letter (ambiguous with decimal)")
    p = f"tls.{role}"
    return {
        f"{p}.x509.subject.common_name": cn(info["subject"]),
        f"{p}.x509.issuer.common_name": cn(info["issuer"]),
        f"{p}.x509.serial_number": serial,
        f"{p}.x509.alternative_names": sans,
        f"{p}.x509.public_key_algorithm": algo_name,
        f"{p}.x509.public_key_size": bits,
        f"{p}.not_before": iso(info["notBefore"]),
        f"{p}.not_after": iso(info["notAfter"]),
        f"{p}.subject": info["subject"],
        f"{p}.issuer": info["issuer"],
        f"{p}.hash.md5": fps["md5"],
        f"{p}.hash.sha1": fps["sha1"],
        f"{p}.hash.sha256": fps["sha256"],
    }


def build(fixtures, skipped):
    pcaps_dir = os.path.join(fixtures, "pcaps")
    certs = {os.path.splitext(f)[0]: os.path.join(fixtures, "certs", f)
             for f in os.listdir(os.path.join(fixtures, "certs")) if f.endswith(".pem")}
    ders = {name: cert_der(path) for name, path in certs.items()}
    tshark_ciphers = value_table("tls.handshake.ciphersuite")
    ossl_ciphers = openssl_cipher_names()
    tshark_alerts = value_table("tls.alert_message.desc")
    for num, name in ALERTS.items():
        want = re.sub(r"[^a-z0-9]+", "_", tshark_alerts[num].lower()).strip("_")
        check(want == name or (num == 90 and want == "user_canceled"), f"alert {num}: tshark says {tshark_alerts[num]}, we say {name}")

    expected, scenarios_out, problems = [], {}, []
    for name, sc in SCENARIOS.items():
        if name in skipped:
            continue
        pcap = os.path.join(pcaps_dir, f"{name}.pcap")
        keylog = os.path.join(fixtures, "keylogs", f"{name}.keylog")
        try:
            lines, summary = build_one(name, sc, pcap, keylog if os.path.exists(keylog) else None, ders,
                                       tshark_ciphers, ossl_ciphers, certs)
        except Fail as e:
            problems.append(f"{name}: {e}")
            continue
        expected += lines
        scenarios_out[f"{name}.pcap"] = summary
    extra = sorted(set(os.path.splitext(f)[0] for f in os.listdir(pcaps_dir)) - set(SCENARIOS))
    if extra:
        problems.append(f"captures without a scenario: {extra}")
    if problems:
        for p in problems:
            print("build_expected: " + p, file=sys.stderr)
        sys.exit(1)
    with open(os.path.join(fixtures, "expected.jsonl"), "w") as f:
        for e in expected:
            f.write(json.dumps(e, sort_keys=True) + "\n")
    with open(os.path.join(fixtures, "scenarios.json"), "w") as f:
        json.dump(scenarios_out, f, indent=2, sort_keys=False)
        f.write("\n")
    by_source = collections.Counter(e["source"] for e in expected)
    print(f"build_expected: {len(scenarios_out)} captures, {len(expected)} expected lines "
          f"({', '.join(f'{k}: {v}' for k, v in sorted(by_source.items()))}), all scenario facts verified")


def build_one(name, sc, pcap, keylog, ders, tshark_ciphers, ossl_ciphers, certs):
    check(os.path.exists(pcap), "capture missing")
    check(keylog is not None, "key log missing")
    check(os.path.getsize(pcap) < 20000, f"capture is {os.path.getsize(pcap)} bytes (limit 20000)")
    wire = tlswire.summarize(pcap)
    check(len(wire) == len(sc["connections"]),
          f"{len(wire)} TCP connections in the capture, scenario says {len(sc['connections'])}")
    plain = tshark_view(pcap, sc["port"])
    dec = tshark_view(pcap, sc["port"], keylog) if keylog else plain
    lines, conns = [], []
    for i, ((client, server), w) in enumerate(wire.items()):
        want = sc["connections"][i]
        where = f"connection {i + 1} ({client} -> {server})"
        c2s, s2c = plain.get((client, server), []), plain.get((server, client), [])
        dc2s, ds2c = dec.get((client, server), []), dec.get((server, client), [])
        check(server.endswith(f":{sc['port']}"), f"{where}: server port is not {sc['port']}")

        # --- ClientHello(s): tshark (no keys) against tlswire.
        ch_frames = [fr for fr in c2s if 1 in map(int, fr["tls.handshake.type"])]
        ja3s_t = [fr["tls.handshake.ja3"][0] for fr in ch_frames if fr["tls.handshake.ja3"]]
        ja3s_w = [tlswire.md5(tlswire.ja3_string(ch)) for ch in w["client_hellos"]]
        check(ja3s_t == ja3s_w, f"{where}: JA3 tshark {ja3s_t} vs tlswire {ja3s_w}")
        sni_t = sorted({v for fr in ch_frames for v in fr["tls.handshake.extensions_server_name"]})
        sni_w = sorted({ch["sni"] for ch in w["client_hellos"] if ch["sni"]})
        check(sni_t == sni_w, f"{where}: SNI tshark {sni_t} vs tlswire {sni_w}")
        check(sni_w == ([want["sni"]] if want["sni"] else []), f"{where}: SNI {sni_w}, scenario says {want['sni']}")
        alpn_offered = w["client_hellos"][0]["alpn"] if w["client_hellos"] else []
        check(alpn_offered == want["alpn_offered"], f"{where}: ALPN offered {alpn_offered}, scenario says {want['alpn_offered']}")
        check(w["sslv2_client_hello"] == (name == "sslv2-hello"), f"{where}: SSLv2 hello mismatch")

        # --- ServerHello(s).
        sh_frames = [fr for fr in s2c if 2 in map(int, fr["tls.handshake.type"])]
        check(len(sh_frames) == len(w["server_hellos"]), f"{where}: {len(sh_frames)} ServerHellos in tshark, {len(w['server_hellos'])} in tlswire")
        final_t = final_w = None
        for fr, sh in zip(sh_frames, w["server_hellos"]):
            check(fr["tls.handshake.ja3s"] == [tlswire.md5(tlswire.ja3s_string(sh))], f"{where}: JA3S differs")
            check([int(x, 0) for x in fr["tls.handshake.ciphersuite"]] == [sh["cipher"]], f"{where}: cipher differs")
            is_hrr_t = fr["tls.handshake.random"][0].replace(":", "").upper() == tlswire.HRR_RANDOM.hex().upper()
            check(is_hrr_t == sh["hrr"], f"{where}: tshark and tlswire disagree on the HelloRetryRequest")
            if not sh["hrr"]:
                final_t, final_w = fr, sh
        hrr = any(sh["hrr"] for sh in w["server_hellos"])
        check(hrr == want["hello_retry_request"], f"{where}: HelloRetryRequest {hrr}, scenario says {want['hello_retry_request']}")

        version = None
        fields = {}
        if final_t is not None:
            sv = final_t["tls.handshake.extensions.supported_version"]
            num = int(sv[0], 0) if sv else int(final_t["tls.handshake.version"][0], 0)
            check(num == (final_w["supported_version"] or final_w["version"]), f"{where}: version differs")
            version = VERSIONS[num]
            cipher = final_w["cipher"]
            check(tshark_ciphers.get(cipher) == ossl_ciphers.get(cipher),
                  f"{where}: cipher 0x{cipher:04x}: tshark {tshark_ciphers.get(cipher)} vs openssl {ossl_ciphers.get(cipher)}")
            fields["tls.server.ja3s"] = final_t["tls.handshake.ja3s"][0]
            fields["tls.version"] = version
            fields["tls.cipher"] = tshark_ciphers[cipher]
            alpn_t = final_t["tls.handshake.extensions_alpn_str"]
            check(alpn_t == ([final_w["alpn"]] if final_w["alpn"] else []), f"{where}: ALPN tshark {alpn_t} vs tlswire {final_w['alpn']}")
            if alpn_t and version != "1.3":
                fields["tls.next_protocol"] = alpn_t[0]
        check(version == want["version"], f"{where}: version {version}, scenario says {want['version']}")
        if ja3s_t:
            check(len(set(ja3s_t)) == 1, f"{where}: the ClientHellos have different JA3 {ja3s_t}")
            fields["tls.client.ja3"] = ja3s_t[0]
        if sni_t:
            fields["tls.client.server_name"] = sni_t[0]
        if w["client_hellos"]:
            counts = {len(fr["tls.handshake.ciphersuite"]) for fr in ch_frames}
            check(counts == {len(ch["ciphers"]) for ch in w["client_hellos"]} and len(counts) == 1,
                  f"{where}: offered cipher suite counts tshark {counts}")
            fields["tls.client.supported_ciphers.count"] = counts.pop()

        # --- What the keys show: Finished both ways, certificates, CertificateRequest, PSK, ALPN in 1.3.
        c_types, s_types = hs_types(dc2s), hs_types(ds2c)
        established = 20 in c_types and 20 in s_types
        check(established == want["established"], f"{where}: established {established}, scenario says {want['established']}")
        fields["tls.established"] = established
        cert_req = 13 in s_types
        check(cert_req == want["client_certificate_requested"], f"{where}: CertificateRequest {cert_req}")
        ccert_lens = [int(x) for fr in dc2s for x in fr["tls.handshake.certificates_length"]]
        ccert_sent = any(n > 0 for n in ccert_lens)
        check(ccert_sent == want["client_certificate_sent"], f"{where}: client certificate sent {ccert_sent}")
        if want["client_certificate_requested"] and not ccert_sent:
            check(ccert_lens == [0], f"{where}: expected an empty client Certificate message, saw {ccert_lens}")
        scert = [bytes.fromhex(x.replace(":", "")) for fr in ds2c for x in fr["tls.handshake.certificate"]]
        ccert = [bytes.fromhex(x.replace(":", "")) for fr in dc2s for x in fr["tls.handshake.certificate"]]
        if want["server_certificate"]:
            check(scert and scert[0] == ders[want["server_certificate"]], f"{where}: server certificate is not certs/{want['server_certificate']}.pem")
            if want["server_certificate"].startswith("server-"):
                check(len(scert) == 2 and scert[1] == ders["issuing"], f"{where}: server chain is not leaf + issuing CA")
        else:
            check(not scert, f"{where}: server sent a certificate, scenario says none")
        if want["client_certificate"]:
            check(ccert and ccert[0] == ders[want["client_certificate"]], f"{where}: client certificate is not certs/{want['client_certificate']}.pem")
        server_cert_visible = bool(w["server_certificates"] and w["server_certificates"][0])
        if server_cert_visible:
            check(w["server_certificates"][0][0] == scert[0], f"{where}: tlswire and tshark see different server certificates")
        check(server_cert_visible == (bool(want["server_certificate"]) and version != "1.3"), f"{where}: server certificate visibility")
        client_cert_visible = any(w["client_certificates"]) and any(len(x) for x in w["client_certificates"])

        # resumption
        resumed, method = False, None
        first_ch = w["client_hellos"][0] if w["client_hellos"] else None
        if established and version == "1.3":
            psk_sel = [x for fr in ds2c for x in fr["tls.handshake.extensions.psk.identity.selected"]]
            if final_w and 41 in final_w["extensions"]:
                check(psk_sel == ["0"], f"{where}: pre_shared_key in ServerHello but tshark selected {psk_sel}")
                resumed, method = True, "psk"
        elif established and final_w is not None and 11 not in s_types:
            resumed = True
            check(first_ch["session_id"] and final_w["session_id"] == first_ch["session_id"] or first_ch["session_ticket"],
                  f"{where}: abbreviated handshake without a matching session id or ticket")
            method = "ticket" if first_ch["session_ticket"] else "id"
        check((resumed, method) == (want["resumed"], want["resumption_method"]),
              f"{where}: resumed {resumed}/{method}, scenario says {want['resumed']}/{want['resumption_method']}")

        alpn_sel = None
        if version == "1.3":
            vals = [v for fr in ds2c for v in fr["tls.handshake.extensions_alpn_str"]]
            alpn_sel = vals[-1] if vals else None
        elif final_w is not None:
            alpn_sel = final_w["alpn"]
        check(alpn_sel == want["alpn_selected"], f"{where}: ALPN selected {alpn_sel}, scenario says {want['alpn_selected']}")

        # --- Alerts: the decrypted view says which; the plain view says which were readable on the wire.
        plain_alerts = {(fr, d) for fr, _l, d in alerts_of(c2s)} | {(fr, d) for fr, _l, d in alerts_of(s2c)}
        observed = sorted([(fr, "client", lvl, d) for fr, lvl, d in alerts_of(dc2s)] +
                          [(fr, "server", lvl, d) for fr, lvl, d in alerts_of(ds2c)])
        alerts = [{"from": side, "level": lvl, "description": d, "encrypted": (fr, d) not in plain_alerts}
                  for fr, side, lvl, d in observed]
        wire_alerts = [("client", LEVELS[l], ALERTS[d]) for l, d in w["client_alerts"]] + \
                      [("server", LEVELS[l], ALERTS[d]) for l, d in w["server_alerts"]]
        check(sorted(wire_alerts) == sorted((a["from"], a["level"], a["description"]) for a in alerts if not a["encrypted"]),
              f"{where}: plaintext alerts tlswire {wire_alerts} vs tshark {alerts}")
        seq = [(a["from"], a["level"], a["description"], a["encrypted"]) for a in alerts]
        it = iter(seq)
        check(all(req in it for req in want["required_alerts"]),
              f"{where}: alerts {seq} do not include, in order, {want['required_alerts']}")
        plaintext = [a for a in alerts if not a["encrypted"]]
        if plaintext:
            fields["tls.alert.description"] = plaintext[0]["description"]

        lines.append({"pcap": f"{name}.pcap", "client": client, "server": server, "source": "tshark-4.0",
                      "fields": fields})
        ofields = {}
        if server_cert_visible:
            ofields.update(x509_fields(certs[want["server_certificate"]], "server"))
        if client_cert_visible:
            ofields.update(x509_fields(certs[want["client_certificate"]], "client"))
        if ofields:
            lines.append({"pcap": f"{name}.pcap", "client": client, "server": server, "source": "openssl",
                          "fields": ofields})

        conns.append({
            "client": client, "server": server,
            "version": version,
            "cipher": fields.get("tls.cipher"),
            "sni": want["sni"],
            "alpn_offered": want["alpn_offered"],
            "alpn_selected": want["alpn_selected"],
            "alpn_visible": "tls.next_protocol" in fields,
            "established": established,
            "resumed": resumed,
            "resumption_method": method,
            "hello_retry_request": hrr,
            "session_id_echoed": bool(first_ch and final_w and first_ch["session_id"]
                                      and final_w["session_id"] == first_ch["session_id"]),
            "client_hellos": len(w["client_hellos"]) + (1 if w["sslv2_client_hello"] else 0),
            "sslv2_client_hello": w["sslv2_client_hello"],
            "server_hellos": len(w["server_hellos"]),
            "server_certificate": f"certs/{want['server_certificate']}.pem" if want["server_certificate"] else None,
            "server_certificate_visible": server_cert_visible,
            "client_certificate_requested": cert_req,
            "client_certificate_request_visible": w["certificate_request"],
            "client_certificate_sent": ccert_sent,
            "client_certificate": f"certs/{want['client_certificate']}.pem" if want["client_certificate"] else None,
            "client_certificate_visible": bool(client_cert_visible),
            "alerts": alerts,
        })
    summary = {
        "description": sc["description"],
        "server_software": sc["server"],
        "client_software": sc["client"],
        "server_port": sc["port"],
        "network": "ipv6" if conns and conns[0]["client"].startswith("[") else "ipv4",
        "tls_connections": len(conns),
        "keylog": f"keylogs/{name}.keylog" if keylog else None,
        "connections": conns,
    }
    return lines, summary


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("fixtures")
    ap.add_argument("--skipped", default="")
    a = ap.parse_args()
    build(a.fixtures, set(a.skipped.split()))


if __name__ == "__main__":
    main()
