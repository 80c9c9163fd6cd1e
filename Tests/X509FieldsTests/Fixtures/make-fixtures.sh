#!/usr/bin/env bash
# Regenerates the synthetic X509Fields fixtures (see README.md). Needs OpenSSL 3.0+ and python3.
# Keys are random, so every run changes fingerprints, keys and (for `-days` certificates) dates:
# after regenerating, refresh the expected values in the tests from oracle/*.txt.
set -euo pipefail
cd "$(dirname "$0")"
OUT=$PWD
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

key() { openssl genpkey -quiet "$@"; }
selfsigned() { # name key serial subject [extra req options...]
    local name=$1 keyfile=$2 serial=$3 subject=$4
    shift 4
    openssl req -x509 -key "$keyfile" -days 365 -set_serial "$serial" -subj "$subject" -outform DER \
        -out "$OUT/$name.der" "$@"
}

key -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa2048.pem
key -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out rsa4096.pem
key -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048 -out rsapss.pem
key -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out p256.pem
key -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out p384.pem
key -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out p521.pem
key -algorithm EC -pkeyopt ec_paramgen_curve:secp256k1 -out k256.pem
key -algorithm EC -pkeyopt ec_paramgen_curve:brainpoolP256r1 -out bp256.pem
key -algorithm ED25519 -out ed25519.pem
key -algorithm ED448 -out ed448.pem
key -algorithm X25519 -out x25519.pem
openssl genpkey -quiet -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 -out dsaparam.pem
key -paramfile dsaparam.pem -out dsa.pem

# Key and signature algorithms.
selfsigned rsa2048-san rsa2048.pem 21020869104500376438182461249190639870 \
    '/C=US/ST=California/L=Los Angeles/O=Internet Corporation for Assigned Names and Numbers/OU=Technology/CN=www.example.org' \
    -sha256 -addext 'subjectAltName=email:hostmaster@example.org,DNS:www.example.org,IP:192.0.2.10,URI:https://example.org/path,DNS:example.org,IP:2001:db8:0:0:1:0:0:1,IP:::ffff:198.51.100.7,IP:2001:db8::'
selfsigned rsa4096-sha512 rsa4096.pem 1 '/CN=rsa4096.example' -sha512
selfsigned rsa-sha1 rsa2048.pem 2 '/CN=sha1.example' -sha1
selfsigned rsa-sha384 rsa2048.pem 3 '/CN=sha384.example' -sha384
selfsigned rsa-md5 rsa2048.pem 4 '/CN=md5.example' -md5
selfsigned rsa-pss-sha256 rsa2048.pem 5 '/CN=pss.example' -sha256 \
    -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 -sigopt rsa_mgf1_md:sha256
selfsigned rsa-pss-salt20 rsa2048.pem 6 '/CN=pss20.example' -sha256 \
    -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:20 -sigopt rsa_mgf1_md:sha256
selfsigned rsapss-key rsapss.pem 7 '/CN=rsapss-key.example' -sha256
selfsigned ecdsa-p256 p256.pem 8 '/CN=p256.example' -sha256
selfsigned ecdsa-p384 p384.pem 9 '/CN=p384.example' -sha384
selfsigned ecdsa-p521 p521.pem 10 '/CN=p521.example' -sha512
selfsigned ecdsa-secp256k1 k256.pem 11 '/CN=secp256k1.example' -sha256
selfsigned ecdsa-brainpoolp256r1 bp256.pem 12 '/CN=brainpool.example' -sha256
selfsigned ed25519 ed25519.pem 13 '/CN=ed25519.example'
selfsigned ed448 ed448.pem 14 '/CN=ed448.example'
selfsigned dsa2048 dsa.pem 15 '/CN=dsa.example' -sha256
openssl pkey -in x25519.pem -pubout -out x25519.pub
openssl req -new -key rsa2048.pem -subj '/CN=x25519.example' -out x25519.csr
openssl x509 -req -in x25519.csr -force_pubkey x25519.pub -CA "$OUT/rsa2048-san.der" -CAform DER \
    -CAkey rsa2048.pem -set_serial 16 -days 365 -sha256 -outform DER -out "$OUT/x25519-key.der"

# Serial numbers.
selfsigned serial-long rsa2048.pem 0xFF00112233445566778899AABBCCDDEEFF001122 '/CN=serial-long.example'
selfsigned serial-highbit rsa2048.pem 0x80 '/CN=serial-highbit.example'
selfsigned serial-negative rsa2048.pem -129 '/CN=serial-negative.example'
selfsigned serial-zero rsa2048.pem 0 '/CN=serial-zero.example'

# Names.
selfsigned multi-rdn rsa2048.pem 20 '/C=US/O=Example Org+OU=Unit B+OU=Unit A/CN=multi.example' -multivalue-rdn
selfsigned repeated-attrs rsa2048.pem 21 '/C=US/O=Org One/O=Org Two/OU=Unit/CN=first.example/CN=second.example'
selfsigned escaping rsa2048.pem 22 '/CN=\ lead, \+"q"\\<a>;b=c trail\ /O=\#hash/OU=  two spaces'
selfsigned utf8-org rsa2048.pem 23 '/C=DE/O=Bücher & Söhne GmbH/CN=bücher.example' -utf8
printf '[req]\ndistinguished_name=dn\nstring_mask=default\n[dn]\n' > t61.cnf
selfsigned t61-subject rsa2048.pem 24 '/C=DE/O=Müller AG/CN=t61.example' -utf8 -config t61.cnf
printf '[req]\ndistinguished_name=dn\nstring_mask=pkix\n[dn]\n' > bmp.cnf
selfsigned bmp-subject rsa2048.pem 25 '/C=CH/O=Zürich Ω Corp/CN=bmp.example' -utf8 -config bmp.cnf
selfsigned extra-attrs rsa2048.pem 26 \
    '/businessCategory=Private Organization/jurisdictionC=US/serialNumber=4710875/C=US/ST=CA/street=1 Main St/postalCode=94107/O=Ex & Co*/CN=ev.example/emailAddress=admin@example.com/DC=example'

