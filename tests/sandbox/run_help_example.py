#!/usr/bin/env python3
"""Runs the help's Python REST API example (help_example.py) against mdr-sandbox, filling in
only the CA path, base URL, client ID and refresh token, then checks from the sandbox's
request log that every call of the example was answered as the real service would."""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sandboxrun import Sandbox  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    sb = Sandbox(sys.argv[1], "--seed", "7", "--assets", "500", "--incidents", "40")
    failed = 0
    try:
        conn = sb.admin("connections", {"name": "Help example", "rights": "full"})
        src = open(os.path.join(HERE, "help_example.py")).read()
        for marker, value in (("@CA_PATH@", sb.ca), ("@API_URL@", sb.base),
                              ("@CLIENT_ID@", conn["client_id"]),
                              ("@REFRESH_TOKEN@", conn["refresh_token"])):
            src = src.replace(marker, value)
        script = os.path.join(tempfile.mkdtemp(prefix="help-example-"), "example.py")
        open(script, "w").write(src)
        env = dict(os.environ, REQUESTS_CA_BUNDLE="", CURL_CA_BUNDLE="")
        run = subprocess.run([sys.executable, script], capture_output=True, text=True, env=env,
                             timeout=120)
        print(run.stdout[-3000:])
        checks = []
        checks.append(("example__exits_cleanly", run.returncode == 0, run.stderr[-2000:]))
        checks.append(("example__refresh_token_is_actual", "REFRESH_TOKEN is actual" in run.stdout, ""))
        checks.append(("example__gets_new_tokens", "!!! Your new ACCESS_TOKEN" in run.stdout, ""))
        log = [(e["path"].split("/", 4)[-1], e["status"]) for e in sb.admin("requests", {})
               if e["path"].startswith("/api/")]
        want = [("session/confirm", 200), ("assets/count", 200), ("assets/list", 200),
                ("assets/details", 404), ("incidents/count", 200), ("incidents/list", 200),
                ("incidents/details", 404), ("responses/list", 404), ("response/update", 404),
                ("response/update", 404), ("responses/update", 404)]
        checks.append(("example__calls_answered_as_expected", log == want, f"log={log}"))
        counts = re.findall(r"^\{'count': (\d+)\}$", run.stdout, re.M)
        checks.append(("example__asset_count_printed", bool(counts) and int(counts[0]) > 0,
                       f"counts={counts}"))
        for name, good, detail in checks:
            print(("PASS " if good else "FAIL ") + name + ("" if good else f": {detail}"))
            failed += not good
        passed = len(checks) - failed
    finally:
        if sb.stop() != 0:
            failed += 1
            passed = 0
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
