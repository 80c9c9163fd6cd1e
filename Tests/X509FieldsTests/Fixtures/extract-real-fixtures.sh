#!/usr/bin/env bash
# Extracts the real-world certificate fixtures (public CA and server certificates) from the shared
# pcap corpus and from Packetbeat's golden test output. See README.md for provenance.
set -euo pipefail
cd "$(dirname "$0")"
PCAPS=${PCAPS:-/work/shared/corpus/tls/pcaps}

# pcap frame -> certificate chain (leaf first) -> names, in chain order.
extract() { # pcap frame name...
    local pcap=$1 frame=$2
    shift 2
    local hex
    hex=$(tshark -r "$PCAPS/$pcap" -Y "frame.number == $frame && tls.handshake.certificate" \
        -T fields -e tls.handshake.certificate 2>/dev/null)
    local i=1
    for name in "$@"; do
        echo "$hex" | cut -d, -f$i | xxd -r -p > "real-$name.der"
        i=$((i + 1))
    done
}
extract ja4__browsers-x509.pcapng 8 edge-microsoft-com azure-tls-issuing-ca-05
extract ja4__browsers-x509.pcapng 44 adnxs-com geotrust-ecc-ca-2018
extract ja4__browsers-x509.pcapng 127 liveperson-net sectigo-rsa-ov-ca usertrust-rsa-ca

# The EV certificate of cloudflare.com (subject with serialNumber, jurisdictionC/ST, businessCategory).
extract ja4__tls-alpn-h2.pcap 7 cloudflare-com

# Packetbeat 8 golden output: elastic/beats packetbeat/tests/system/golden/tls_all_options-expected.json,
# key tls.server.certificate_chain (three PEM strings, leaf first), saved as golden-chain.pem.
awk '/BEGIN CERTIFICATE/{n++} {print > ("golden-" n ".pem")}' golden-chain.pem
openssl x509 -in golden-1.pem -outform DER -out golden-www-example-org.der
openssl x509 -in golden-2.pem -outform DER -out golden-digicert-sha2-secure-server-ca.der
openssl x509 -in golden-3.pem -outform DER -out golden-digicert-global-root-ca.der
rm -f golden-1.pem golden-2.pem golden-3.pem

mkdir -p oracle
for f in real-*.der golden-*.der; do
    n=$(basename "$f" .der)
    {
        openssl x509 -inform DER -in "$f" -noout -serial -subject -issuer -nameopt RFC2253 -dates
        for md in md5 sha1 sha256; do openssl x509 -inform DER -in "$f" -noout -fingerprint -$md; done
        openssl x509 -inform DER -in "$f" -noout -text -certopt no_sigdump -nameopt RFC2253
    } > "oracle/$n.txt"
done
