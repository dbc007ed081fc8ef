#!/usr/bin/env bash
# Writes the seed corpora of tests/fuzz/ (committed; rerun only to change them). The KSN
# files are signed for real with a throwaway CA whose certificate is corpus/ksn_anchor.pem
# (its key is not kept); dates span 2026-01-01 .. 2126, and the targets run at 2030-01-01.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
c=$here/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$c"/{proxy_url,log_scrub,base64,jwt,cloud_answer,request,mdr_conf,xliff,csv,env,ksn_payload,ksn_pkcs7,ksn_zip,archive}

# --- KSN: anchor CA, signer, payload, PKCS#7 (PEM and DER), ZIPs ---------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=fuzz KSN CA" \
  -days 36500 -keyout "$tmp/ca.key" -out "$c/ksn_anchor.pem" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=fuzz KSN signer" \
  -keyout "$tmp/signer.key" -out "$tmp/signer.csr" 2>/dev/null
openssl x509 -req -in "$tmp/signer.csr" -CA "$c/ksn_anchor.pem" -CAkey "$tmp/ca.key" \
  -CAcreateserial -CAserial "$tmp/ca.srl" -days 36500 -out "$tmp/signer.pem" 2>/dev/null
spki=$(openssl ecparam -name prime256v1 -genkey 2>/dev/null | openssl pkey -pubout -outform DER | base64 -w0)
cat > "$c/ksn_payload/good.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<ksn-configuration xmlns="urn:mdr:ksn-configuration:1"
                   version="3" issued="2026-01-01T00:00:00Z" expires="2126-01-01T00:00:00Z">
  <organization id="org-fuzz" region="europe"/>
  <servers>
    <server address="ksn-1.mdr.sandbox.invalid" port="443"/>
    <server address="ksn-2.mdr.sandbox.invalid" port="8443"/>
  </servers>
  <telemetry-key id="tk-3" algorithm="EC-P256">$spki</telemetry-key>
</ksn-configuration>
XML
sed 's/expires="2126/expires="2025/' "$c/ksn_payload/good.xml" > "$c/ksn_payload/expired.xml"
printf '<?xml version="1.0"?>\n<!DOCTYPE k [<!ENTITY e "x">]>\n<ksn-configuration xmlns="urn:mdr:ksn-configuration:1">&e;</ksn-configuration>\n' \
  > "$c/ksn_payload/entity.xml"
printf '<ksn-configuration version="1"' > "$c/ksn_payload/cut.xml"
openssl smime -sign -binary -nodetach -in "$c/ksn_payload/good.xml" -signer "$tmp/signer.pem" \
  -inkey "$tmp/signer.key" -outform PEM -out "$c/ksn_pkcs7/good.pem"
openssl smime -sign -binary -nodetach -in "$c/ksn_payload/good.xml" -signer "$tmp/signer.pem" \
  -inkey "$tmp/signer.key" -outform DER -out "$c/ksn_pkcs7/good.der"
openssl smime -sign -binary -in "$c/ksn_payload/good.xml" -signer "$tmp/signer.pem" \
  -inkey "$tmp/signer.key" -outform DER -out "$c/ksn_pkcs7/detached.der"
printf 'not a PKCS#7\n' > "$c/ksn_pkcs7/garbage.txt"
python3 - "$c" <<'PY'
import sys, zipfile, io
c = sys.argv[1]
ksn = open(f"{c}/ksn_pkcs7/good.pem", "rb").read()
def z(path, files):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as f:
        for name, data in files:
            f.writestr(name, data)
blob, bat = b"\x30\x03\x02\x01\x01", b"@echo off\r\nmsiexec /i mdr.msi\r\n"
for d in ("ksn_zip", "archive"):
    pre = b"\x00" if d == "archive" else b""    # archive: first byte = variant (0 = blob)
    for name, files, variant in (
            ("blob.zip", [("ksn_configuration.pem", ksn), ("mdr_configuration.p7", blob)], 0),
            ("with_kea.zip", [("ksn_configuration.pem", ksn), ("mdr_configuration.p7", blob),
                              ("mdr_deploy.bat", bat)], 2),
            ("two_ksn.zip", [("a.pem", ksn), ("b.pkcs7", ksn)], 0),
            ("empty.zip", [], 0)):
        buf = io.BytesIO()
        z(buf, files)
        open(f"{c}/{d}/{name}", "wb").write((bytes([variant]) if d == "archive" else b"") + buf.getvalue())
