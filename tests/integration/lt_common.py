"""Helpers the licenses and tenants integration tests share: files out of ksc-host, the ZIP
and its KSN file checked with openssl, dates on the host clock, the sandbox's own view."""
import datetime
import os
import subprocess
import zipfile

from harness import expect

DAY_MS = 24 * 3600 * 1000


def host_now(world):
    return world.host_ok("clock", "show").json["now_ms"]


def date_of(ms):
    return datetime.datetime.fromtimestamp(ms // 1000, datetime.timezone.utc).strftime("%Y-%m-%d")


def last_day_ms(expiration_ms):
    last = expiration_ms - 1
    return last - last % DAY_MS


def out_path(world, name):
    return os.path.join(world.tmp, name)


def check_archive(world, path, expect_entries):
    """Opens the downloaded ZIP, checks its entries and that its KSN file verifies with
    openssl against the sandbox's trust anchor (as the console would install it)."""
    expect(os.path.exists(path), "no file written", path)
    with zipfile.ZipFile(path) as z:
        names = sorted(z.namelist())
        expect(names == sorted(expect_entries), "entries", names)
        pem = os.path.join(world.tmp, "ksn_from_zip.pem")
        with open(pem, "wb") as f:
            f.write(z.read("ksn_configuration.pem"))
    anchor = world.sandbox.ready["ksn_trust_anchor"]
    r = subprocess.run(["openssl", "cms", "-verify", "-in", pem, "-inform", "PEM", "-CAfile", anchor,
                        "-out", os.devnull], capture_output=True, text=True)
    expect(r.returncode == 0, "the KSN file does not verify", r.stderr)
    return names


def account_token(world):
    login, password = world.account()
    st, a = world.sandbox.console("account/sign-in", {"login": login, "password": password}, "")
    expect(st == 200, "sign-in", a)
    return a["account_token"]


def sandbox_console(world, path, body=None):
    """The sandbox's own answer. Signing the account in ends the plug-in's session, so the
    module signs in again right after."""
    st, a = world.sandbox.console(path, body or {}, account_token(world))
    expect(st == 200, f"sandbox {path}: HTTP {st}", a)
    world.sign_in().ok()
    return a


def requests_to(world, suffix):
    return [r for r in world.sandbox.requests(suffix) if r["path"].endswith(suffix)]
