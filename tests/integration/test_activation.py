"""Activation through ksc-host + the module + mdr-sandbox over HTTPS: every step, each
refusal leaving nothing half-done, bad codes checked locally, wrong region, the account tied
to another organization, rights, new code, revoking consent, terminating."""
from harness import Suite, World, expect

suite = Suite("activation")
world = World(batch=True)
sbx = world.sandbox


def status(w=world, **kw):
    return w.call("mdr.activation.status", **kw).ok()


def activate_calls():
    return [r for r in sbx.requests("activation/activate") if r["path"].endswith("activation/activate")]


@suite.case("activation__status_before_sign_in")
def _():
    st = status()
    expect(st["state"] == "not_signed_in" and st["next_step"] == "sign_in", st)
    expect("United States" in st["notice"], st)
    ru = status(lang="ru")
    expect("США" in ru["notice"] and ru["next_step_text"].startswith("Войдите"), ru)


@suite.case("activation__background_connection_checked_first")
def _():
    world.host_ok("server", "background", "main", "off")
    try:
        st = status()
        expect(st["next_step"] == "enable_background_connection", st)
        r = world.call("mdr.activation.activate", {"code": sbx.ready["activation_code"], "region": "europe"})
        r.fails("background_connection_disabled")
        expect("main" in r.error["message"], r)
    finally:
        world.host_ok("server", "background", "main", "on")


@suite.case("activation__wrong_password")
def _():
    login, _ = world.account()
    r = world.call("mdr.account.sign_in", {"login": login, "password": "Xq9-not-the-password"})
    r.fails("activation_invalid_credentials", rc=4)
    expect("Xq9" not in r.stdout + r.stderr, "the password is echoed", r)
    expect(status()["signed_in"] is False)


@suite.case("activation__sign_in")
def _():
    r = world.sign_in().ok()
    expect(r["signed_in"] and r["organization"]["name"], r)
    expect("token" not in world.sign_in().stdout.replace("refresh_token", "x"), "a token in the reply")
    st = status()
    expect(st["signed_in"] and st["next_step"] == "activation_code", st)


@suite.case("activation__bad_code_forms_refused_locally")
def _():
    sbx.requests(clear=True)
    for code in ["ABC", "A" * 21, "-" + "A" * 20, "A" * 10 + "--" + "A" * 10, "A" * 19 + "!",
                 "А" * 20, "A" * 20 + "-"]:
        r = world.call("mdr.activation.activate", {"code": code, "region": "europe"})
        r.fails("activation_invalid_code", rc=4)
    expect(not activate_calls(), "a malformed code reached the service")
    world.call("mdr.activation.activate", {"code": "A" * 20, "region": "mars"}).fails(rc=4)


@suite.case("activation__unknown_code")
def _():
    r = world.call("mdr.activation.activate", {"code": "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ", "region": "europe"})
    r.fails("activation_code_unknown")
    expect(status()["next_step"] == "activation_code")


@suite.case("activation__wrong_region")
def _():
    code = sbx.admin("codes/create", {"region": "russia"})["activation_code"]
    r = world.call("mdr.activation.activate", {"code": code, "region": "europe"})
    r.fails("activation_region_mismatch")
    expect("region" in r.error["message"], r)
    expect(status()["next_step"] == "activation_code", "a refused code changed the state")


@suite.case("activation__rights")
def _():
    world.add_user("officer", preset="mdr.security_officer")
    r = world.call("mdr.activation.activate", {"code": sbx.ready["activation_code"], "region": "europe"},
                   user="officer")
    r.fails("access_denied", rc=3)
    expect(status(user="officer")["next_step"] == "activation_code")
    world.call("mdr.ksn.update", user="officer").fails("access_denied", rc=3)


@suite.case("activation__agreements_incomplete_then_ksn_statement_refused")
def _():
    st = world.call("mdr.activation.activate",
                    {"code": sbx.ready["activation_code"], "region": "europe"}).ok()
    expect(st["next_step"] == "agreements", st)
    expect({a["id"] for a in st["agreements"]} == {"mdr_agreement", "dpa"}, st)
    expect(st["region_info"]["storage"] == "northern_europe", st)
    world.call("mdr.activation.accept_agreements", {"agreements": ["mdr_agreement"]}).fails(
        "activation_agreements_incomplete")
    expect(status()["next_step"] == "agreements")
    world.call("mdr.activation.accept_agreements", {"agreements": ["mdr_agreement", "dpa"]}).ok()
    expect(status()["next_step"] == "ksn_statement")
    r = world.call("mdr.activation.accept_ksn_statement", {"accepted": False})
    r.fails("activation_ksn_statement_refused")
    st = status()
    expect(st["activated"] is False and st["next_step"] == "activation_code", st)
    expect(world.ksn_show()["config"] is None, "a KSN file was installed after a refusal")


