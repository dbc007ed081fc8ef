"""The web console under test: `ksc-host serve` on a World of tests/integration/harness.py.

    world = World()                        # sandbox + console host (integration harness)
    web = WebConsole(world)                # ksc-host serve on 127.0.0.1:0, its TLS verified
    s = web.session()                      # a requests.Session trusting the test CA
    web.set_password("admin", "…")         # ksc-host user passwd
    r = web.sign_in(s, "admin", "…")       # POST /api/sign-in; s then carries the cookie
    web.action(s, "mdr.usage.get", {})     # POST /api/actions/… with the CSRF header

The server's certificate is the sandbox's (scripts/sandbox-certs makes one for 127.0.0.1),
so the tests verify TLS with its CA like any client should.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

from harness import ARGS, ROOT, Suite, World, expect  # noqa: E402,F401

import requests  # noqa: E402

DEMO_PASSWORD = "console-demo-1"


class WebConsole:
    def __init__(self, world, threads=8):
        self.world = world
        certs = world.sandbox.certs
        self.ca = os.path.join(certs, "ca.pem")
        self.log = open(os.path.join(world.tmp, "serve.log"), "a")
        self.proc = subprocess.Popen(
            [ARGS.host, "--config", world.conf, "serve", "--port", "0",
             "--cert", os.path.join(certs, "server.pem"),
             "--key", os.path.join(certs, "server.key"),
             "--root", os.path.join(ROOT, "resources", "web")],
            env=world.env, stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("ksc-host serve exited before it was ready; see " + self.log.name)
        self.url = json.loads(line)["url"]
        world.proxies.append(self)  # World.cleanup() stops it with the rest

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def session(self):
        s = requests.Session()
        s.trust_env = False  # no proxy or CA bundle from the environment overrides verify
        s.verify = self.ca
        s.csrf = None
        return s

    def set_password(self, user, password=DEMO_PASSWORD):
        r = subprocess.run([ARGS.host, "--config", self.world.conf, "user", "passwd", user],
                           input=password + "\n", capture_output=True, text=True, timeout=120,
                           env=self.world.env)
        expect(r.returncode == 0, r.stderr)

    def sign_in(self, s, user, password=DEMO_PASSWORD):
        r = s.post(self.url + "api/sign-in", json={"user": user, "password": password},
                   timeout=120)
        if r.status_code == 200:
            s.csrf = r.json()["csrf"]
        return r

    def post(self, s, path, body=None, csrf=True, **kw):
        headers = dict(kw.pop("headers", {}))
        if csrf and s.csrf:
            headers["X-CSRF-Token"] = s.csrf
        return s.post(self.url + path, json=body if body is not None else {}, headers=headers,
                      timeout=600, **kw)

    def action(self, s, name, body=None, **kw):
        return self.post(s, "api/actions/" + name, body, **kw)
