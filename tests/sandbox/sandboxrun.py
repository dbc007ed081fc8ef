"""Starts mdr-sandbox for a test: throwaway certificates, the ready line, clean stop."""
import json
import os
import signal
import subprocess
import tempfile

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
CERTS_SCRIPT = os.path.join(HERE, "..", "..", "scripts", "sandbox-certs")


class Sandbox:
    def __init__(self, binary, *args, workdir=None):
        self.workdir = workdir or tempfile.mkdtemp(prefix="sbx-test-")
        self.certs = os.path.join(self.workdir, "certs")
        if not os.path.exists(os.path.join(self.certs, "ca.pem")):
            subprocess.run([CERTS_SCRIPT, self.certs], check=True)
        self.ca = os.path.join(self.certs, "ca.pem")
        self.proc = subprocess.Popen(
            [binary, "--listen", "127.0.0.1:0", "--tls-cert", os.path.join(self.certs, "server.pem"),
             "--tls-key", os.path.join(self.certs, "server.key"), *args],
            stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("mdr-sandbox exited before it was ready")
        self.ready = json.loads(line)
        self.base = self.ready["base_url"]
        self.admin_url = self.ready["admin_url"]
        self.http = requests.Session()

    def admin(self, path, body=None, status=200):
        r = self.http.post(f"{self.admin_url}/{path}", json=body or {}, verify=self.ca,
                           headers={"Authorization": "Bearer " + self.ready["admin_token"]})
        assert r.status_code == status, (path, r.status_code, r.text)
        return r.json()

    def post(self, client_id, path, body=None, token=None, **kw):
        headers = {"Authorization": "Bearer " + token} if token else {}
        return self.http.post(f"{self.base}/{client_id}/{path}", json=body, headers=headers,
                              verify=self.ca, **kw)

    def connect(self, name="tests", rights="full", tenants=None):
        """An API connection and its first access token: (client_id, access, refresh)."""
        c = self.admin("connections", {"name": name, "rights": rights, "tenants": tenants or []})
        r = self.post(c["client_id"], "session/confirm", {"refresh_token": c["refresh_token"]})
        assert r.status_code == 200, r.text
        return c["client_id"], r.json()["access_token"], r.json()["refresh_token"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=60)
        self.http.close()
        return self.proc.returncode
