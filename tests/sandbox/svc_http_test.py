#!/usr/bin/env python3
"""HTTPS tests of mdr-sandbox's service side (docs/cloud-api.md): every rule at its edge.

Usage: svc_http_test.py PATH/TO/mdr-sandbox. Prints 'N passed, N failed'; exit 1 on failure.
"""
import base64
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import traceback
import zipfile

import requests

BIN = sys.argv[1]
WORK = tempfile.mkdtemp(prefix="svc-http-")
DAY = 24 * 3600 * 1000


def sh(*args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_ca(name):
    """A CA and (for the server) a certificate for 127.0.0.1 signed by it."""
    d = os.path.join(WORK, name)
    os.makedirs(d)
    sh("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
       "-keyout", f"{d}/ca.key", "-out", f"{d}/ca.pem", "-days", "2", "-subj", f"/CN={name} CA")
    sh("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
       "-keyout", f"{d}/server.key", "-out", f"{d}/server.csr", "-subj", "/CN=127.0.0.1")
    with open(f"{d}/ext", "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\n")
    sh("openssl", "x509", "-req", "-in", f"{d}/server.csr", "-CA", f"{d}/ca.pem", "-CAkey",
       f"{d}/ca.key", "-CAcreateserial", "-out", f"{d}/server.pem", "-days", "2", "-extfile",
       f"{d}/ext")
    return d


TLS = make_ca("tls")
OTHER = make_ca("other")


class Sandbox:
    def __init__(self, *args):
        self.proc = subprocess.Popen(
            [BIN, "--listen", "127.0.0.1:0", "--tls-cert", f"{TLS}/server.pem", "--tls-key",
             f"{TLS}/server.key", "--assets", "3000", "--tenants", "3", "--licenses", "2",
             "--incidents", "20", *args], stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        assert line, "mdr-sandbox exited before it was ready"
        self.ready = json.loads(line)
        self.base = self.ready["base_url"] + "/console"
        self.http = requests.Session()

    def call(self, path, body=None, token=None, status=200):
        h = {"Authorization": "Bearer " + token} if token else {}
        r = self.http.post(f"{self.base}/{path}", json=body if body is not None else {},
                           headers=h, verify=f"{TLS}/ca.pem")
        assert r.status_code == status, (path, r.status_code, r.text)
        j = r.json()
        if status != 200:
            assert set(j["error"]) >= {"code", "message"}, j
        return j

    def err(self, path, body, token, status, code):
        j = self.call(path, body, token, status)
        assert j["error"]["code"] == code, (path, j)
        return j

    def admin(self, path, body=None, status=200):
        r = self.http.post(f"{self.ready['admin_url']}/{path}", json=body or {},
                           verify=f"{TLS}/ca.pem",
                           headers={"Authorization": "Bearer " + self.ready["admin_token"]})
        assert r.status_code == status, (path, r.status_code, r.text)
        return r.json()

    def sign_in(self, account):
        return self.call("account/sign-in", account)["account_token"]

    def activate(self, region="europe"):
        t = self.sign_in(self.ready["account"])
        st = self.call("activation/activate",
                       {"activation_code": self.ready["activation_code"], "region": region}, t)
        ids = [a["id"] for a in st["agreements"]]
        self.call("activation/accept-agreements", {"agreements": ids}, t)
        st = self.call("activation/accept-ksn-statement", {"accepted": True}, t)
        assert st["next_step"] == "none" and st["activated"], st
        return t

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)
        self.http.close()
        # a clean stop: state saved, and under the sanitizers no leak or error reported
        assert self.proc.returncode == 0, f"mdr-sandbox stopped with {self.proc.returncode}"


SBX = Sandbox()
TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


@test
def account__sign_in_rules():
    SBX.err("account/sign-in", {"login": SBX.ready["account"]["login"], "password": "wrong"}, None,
            401, "invalid_credentials")
    SBX.err("activation/status", {}, None, 401, "unauthorized")
    SBX.err("activation/status", {}, "forged.token.value", 401, "unauthorized")
    t = SBX.sign_in(SBX.ready["account"])
    st = SBX.call("activation/status", {}, t)
    assert st["next_step"] == "activation_code" and not st["current_license"], st
    SBX.call("account/sign-out", {}, t)
    SBX.err("activation/status", {}, t, 401, "unauthorized")


@test
def activation__tied_account_told_to_contact_support():
    acc = [a for a in SBX.admin("accounts")["accounts"] if a["kind"] == "tied"][0]
    t = SBX.sign_in(acc)
    assert SBX.call("activation/status", {}, t)["next_step"] == "contact_support"
    code = SBX.admin("codes/create", {"tier": "expert"})["activation_code"]
    j = SBX.err("activation/activate", {"activation_code": code, "region": "europe"}, t, 403,
                "account_tied_elsewhere")
    assert "Technical Support" in j["error"]["message"]


@test
def activation__code_form_region_and_refusals():
    fresh = SBX.admin("accounts", {"create": "fresh1@example.com"})["accounts"][-1]
    t = SBX.sign_in(fresh)
    SBX.err("activation/activate", {"activation_code": "ABCDE-12345", "region": "europe"}, t,
            400, "invalid_code_format")
    SBX.err("activation/activate", {"activation_code": "ABCDE-12345-ABCDE-12345", "region": "europe"},
            t, 404, "code_unknown")
    sa = SBX.admin("codes/create", {"tier": "expert", "region": "saudi_arabia"})["activation_code"]
    SBX.err("activation/activate", {"activation_code": sa, "region": "europe"}, t, 422,
            "region_mismatch")
    st = SBX.call("activation/activate", {"activation_code": sa, "region": "saudi_arabia"}, t)
    assert st["storage"] == "ksa" and st["kata_available"] is False
    assert [a["id"] for a in st["agreements"]] == ["mdr_agreement", "dpa"]
    SBX.err("activation/accept-agreements", {"agreements": ["mdr_agreement"]}, t, 422,
            "agreements_incomplete")
    SBX.call("activation/accept-agreements", {"agreements": ["mdr_agreement", "dpa"]}, t)
    SBX.err("activation/accept-ksn-statement", {"accepted": False}, t, 422, "ksn_statement_refused")
    st = SBX.call("activation/status", {}, t)
    assert st["next_step"] == "activation_code" and not st["current_license"], st  # nothing half-done
    SBX.err("licenses/list", {}, t, 409, "not_activated")
    ru = SBX.admin("codes/create", {"tier": "basic"})["activation_code"]
    st = SBX.call("activation/activate", {"activation_code": ru, "region": "russia"}, t)
    assert st["service_language"] == "ru" and [a["id"] for a in st["agreements"]] == ["mdr_agreement"]


@test
def activation__existing_account_selects_tenants():
    t = SBX.sign_in(SBX.ready["existing_account"])
    st = SBX.call("activation/status", {}, t)
    assert st["next_step"] == "select_tenants" and st["current_license"], st
    ids = [x["tenant_id"] for x in st["tenants"]]
    assert len(ids) == 3
    SBX.err("activation/activate", {"activation_code": SBX.ready["activation_code"], "region": "europe"},
            t, 409, "license_exists")
    SBX.err("activation/select-tenants", {"tenants": ["nope"]}, t, 404, "tenant_not_found")
    st = SBX.call("activation/select-tenants", {"tenants": ids[:2]}, t)
    assert st["next_step"] == "agreements"
    SBX.call("activation/accept-agreements", {"agreements": ["mdr_agreement", "dpa"]}, t)
    st = SBX.call("activation/accept-ksn-statement", {"accepted": True}, t)
    assert st["activated"] and len(st["selected_tenants"]) == 2, st


@test
def activation__seeded_data_becomes_the_accounts():
    t = SBX.activate()
    lic = SBX.call("licenses/list", {}, t)
    assert len(lic) == 2 and all(l["status"] == "Active" for l in lic), lic
    tenants = SBX.call("tenants/list", {}, t)
    assert len(tenants) == 3 and all(x["config_files"] for x in tenants)
    usage = SBX.call("usage/get", {}, t)
    assert usage["connected_assets"] == 3000, usage
    q = usage["custom_incidents"]
    assert q["quota"] == 3 and q["used"] + q["remaining"] == 3
    by = SBX.call("licenses/by-tenant", {}, t)
    assert sum(r["assets"] for r in by) == 3000
    exp = [x["expiration_time"] for x in tenants]
    assert exp == sorted(exp, reverse=True)


def token():
    return SBX.sign_in(SBX.ready["account"])


@test
def ksn__file_verifies_with_the_anchor_only():
    t = token()
    cur = SBX.call("ksn/current", {}, t)
    f = SBX.call("ksn/file", {}, t)
    assert f["version"] == cur["version"] and f["sha256"] == cur["sha256"]
    pem = os.path.join(WORK, "ksn.pem")
    with open(pem, "wb") as fh:
        fh.write(base64.b64decode(f["content_base64"]))
    ok = subprocess.run(["openssl", "cms", "-verify", "-in", pem, "-inform", "PEM", "-CAfile",
                         SBX.ready["ksn_trust_anchor"]], capture_output=True)
    assert ok.returncode == 0 and b"<ksn-configuration" in ok.stdout, ok.stderr
    assert f'version="{f["version"]}"'.encode() in ok.stdout
    bad = subprocess.run(["openssl", "cms", "-verify", "-in", pem, "-inform", "PEM", "-CAfile",
                          f"{OTHER}/ca.pem"], capture_output=True)
    assert bad.returncode != 0


@test
def ksn__publish_rotates_and_test_variants():
    t = token()
    v0 = SBX.call("ksn/current", {}, t)["version"]
    key0 = SBX.call("ksn/file", {}, t)["content_base64"]
    assert SBX.admin("ksn/publish")["version"] == v0 + 1
    f = SBX.call("ksn/file", {}, t)
    assert f["version"] == v0 + 1 and f["content_base64"] != key0
    SBX.admin("ksn/publish", {"variant": "expired"})
    assert SBX.call("ksn/current", {}, t)["expired"] is True
    SBX.admin("ksn/publish", {"variant": "untrusted"})
    pem = os.path.join(WORK, "untrusted.pem")
    with open(pem, "wb") as fh:
        fh.write(base64.b64decode(SBX.call("ksn/file", {}, t)["content_base64"]))
    bad = subprocess.run(["openssl", "cms", "-verify", "-in", pem, "-inform", "PEM", "-CAfile",
                          SBX.ready["ksn_trust_anchor"]], capture_output=True)
    assert bad.returncode != 0
    top = SBX.call("ksn/current", {}, t)["version"]
    assert SBX.admin("ksn/publish", {"variant": "lower_version"})["version"] == top - 1
    assert SBX.admin("ksn/publish")["version"] == top + 1


@test
def licenses__add_remove_tier_region_expire_archive():
    t = token()
    opt = SBX.admin("codes/create", {"tier": "optimum"})["activation_code"]
    SBX.err("licenses/add", {"activation_code": opt}, t, 422, "tier_mismatch")
    ru = SBX.admin("codes/create", {"tier": "expert", "region": "russia"})["activation_code"]
    SBX.err("licenses/add", {"activation_code": ru}, t, 422, "region_mismatch")
    ok = SBX.admin("codes/create", {"tier": "expert", "assets_limit": 10})["activation_code"]
    lic = SBX.call("licenses/add", {"activation_code": ok}, t)
    assert lic["status"] == "Active" and lic["name"] == "MDR Expert, 10 assets"
    SBX.err("licenses/add", {"activation_code": ok}, t, 409, "code_in_use")
    assert SBX.call("licenses/remove", {"license_id": lic["license_id"]}, t)["status"] == "Removed"
    assert len(SBX.call("licenses/list", {"all": True}, t)) > len(SBX.call("licenses/list", {}, t))
    assert SBX.call("licenses/add", {"activation_code": ok}, t)["status"] == "Active"
    SBX.admin("licenses/expire", {"id": lic["license_id"]})
    lic2 = [l for l in SBX.call("licenses/list", {"all": True}, t)
            if l["license_id"] == lic["license_id"]][0]
    assert lic2["status"] == "Expired" and lic2["expiration_warning"]
    first = SBX.call("licenses/list", {}, t)[0]["license_id"]
    for variant, names in (("blob", {"ksn_configuration.pem", "mdr_configuration.p7"}),
                           ("bat", {"ksn_configuration.pem", "mdr_deploy.bat"})):
        z = SBX.call("licenses/archive", {"license_id": first, "variant": variant}, t)
        with zipfile.ZipFile(io.BytesIO(base64.b64decode(z["content_base64"]))) as zf:
            assert set(zf.namelist()) == names, zf.namelist()
    SBX.err("licenses/archive", {"license_id": first, "variant": "with_kea"}, t, 400,
            "invalid_variant")


def last_day(t):
    lic = SBX.call("licenses/list", {}, t)[0]
    e = lic["expiration_time"] - 1
    return lic["license_id"], e - e % DAY


@test
def tenants__limits_at_their_edges():
    t = token()
    lic, last = last_day(t)
    SBX.err("tenants/create", {"name": "x" * 101}, t, 400, "invalid_name")
    a = SBX.call("tenants/create", {"name": "x" * 100, "description": "d" * 2000}, t)
    SBX.err("tenants/update", {"tenant_id": a["tenant_id"], "description": "d" * 2001}, t, 400,
            "invalid_description")
    SBX.err("tenants/create", {"name": "X" * 100}, t, 409, "tenant_name_taken")
    SBX.err("tenants/create", {"name": "Edge", "config_files": [
        {"license_id": lic, "expiration_time": last}]}, t, 422, "expiration_after_license")
    e = SBX.call("tenants/create", {"name": "Edge", "config_files": [
        {"license_id": lic, "expiration_time": last - 1}]}, t)
    assert e["expiration_time"] == last - 1 and e["status"] == "Active"
    SBX.err("tenants/config-files/delete", {"tenant_id": e["tenant_id"],
            "file_id": e["config_files"][0]["file_id"]}, t, 409, "last_config_file")
    z = SBX.call("tenants/archive", {"tenant_id": e["tenant_id"], "variant": "with_kea"}, t)
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(z["content_base64"]))) as zf:
        assert set(zf.namelist()) == {"ksn_configuration.pem", "mdr_configuration.p7", "mdr_deploy.bat"}
    n = len(SBX.call("tenants/list", {}, t))
    for i in range(n, 100):
        SBX.call("tenants/create", {"name": f"Bulk {i}"}, t)
    assert len(SBX.call("tenants/list", {}, t)) == 100
    SBX.err("tenants/create", {"name": "The 101st"}, t, 409, "tenant_limit")
    seeded = [x for x in SBX.call("tenants/list", {}, t) if x["assets"] > 0][0]
    d = SBX.call("tenants/delete", {"tenant_id": seeded["tenant_id"]}, t)
    assert d["disconnected_assets"] == seeded["assets"] > 0
    SBX.call("tenants/create", {"name": "The 101st"}, t)
    SBX.call("tenants/deactivate", {"tenant_id": e["tenant_id"]}, t)
    assert SBX.call("tenants/get", {"tenant_id": e["tenant_id"]}, t)["status"] == "Inactive"


