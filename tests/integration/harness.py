"""Integration-test harness: ksc-host + the MDR module + mdr-sandbox over real HTTPS.

A test script does:

    from harness import Suite, World
    suite = Suite("activation")
    world = World()                       # sandbox + a fresh ksc-host world pointing at it

    @suite.case("activation__full_flow")
    def _():
        world.activate()
        r = world.call("mdr.usage.get")
        r.ok()
        expect(r.json["activation"]["state"] == "active", r)

    suite.finish(world)                   # prints "N passed, N failed", stops everything

Paths of the programs come from the command line (tests/integration/CMakeLists.txt passes
them): --host ksc-host --sandbox mdr-sandbox --plugins DIR_OF_libmdr.so. Python 3 standard
library only. Every World lives in its own temp dir, removed at the end unless
KEEP_TEST_DIRS=1. Ports are always chosen by the system (port 0).
"""
import argparse
import json
import os
import queue
import select
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import types
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
CERTS_SCRIPT = os.path.join(ROOT, "scripts", "sandbox-certs")

_parser = argparse.ArgumentParser(add_help=False)
_parser.add_argument("--host", default=os.environ.get("KSC_HOST_BIN"))
_parser.add_argument("--sandbox", default=os.environ.get("MDR_SANDBOX_BIN"))
_parser.add_argument("--plugins", default=os.environ.get("MDR_PLUGINS_DIR"))
_parser.add_argument("--tinyproxy", default=shutil.which("tinyproxy") or "/usr/bin/tinyproxy")
ARGS, _rest = _parser.parse_known_args()

# Variables the cloud client would otherwise pick up from the test runner's environment.
_SCRUB = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy",
          "ALL_PROXY", "all_proxy", "NODE_EXTRA_CA_CERTS", "node_extra_ca_certs",
          "CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE"]


class TestFailure(AssertionError):
    pass


def expect(cond, *context):
    """Fails the current case with the context (a Result, a dict, text) when cond is false."""
    if not cond:
        raise TestFailure(" | ".join(str(c)[:1500] for c in context) or "expectation failed")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------
# Results of ksc-host calls
# ---------------------------------------------------------------------------------------

class Result:
    def __init__(self, args, proc):
        self.args = args
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        try:
            self.json = json.loads(proc.stdout) if proc.stdout.strip() else None
        except ValueError:
            self.json = None

    @property
    def error(self):
        """The error object {"code", "message", "details"} or None."""
        if isinstance(self.json, dict) and isinstance(self.json.get("error"), dict):
            return self.json["error"]
        return None

    @property
    def code(self):
        return self.error["code"] if self.error else None

    def ok(self):
        expect(self.rc == 0 and self.error is None, "expected success", self)
        return self.json

    def fails(self, code=None, rc=None):
        expect(self.rc != 0 and self.error is not None, "expected an error", self)
        if code is not None:
            expect(self.code == code, f"expected error {code}, got {self.code}", self)
        if rc is not None:
            expect(self.rc == rc, f"expected exit {rc}, got {self.rc}", self)
        return self.error

    def __str__(self):
        return (f"ksc-host {' '.join(self.args)} -> exit {self.rc}\n stdout: {self.stdout[:1200]}"
                f"\n stderr: {self.stderr[:600]}")


# ---------------------------------------------------------------------------------------
# Many ksc-host commands in one process (`ksc-host batch`, docs/host.md)
# ---------------------------------------------------------------------------------------

SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer",
                   "runtime error:", "Segmentation fault", "stack-overflow")