PY

# --- text formats ------------------------------------------------------------------------
w() { printf '%b' "$2" > "$c/$1"; }
w proxy_url/full 'http://bob:hunter2@proxy.example:3128'
w proxy_url/no_scheme 'bob:hunter2@proxy.example:3128'
w proxy_url/raw_punct "socks5h://u:p;,&'}@w@[::1]:1080/"
w proxy_url/escapes 'https://us%65r:p%40ss%3Aw@10.0.0.1:8080'
w proxy_url/triple_slash 'http:///u:pw@h'
w log_scrub/url '\x00http://bob:hunter2@proxy:3128'
w log_scrub/quoted '\x03socks5://u:a@b:c@h:1'
w log_scrub/bearer '\x04Authorization: Bearer eyJabc.def password=pw&token=t'
w log_scrub/json '\x05{"refresh_token": "r1", "proxy": "u:p@h"}'
w base64/pad '\x40QQ==    '
w base64/lines '\x40QUJD\nREVG\n'
w base64/bad '\x10Q=QQ'
w jwt/good 'eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3OTk5OTk5OTl9.c2ln'
w jwt/no_exp 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'
w jwt/junk 'a.b.c'
w cloud_answer/error '\x0a{"error": {"code": "tenant_limit", "message": "Too many tenants"}}'
w cloud_answer/flat '\x0b{"error": "bad_code", "message": "nope\\u0007"}'
w cloud_answer/tokens '\x00{"access_token": "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3OTk5OTk5OTl9.c2ln", "refresh_token": "r"}'
w cloud_answer/file '\x00{"content_base64": "QUJD", "size": 3}'
w cloud_answer/template '\x05{{setting}} {{http_status}} {{service_code}} {{detail}} {{'
w request/valid '{"code": "abc", "region": "europe", "limit": 100, "enabled": true, "filter": {"limit": 5, "q": "x"}, "ids": [1, 2]}'
w request/bad_type '{"code": 5}'
w request/unknown '{"zz": 1}'
w request/deep '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[{}]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]'
w request/utf8 '{"name": "\xd0\xb0\xd0\xb1\xd0\xb2", "code": "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"}'
cp "$here/../../resources/mdr.conf" "$c/mdr_conf/default.conf"
w mdr_conf/proxy 'cloud = { proxy = "bob:hunter2@proxy.local:3128"; no_proxy = "localhost"; timeout_ms = 5000; };\n'
w mdr_conf/bad 'cloud = { base_url = "http://x"; max_retries = 99999999999999999999L; };\n'
w mdr_conf/syntax 'cloud = { base_url = "https://x" \n'
cp "$here/../../locales/mdr.fr.xlf" "$c/xliff/mdr.fr.xlf"
w xliff/small '<?xml version="1.0"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="en" target-language="de" datatype="plaintext" original="x"><body><trans-unit id="a.b"><source>A {x}</source><target>B {x}</target></trans-unit></body></file></xliff>\n'
w xliff/entity '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><xliff>&b;</xliff>\n'
w csv/cells 'name\x00=1+1\x00"quoted, text"\x01line\nbreak\x00-3\x00\x02\x00\x01\x02\x03\x04\x05\x06\x07\x08'
w csv/guards '+x\x00@y\x00\tz\x00\rw\x01\x01'
w env/plain 'HTTPS_PROXY=http://u:p@h:1\nexport A="x \\"y\\" \\\\ z" # c\nB=plain value # comment\n'
w env/quotes "NODE_EXTRA_CA_CERTS='/tmp/a b.pem'\nA='unterminated\n=novalue\n"
printf 'JUNK=a\000b\nHTTPS_PROXY=x\n' > "$c/env/crash-nul-line"
w env/last_line 'A=1\nvalue with "quotes" and \\\\'
echo "seeds written under $c" >&2