@test
def reports__fifty_per_organization_ten_per_tenant():
    t = token()
    tid = SBX.call("tenants/list", {}, t)[0]["tenant_id"]
    body = {"name": "n" * 1000, "acknowledged": True, "emails": "a@b.example, c@d.example",
            "day": "every_day", "time": "15:00", "tenant_id": tid}
    SBX.err("reports/create", dict(body, acknowledged=False), t, 422, "acknowledgement_required")
    SBX.err("reports/create", dict(body, name="n" * 1001), t, 400, "invalid_name")
    SBX.err("reports/create", dict(body, time="7:00"), t, 400, "invalid_time")
    SBX.err("reports/create", dict(body, emails="not-an-address"), t, 400, "invalid_email")
    for _ in range(10):
        s = SBX.call("reports/create", body, t)
    assert s["emails"] == ["a@b.example", "c@d.example"]
    SBX.err("reports/create", body, t, 409, "tenant_schedule_limit")
    for _ in range(40):
        SBX.call("reports/create", dict(body, tenant_id=None), t)
    SBX.err("reports/create", dict(body, tenant_id=None), t, 409, "schedule_limit")
    SBX.call("reports/delete", {"schedule_id": s["schedule_id"]}, t)
    SBX.call("reports/create", dict(body, tenant_id=None), t)
    assert len(SBX.call("reports/list", {}, t)) == 50