class HostBatch:
    """One `ksc-host batch` process. A sweep of thousands of calls spends most of its time
    starting processes (seconds each under ASan); a batch pays that once. run() answers
    (rc, stdout bytes, stderr bytes, timed_out) like a separate process would; a command that
    hangs past `timeout` or crashes the batch ends it (rc is then the batch's, negative for a
    signal, and stderr holds what the command printed, a sanitizer's report among it); the
    next run() starts a new batch."""

    def __init__(self, conf, env, capture_dir):
        self.conf, self.env, self.capture_dir = conf, env, capture_dir
        self.proc = None
        self.buf = b""
        self.problems = []  # what ended batches badly: sanitizer reports at exit, bad exits

    def _start(self):
        self.proc = subprocess.Popen([ARGS.host, "--config", self.conf, "batch", "--capture",
                                      self.capture_dir], env=self.env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.buf = b""

    def _read(self, n, deadline):
        """n bytes, or up to the first newline when n is None; None on EOF or timeout."""
        fd = self.proc.stdout.fileno()
        while True:
            if n is None and b"\n" in self.buf:
                line, _, self.buf = self.buf.partition(b"\n")
                return line
            if n is not None and len(self.buf) >= n:
                out, self.buf = self.buf[:n], self.buf[n:]
                return out
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return None
            self.buf += chunk

    def _capture(self, suffix):
        path = os.path.join(self.capture_dir, f"ksc-host-batch.{self.proc.pid}.{suffix}")
        try:
            with open(path, "rb") as f:
                data = f.read()
            os.unlink(path)
            return data
        except OSError:
            return b""

    def run(self, args, timeout=120):
        if self.proc is None:
            self._start()
        frame = f"{len(args)}\n".encode()
        for a in args:
            a = a if isinstance(a, bytes) else a.encode()
            frame += f"{len(a)}\n".encode() + a
        deadline = time.monotonic() + timeout
        try:
            self.proc.stdin.write(frame)
            self.proc.stdin.flush()
            head = self._read(None, deadline)
            if head is not None:
                rc, out_len, err_len = (int(x) for x in head.split())
                body = self._read(out_len + err_len, deadline)
                if body is not None:
                    return rc, body[:out_len], body[out_len:], False
        except (BrokenPipeError, ValueError):
            pass
        timed_out = self.proc.poll() is None
        if timed_out:
            self.proc.kill()
        rc = self.proc.wait()
        out, err = self._capture("out"), self._capture("err") + self.proc.stderr.read()
        self.proc = None
        return rc, out, err, timed_out

    def close(self):
        """Ends the batch; a sanitizer report at exit (leaks) or a bad exit is kept."""
        if self.proc is None:
            return
        self.proc.stdin.close()
        try:
            rc = self.proc.wait(timeout=300)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        err = self.proc.stderr.read().decode("utf-8", "replace")
        if rc != 0 or any(m in err for m in SANITIZER_MARKS):
            self.problems.append(f"ksc-host batch exited {rc}: {err[:3000]}")
        self.proc = None


# ---------------------------------------------------------------------------------------
# mdr-sandbox
# ---------------------------------------------------------------------------------------

class Sandbox:
    def __init__(self, workdir, *args, certs=None):
        self.workdir = workdir
        self.certs = certs or os.path.join(workdir, "certs")
        if not os.path.exists(os.path.join(self.certs, "ca.pem")):
            subprocess.run([CERTS_SCRIPT, self.certs], check=True)
        self.ca = os.path.join(self.certs, "ca.pem")
        self.args = list(args)
        self.log = open(os.path.join(workdir, "sandbox.log"), "a")
        self.proc = subprocess.Popen(
            [ARGS.sandbox, "--listen", "127.0.0.1:0",
             "--tls-cert", os.path.join(self.certs, "server.pem"),
             "--tls-key", os.path.join(self.certs, "server.key"), *self.args],
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("mdr-sandbox exited before it was ready; see " + self.log.name)
        self.ready = json.loads(line)
        self.base_url = self.ready["base_url"]
        self.admin_url = self.ready["admin_url"]
        self.port = int(self.base_url.split(":")[2].split("/")[0])
        self._ssl = ssl.create_default_context(cafile=self.ca)

    def _post(self, url, body, token):
        data = json.dumps(body if body is not None else {}).encode()
        req = urllib.request.Request(url, data=data, method="POST", headers={
            "Content-Type": "application/json", "Authorization": "Bearer " + token})
        try:
            with urllib.request.urlopen(req, context=self._ssl, timeout=60) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                return e.code, json.loads(raw)
            except ValueError:
                return e.code, raw.decode(errors="replace")

    def public_api(self, client_id, path, body, token=None):
        """The public API as a customer's integration calls it (the help's example):
        POST {base}/{client_id}/{path}; (status, the JSON answer, or an error's body as text)."""
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = "Bearer " + token
        req = urllib.request.Request(f"{self.base_url}/{client_id}/{path}", method="POST",
                                     data=json.dumps(body).encode(), headers=headers)
        try:
            with urllib.request.urlopen(req, context=self._ssl, timeout=60) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")

    def admin(self, path, body=None, status=200):
        """POST {admin_url}/path with the admin token; checks the status, returns the JSON."""
        st, answer = self._post(f"{self.admin_url}/{path}", body, self.ready["admin_token"])
        expect(st == status, f"admin {path}: HTTP {st}", answer)
        return answer

    def console(self, path, body, token):
        """A console call as the plug-in makes it: (status, json)."""
        return self._post(f"{self.base_url}/console/{path}", body, token)

    def fault(self, path, count=1, **kind):
        """One of status=N, delay_ms=N, cut_body=True, drop=True, hold=True on the next `count`
        calls. A held request waits, before the service handles it, until release_held()."""
        return self.admin("faults", dict(path=path, count=count, **kind))

    def wait_held(self, n=1, deadline_s=120):
        """Waits until n requests are held (docs/sandbox.md: faults/held). The deadline only
        turns a request that never comes into a failure; nothing races it."""
        end = time.time() + deadline_s
        while True:
            held = self.admin("faults/held")["held"]
            if held >= n:
                return held
            expect(time.time() < end, f"{n} held request(s) expected, {held} held")
            time.sleep(0.05)

    def release_held(self):
        """Lets every held request go on to the service (which then answers it)."""
        return self.admin("faults/release")["released"]

    def requests(self, path=None, clear=False):
        body = {}
        if path:
            body["path"] = path
        if clear:
            body["clear"] = True
        return self.admin("requests", body)

    def publish_ksn(self, variant="normal"):
        return self.admin("ksn/publish", {"variant": variant})

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


# ---------------------------------------------------------------------------------------
# tinyproxy with Basic credentials
# ---------------------------------------------------------------------------------------

class Tinyproxy:
    """tinyproxy on 127.0.0.1:free port. user/password: only [-a-z0-9._] (tinyproxy's
    BasicAuth syntax); it answers 401 (not 407) to a CONNECT with wrong credentials."""

    def __init__(self, workdir, connect_port, user=None, password=None):
        self.port = free_port()
        self.user, self.password = user, password
        self.dir = os.path.join(workdir, f"tinyproxy-{self.port}")
        os.makedirs(self.dir)
        conf = os.path.join(self.dir, "tinyproxy.conf")
        self.log_file = os.path.join(self.dir, "tinyproxy.log")
        lines = [f"Port {self.port}", "Listen 127.0.0.1", "Timeout 60", "MaxClients 20",
                 f"LogFile \"{self.log_file}\"", "LogLevel Connect", "Allow 127.0.0.1",
                 f"ConnectPort {connect_port}", "DisableViaHeader Yes"]
        if user:
            lines.append(f"BasicAuth {user} {password}")
        with open(conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.proc = subprocess.Popen([ARGS.tinyproxy, "-d", "-c", conf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError("tinyproxy did not start")

    def url(self, user=None, password=None):
        user = self.user if user is None else user
        password = self.password if password is None else password
        cred = f"{user}:{password}@" if user else ""
        return f"http://{cred}127.0.0.1:{self.port}"

    def connects(self):
        """How many CONNECT requests it logged."""
        try:
            with open(self.log_file, errors="replace") as f:
                return sum(1 for line in f if "CONNECT" in line)
        except OSError:
            return 0

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


# ---------------------------------------------------------------------------------------
# A console world: ksc-host's directory, its .env, the module's config, the sandbox
# ---------------------------------------------------------------------------------------

class World:
    # Generous timeouts: a test never relies on the machine being quick. A case that needs a
    # timeout makes the sandbox withhold the answer (fault hold) and sets a short one itself.
    def __init__(self, sandbox_args=(), extra_ca=True, timeout_ms=60000, connect_timeout_ms=30000,
                 max_retries=2, sandbox=None, batch=False):
        for tool in ("host", "sandbox", "plugins"):
            if not getattr(ARGS, tool):
                raise RuntimeError(f"--{tool} not given (see tests/integration/CMakeLists.txt)")
        self.tmp = tempfile.mkdtemp(prefix="mdr-it-")
        self.sandbox = sandbox or Sandbox(self.tmp, *sandbox_args)
        self.own_sandbox = sandbox is None
        self.dir = os.path.join(self.tmp, "console")
        self.conf = os.path.join(self.dir, "ksc-host.conf")
        self.env = {k: v for k, v in os.environ.items() if k not in _SCRUB}
        self.proxies = []
        # batch=True: this world's commands run through `ksc-host batch` (one process per
        # thread, modules loaded once), for scripts of many calls that do not edit the host's
        # or the module's files behind its back. Off until the console exists (init), and
        # everywhere with KSC_TEST_BATCH=0 (a process per command, as before).
        self.batching = False
        self.all_batches = []
        self.idle_batches = queue.Queue()  # one call at a time each, whichever thread asks
        self.host_ok("init", "--dir", self.dir, "--plugins-dir", os.path.abspath(ARGS.plugins),
                     "--resources", os.path.join(ROOT, "resources"), use_config=False)
        self.set_module("cloud.base_url", self.sandbox.base_url)
        self.set_module("cloud.timeout_ms", str(timeout_ms))
        self.set_module("cloud.connect_timeout_ms", str(connect_timeout_ms))
        self.set_module("cloud.max_retries", str(max_retries))
        if self.sandbox.ready.get("ksn_trust_anchor"):
            self.set_module("ksn.trust_anchor", self.sandbox.ready["ksn_trust_anchor"])
        if extra_ca:
            self.set_env("NODE_EXTRA_CA_CERTS", self.sandbox.ca)
        self.batching = batch and os.environ.get("KSC_TEST_BATCH", "1") != "0"

    # ---- ksc-host ------------------------------------------------------------------
    def _batch_run(self, args, timeout):
        try:
            b = self.idle_batches.get_nowait()
        except queue.Empty:
            b = HostBatch(self.conf, self.env, self.tmp)
            self.all_batches.append(b)
        try:
            return b.run(args, timeout)
        finally:
            self.idle_batches.put(b)

    def host(self, *args, use_config=True, timeout=180, env=None):
        if self.batching and use_config and env is None:
            rc, out, err, timed_out = self._batch_run(list(args), timeout)
            if timed_out:
                raise subprocess.TimeoutExpired(["ksc-host", "batch", *args], timeout)
            proc = types.SimpleNamespace(returncode=rc, stdout=out.decode("utf-8", "replace"),
                                         stderr=err.decode("utf-8", "replace"))
            return Result(list(args), proc)
        cmd = [ARGS.host] + (["--config", self.conf] if use_config else []) + list(args)
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              env=env or self.env)
        return Result(list(args), proc)

    def host_ok(self, *args, **kw):
        r = self.host(*args, **kw)
        expect(r.rc == 0, r)
        return r

    def spawn(self, *args):
        """ksc-host as a background process (Popen; stdout/stderr piped)."""
        return subprocess.Popen([ARGS.host, "--config", self.conf, *args], env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def set_module(self, key, value):
        return self.host_ok("config", "set-module", "mdr", key, value)

    def set_env(self, key, value):
        return self.host_ok("config", "set-env", key, value)

    def call(self, action, request=None, user=None, server=None, lang=None, output=None):
        args = ["call"]
        if user:
            args += ["--user", user]
        if server:
            args += ["--server", server]
        if lang:
            args += ["--lang", lang]
        if output:
            args += ["--output", output]
        args.append(action)
        if request is not None:
            args.append(request if isinstance(request, str) else json.dumps(request))
        return self.host(*args)

    def login(self, user="admin", server=None):
        """Fires the login event (the module's hooks finish before exit); returns the
        user's unread notifications (marked read)."""
        args = ["login", "--user", user] + (["--server", server] if server else [])
        r = self.host_ok(*args)
        return r.json or []

    def notifications(self, user="admin"):
        return self.host_ok("notifications", "--user", user).json or []

    def ksn_show(self, server="main"):
        return self.host_ok("ksn", "show", "--server", server).json

    def add_user(self, name, preset=None, lang=None, server=None, extra_areas=()):
        args = ["user", "add", name] + (["--lang", lang] if lang else [])
        self.host_ok(*args)
        if preset:
            roles = self.host_ok("role", "list").json or []
            names = {r.get("name") for r in roles} if isinstance(roles, list) else set()
            if preset not in names:
                self.host_ok("role", "add-preset", preset)
            self.host_ok("user", "grant", name, preset, *(["--server", server] if server else []))
        for area in extra_areas:
            role = f"{name}-extra"
            self.host("role", "add", role)
            self.host_ok("role", "allow", role, area)
            self.host_ok("user", "grant", name, role, *(["--server", server] if server else []))

    # ---- the module's flows --------------------------------------------------------
    def account(self, which="account"):
        a = self.sandbox.ready[which]
        return a["login"], a["password"]

    def sign_in(self, which="account", user=None):
        login, password = self.account(which)
        return self.call("mdr.account.sign_in", {"login": login, "password": password}, user=user)

    def activate(self, code=None, region="europe", which="account", ksn=True):
        """Signs in and walks every activation step; returns the last status."""
        self.sign_in(which).ok()
        st = self.call("mdr.activation.status").ok()
        if st["next_step"] == "activation_code":
            self.call("mdr.activation.activate",
                      {"code": code or self.sandbox.ready["activation_code"], "region": region}).ok()
            st = self.call("mdr.activation.status").ok()
        if st["next_step"] == "select_tenants":
            self.call("mdr.activation.select_tenants",
                      {"tenants": [t["tenant_id"] for t in st.get("tenants", [])]}).ok()
            st = self.call("mdr.activation.status").ok()
        if st["next_step"] == "agreements":
            self.call("mdr.activation.accept_agreements",
                      {"agreements": [a["id"] for a in st["agreements"]]}).ok()
            st = self.call("mdr.activation.status").ok()
        if ksn and st["next_step"] == "ksn_statement":
            st = self.call("mdr.activation.accept_ksn_statement", {"accepted": True}).ok()
        return st

    def proxy(self, user=None, password=None):
        p = Tinyproxy(self.tmp, self.sandbox.port, user, password)
        self.proxies.append(p)
        return p

    def module_db(self):
        return os.path.join(self.dir, "data", "modules", "mdr", "mdr.db")

    def end_batches(self):
        """Ends this world's batches; what ended badly (a sanitizer report, a bad exit)."""
        problems = []
        for b in self.all_batches:
            b.close()
            problems += b.problems
        self.all_batches = []
        self.idle_batches = queue.Queue()
        return problems

    def cleanup(self):
        problems = self.end_batches()
        for p in self.proxies:
            p.stop()
        rc = self.sandbox.stop() if self.own_sandbox else 0
        if os.environ.get("KEEP_TEST_DIRS") != "1":
            shutil.rmtree(self.tmp, ignore_errors=True)
        else:
            print(f"(kept {self.tmp})")
        if problems:
            raise TestFailure("ksc-host batch: " + " | ".join(problems))
        return rc


# ---------------------------------------------------------------------------------------
# Cases and the summary line
# ---------------------------------------------------------------------------------------

class Suite:
    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0
        self.only = os.environ.get("ONLY")

    def case(self, name):
        def run(fn):
            if self.only and self.only not in name:
                return fn
            t0 = time.time()
            try:
                fn()
            except Exception as e:  # noqa: BLE001 - every failure is reported the same way
                self.failed += 1
                print(f"FAIL {name} ({time.time() - t0:.1f}s): {e}")
                if not isinstance(e, TestFailure):
                    traceback.print_exc()
            else:
                self.passed += 1
                print(f"PASS {name} ({time.time() - t0:.1f}s)")
            sys.stdout.flush()
            return fn
        return run

    def finish(self, *worlds):
        for w in worlds:
            try:
                rc = w.cleanup()
                if rc not in (0, None):
                    self.failed += 1
                    print(f"FAIL {self.name}__sandbox_clean_stop: mdr-sandbox exited {rc}")
            except Exception as e:  # noqa: BLE001
                self.failed += 1
                print(f"FAIL {self.name}__cleanup: {e}")
        print(f"{self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed or not self.passed else 0)


def run_parallel(fns):
    """Runs callables at once in threads; returns their results in order."""
    results = [None] * len(fns)

    def worker(i, f):
        results[i] = f()

    threads = [threading.Thread(target=worker, args=(i, f)) for i, f in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results