@suite.case("activation__full_flow")
def _():
    st = world.activate()
    expect(st["activated"] and st["state"] == "active" and st["ksn"]["installed"], st)
    expect(status()["next_step"] == "none")
    ksn = world.ksn_show()
    expect(ksn["ksn_enabled"] and ksn["kpsn_enabled"] and ksn["config"]["version"], ksn)
    u = world.call("mdr.usage.get").ok()
    expect(u["activation"]["state"] == "active" and u["license"]["current"], u)
    expect(u["region"]["storage"] == "northern_europe" and u["region"]["service_language"] == "en", u)
    q = u["custom_incidents"]
    expect(q["quota"] == 3 + q["connected_endpoints"] // 10000 and q["remaining"] == q["quota"] - q["used"], q)
    expect(u["kpsn"]["status_text"].endswith("version " + ksn["config"]["version"] + " is used"), u)
    expect(u["terms"]["agreements_accepted"] and u["terms"]["ksn_statement_accepted"], u)
    ru = world.call("mdr.usage.get", lang="ru").ok()
    expect("KPSN" in ru["kpsn"]["status_text"] and "версии" in ru["kpsn"]["status_text"], ru)


@suite.case("activation__steps_out_of_order")
def _():
    world.call("mdr.activation.accept_agreements", {"agreements": ["mdr_agreement", "dpa"]}).fails(
        "activation_wrong_step")
    world.call("mdr.activation.activate", {"code": sbx.ready["activation_code"], "region": "europe"}).fails()


@suite.case("activation__new_code")
def _():
    code = sbx.admin("codes/create", {"region": "europe"})["activation_code"]
    r = world.call("mdr.activation.new_code", {"code": code, "region": "europe"}).ok()
    expect(r["license"]["current"], r)
    world.call("mdr.activation.new_code", {"code": "bad", "region": "europe"}).fails("activation_invalid_code")


@suite.case("activation__tied_account")
def _():
    accounts = sbx.admin("accounts", {})["accounts"]
    tied = [a for a in accounts if a["kind"] == "tied"][0]
    other = World(sandbox=sbx)
    try:
        other.call("mdr.account.sign_in", {"login": tied["login"], "password": tied["password"]}).ok()
        st = other.call("mdr.activation.status").ok()
        r = other.call("mdr.activation.activate", {"code": sbx.ready["activation_code"], "region": "europe"})
        r.fails("activation_account_tied_elsewhere")
        expect("Technical Support" in r.error["message"], r)
        expect(st["next_step"] in ("contact_support", "activation_code"), st)
    finally:
        other.cleanup()


@suite.case("activation__existing_account_selects_tenants")
def _():
    other = World(sandbox=sbx)
    try:
        other.sign_in("existing_account").ok()
        st = other.call("mdr.activation.status").ok()
        expect(st["next_step"] == "select_tenants" and st["tenants"], st)
        other.call("mdr.activation.select_tenants", {"tenants": ["no-such-tenant"]}).fails(
            "activation_tenant_not_found")
        st = other.activate(which="existing_account")
        expect(st["activated"] and st["ksn"]["installed"], st)
    finally:
        other.cleanup()


@suite.case("activation__virtual_server_cannot_take_ksn")
def _():
    world.host_ok("server", "add-virtual", "vs1")
    r = world.call("mdr.activation.revoke_consent", server="vs1")
    r.fails("ksn_virtual_server")
    expect(status()["state"] == "active", "the refusal changed the state")


@suite.case("activation__revoke_consent")
def _():
    r = world.call("mdr.activation.revoke_consent").ok()
    expect(r["state"] == "consent_revoked" and r["kpsn_disabled"], r)
    expect(world.ksn_show()["kpsn_enabled"] is False)
    u = world.call("mdr.usage.get").ok()
    expect(u["terms"]["consent_revoked"] and u["activation"]["state"] == "consent_revoked", u)


@suite.case("activation__terminate")
def _():
    fresh = sbx.admin("accounts", {"create": "fresh-term@example.test"})["accounts"]
    acc = [a for a in fresh if a["login"] == "fresh-term@example.test"][0]
    code = sbx.admin("codes/create", {"region": "canada"})["activation_code"]
    other = World(sandbox=sbx)
    try:
        other.call("mdr.account.sign_in", {"login": acc["login"], "password": acc["password"]}).ok()
        other.call("mdr.activation.activate", {"code": code, "region": "canada"}).ok()
        st = other.call("mdr.activation.status").ok()
        other.call("mdr.activation.accept_agreements", {"agreements": [a["id"] for a in st["agreements"]]}).ok()
        other.call("mdr.activation.accept_ksn_statement").ok()
        r = other.call("mdr.activation.terminate").ok()
        expect(r["state"] == "terminated" and r["kpsn_disabled"], r)
        expect(other.ksn_show()["kpsn_enabled"] is False)
    finally:
        other.cleanup()


suite.finish(world)