@test
def notifications__email_code_ten_minutes_three_tries():
    t = token()
    login = SBX.ready["account"]["login"]
    SBX.err("notifications/email/start", {"address": "soc@b.example"}, t, 422, "category_required")
    SBX.call("notifications/email/start", {"address": "soc@b.example", "incidents": True}, t)
    code = SBX.admin("notifications/email-code", {"login": login})["code"]
    SBX.admin("clock", {"advance_ms": 10 * 60 * 1000})
    SBX.err("notifications/email/verify", {"code": code}, t, 409, "code_expired")
    SBX.call("notifications/email/resend", {}, t)
    code = SBX.admin("notifications/email-code", {"login": login})["code"]
    wrong = "000000" if code != "000000" else "111111"
    SBX.err("notifications/email/verify", {"code": wrong}, t, 422, "code_invalid")
    SBX.err("notifications/email/verify", {"code": wrong}, t, 422, "code_invalid")
    SBX.err("notifications/email/verify", {"code": wrong}, t, 409, "resend_required")
    SBX.err("notifications/email/verify", {"code": code}, t, 409, "resend_required")
    SBX.call("notifications/email/resend", {}, t)
    code = SBX.admin("notifications/email-code", {"login": login})["code"]
    SBX.admin("clock", {"advance_ms": 10 * 60 * 1000 - 1000})
    n = SBX.call("notifications/email/verify", {"code": code}, t)
    assert n["email"]["verified"] and n["email"]["address"] == "soc@b.example"
    link = SBX.call("notifications/telegram/link", {"comments": True}, t)
    assert link["link"].startswith("https://t.me/")
    SBX.admin("notifications/telegram-use", {"token": link["token"]})
    SBX.admin("notifications/telegram-use", {"token": link["token"]}, status=404)
    SBX.err("notifications/telegram/link", {"comments": True}, t, 409, "already_subscribed")
    SBX.call("notifications/telegram/unsubscribe", {}, t)
    SBX.call("notifications/telegram/link", {"comments": True}, t)