# Validity encodings: UTCTime before 2050, GeneralizedTime before 1950 and from 2050 (RFC 5280 4.1.2.5).
mkdir -p ca && : > ca/index.txt && echo 1000 > ca/serial
printf '[ca]\ndefault_ca=c\n[c]\ndatabase=ca/index.txt\nserial=ca/serial\nnew_certs_dir=ca\ndefault_md=sha256\npolicy=p\n[p]\ncommonName=supplied\n' > ca.cnf
openssl req -new -key p256.pem -subj '/CN=gentime.example' -out gentime.csr
openssl ca -batch -notext -config ca.cnf -selfsign -keyfile p256.pem -in gentime.csr \
    -startdate 19491231235959Z -enddate 20500101000000Z -out gentime.pem 2>/dev/null
openssl x509 -in gentime.pem -outform DER -out "$OUT/gentime-1949-2050.der"

# Extensions.
selfsigned unknown-critical-ext rsa2048.pem 30 '/CN=unknown-ext.example' \
    -addext '1.3.6.1.4.1.55555.1.1=critical,ASN1:UTF8String:must understand' -addext 'subjectAltName=DNS:unknown-ext.example'
# SAN: [2] good.example, [9] (no such GeneralName), [2] with a non-IA5 byte, [7] 5-byte IP, [2] also.example.
selfsigned malformed-san rsa2048.pem 31 '/CN=malformed-san.example' \
    -addext 'subjectAltName=DER:3035820c676f6f642e6578616d706c658901ff820d62c3bc61642e6578616d706c658705c00002010282'"0c616c736f2e6578616d706c65"
selfsigned san-not-sequence rsa2048.pem 32 '/CN=san-not-sequence.example' -addext 'subjectAltName=DER:0403010203'
python3 "$OUT/patch_der.py" ext-bad-critical "$OUT/rsa2048-san.der" "$OUT/ext-bad-critical.der"
python3 "$OUT/patch_der.py" ext-dup-san "$OUT/rsa2048-san.der" "$OUT/ext-dup-san.der"
python3 "$OUT/patch_der.py" ext-not-sequence "$OUT/rsa2048-san.der" "$OUT/ext-not-sequence.der"
python3 "$OUT/patch_der.py" sig-mismatch "$OUT/rsa2048-san.der" "$OUT/sig-mismatch.der"
cat > other-san.cnf <<'CNF'
[req]
distinguished_name=dn
[dn]
[ext]
subjectAltName=@san
[san]
otherName.1=1.3.6.1.4.1.311.20.2.3;UTF8:user@example.com
RID.1=1.2.3.4.5
dirName.1=dir
DNS.1=other-kinds.example
[dir]
C=US
O=Directory Org
CN=dir.example
CNF
selfsigned san-other-kinds rsa2048.pem 33 '/CN=san-other-kinds.example' -config other-san.cnf -extensions ext

# Encodings that are not DER, and odd field values (patched, signature left stale).
python3 "$OUT/patch_der.py" ber-length "$OUT/rsa2048-san.der" "$OUT/ber-length.der"
python3 "$OUT/patch_der.py" serial-non-minimal "$OUT/serial-zero.der" "$OUT/serial-non-minimal.der"
python3 "$OUT/patch_der.py" utctime-no-seconds "$OUT/rsa2048-san.der" "$OUT/utctime-no-seconds.der"
python3 "$OUT/patch_der.py" version-5 "$OUT/rsa2048-san.der" "$OUT/version-5.der"
python3 "$OUT/patch_der.py" odd-name-values "$OUT/rsa2048-san.der" "$OUT/odd-name-values.der"

# Version 1 (no extensions).
openssl req -new -key rsa2048.pem -subj '/CN=v1.example' -out v1.csr
openssl x509 -req -in v1.csr -key rsa2048.pem -set_serial 40 -days 365 -outform DER -out "$OUT/v1.der" 2>/dev/null

# Inputs that are not certificates.
openssl req -new -key rsa2048.pem -subj '/CN=csr.example' -outform DER -out "$OUT/not-a-cert-csr.der"
openssl pkey -in p256.pem -outform DER -out "$OUT/not-a-cert-key.der"
head -c 500 "$OUT/rsa2048-san.der" > "$OUT/truncated.der"
{ cat "$OUT/rsa2048-san.der"; printf '\000\000'; } > "$OUT/trailing-bytes.der"

# Oracle: OpenSSL's view of every certificate fixture.
mkdir -p "$OUT/oracle"
for f in "$OUT"/*.der; do
    n=$(basename "$f" .der)
    if ! openssl x509 -inform DER -in "$f" -noout >/dev/null 2>&1; then
        # OpenSSL refuses it as a certificate: keep its ASN.1 view instead, when there is one.
        openssl asn1parse -inform DER -in "$f" -i > "$OUT/oracle/$n.txt" 2>&1 || true
        continue
    fi
    {
        openssl x509 -inform DER -in "$f" -noout -serial -subject -issuer -nameopt RFC2253 -dates
        for md in md5 sha1 sha256; do openssl x509 -inform DER -in "$f" -noout -fingerprint -$md; done
        openssl x509 -inform DER -in "$f" -noout -text -certopt no_sigdump -nameopt RFC2253
    } > "$OUT/oracle/$n.txt" 2>&1 || true
done