@test
def settings__consent_and_no_change():
    t = token()
    SBX.err("settings/update", {"extended_notifications": True}, t, 422, "consent_required")
    s = SBX.call("settings/update", {"extended_notifications": True, "extended_consent": True}, t)
    assert s["extended_notifications"]
    SBX.err("settings/update", {"extended_notifications": True}, t, 409, "no_changes")
    SBX.err("settings/update", {"language": "de"}, t, 400, "invalid_language")
    s = SBX.call("settings/update", {"auto_accept": {"mode": "all"}}, t)
    assert all(x["enabled"] for x in s["auto_accept"]["tenants"])
    tid = s["auto_accept"]["tenants"][0]["tenant_id"]
    SBX.err("settings/update", {"auto_accept": {"tenants": {tid: False}}}, t, 409, "wrong_mode")
    s = SBX.call("settings/update", {"auto_accept": {"mode": "per_tenant", "tenants": {tid: False}}}, t)
    assert [x["enabled"] for x in s["auto_accept"]["tenants"] if x["tenant_id"] == tid] == [False]


@test
def connections__create_list_use_revoke_delete():
    t = token()
    tid = SBX.call("tenants/list", {}, t)[0]["tenant_id"]
    SBX.err("connections/create", {"name": "x", "rights": "root"}, t, 400, "invalid_rights")
    c = SBX.call("connections/create", {"name": "SIEM", "rights": "officer", "tenants": [tid]}, t)
    assert len(c["client_id"]) == 32 and c["status"] == "Pending activation" and c["refresh_token"]
    SBX.err("connections/revoke", {"client_id": c["client_id"]}, t, 409, "not_active")
    r = SBX.http.post(f"{SBX.ready['base_url']}/{c['client_id']}/session/confirm",
                      json={"refresh_token": c["refresh_token"]}, verify=f"{TLS}/ca.pem")
    assert r.status_code == 200, r.text
    mine = [x for x in SBX.call("connections/list", {}, t) if x["client_id"] == c["client_id"]]
    assert mine and mine[0]["status"] == "Active" and mine[0]["tenants"][0]["tenant_id"] == tid
    e = SBX.call("connections/edit", {"client_id": c["client_id"], "name": "SIEM 2"}, t)
    assert e["name"] == "SIEM 2"
    assert SBX.call("connections/revoke", {"client_id": c["client_id"]}, t)["status"] == "Pending activation"
    SBX.call("connections/delete", {"client_id": c["client_id"]}, t)
    SBX.err("connections/delete", {"client_id": c["client_id"]}, t, 404, "connection_not_found")
    ex = SBX.sign_in(SBX.ready["existing_account"])  # another organization sees none of them
    assert all(x["client_id"] != c["client_id"] for x in SBX.call("connections/list", {}, ex))


@test
def activation__revoke_and_terminate():
    fresh = SBX.admin("accounts", {"create": "fresh2@example.com"})["accounts"][-1]
    t = SBX.sign_in(fresh)
    code = SBX.admin("codes/create", {"tier": "prime", "region": "canada"})["activation_code"]
    SBX.call("activation/activate", {"activation_code": code, "region": "canada"}, t)
    SBX.call("activation/accept-agreements", {"agreements": ["mdr_agreement", "dpa"]}, t)
    SBX.call("activation/accept-ksn-statement", {"accepted": True}, t)
    r = SBX.call("activation/revoke-consent", {}, t)
    assert r["state"] == "consent_revoked" and r["ksn_disabled"]
    SBX.err("ksn/current", {}, t, 409, "consent_revoked")
    assert r["next_step"] == "agreements"  # a current license, no tenants: agreements again
    r = SBX.call("activation/terminate", {}, t)
    assert r["state"] == "terminated" and "KSN configuration file" in r["message"]


def persistence__state_survives_restart():
    state = os.path.join(WORK, "state.db")
    a = Sandbox("--state", state)
    anchor = open(a.ready["ksn_trust_anchor"]).read()
    t = a.activate()
    a.call("tenants/create", {"name": "Persisted"}, t)
    a.stop()
    b = Sandbox("--state", state)
    try:
        assert open(b.ready["ksn_trust_anchor"]).read() == anchor
        names = [x["name"] for x in b.call("tenants/list", {}, t)]  # the old token still works
        assert "Persisted" in names
    finally:
        b.stop()


TESTS.append(persistence__state_survives_restart)

passed = failed = 0
for fn in TESTS:
    try:
        fn()
        passed += 1
        print(f"PASS {fn.__name__}")
    except Exception:
        failed += 1
        print(f"FAIL {fn.__name__}")
        traceback.print_exc()
try:
    SBX.stop()
    passed += 1
    print("PASS sandbox__clean_stop")
except Exception:
    failed += 1
    print("FAIL sandbox__clean_stop")
    traceback.print_exc()
shutil.rmtree(WORK, ignore_errors=True)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
