#!/usr/bin/env python3
"""Every shell example of the documents runs as written (docs/examples.md: the convention).

A ```sh block of README.md, docs/*.md or docs/actions/*.md is a runnable example, unless the
line before it is `<!-- example: not run — REASON -->`. The blocks of one document run in
order in ONE bash process (`set -euo pipefail`) from the repository root; the first failing
command fails the document.

It never touches the developer's own demo-run/: everything runs in a scratch copy of the
repository root made of symlinks (docs, resources, … → the real ones; build → the build dir
under test; scripts/ a folder of symlinks to the real scripts, except `build` and `setup`,
which the test replaces: it builds and installs nothing). scripts/demo runs there once
(its output in a log shown on failure) and makes the world the documents use in
SCRATCH/demo-run. Every process the documents or the demo started (sandboxes above all) is
stopped at the end, also on failure.

  run_examples.py --source REPO --build BUILD_DIR [--keep] [DOCUMENT …]

DOCUMENT: paths relative to REPO (default: all of them). --keep leaves the scratch root;
--reuse SCRATCH runs documents again in the demo world a --keep run left there (quicker
while writing a page; what earlier runs changed in that world stays).
"""
import argparse
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

FENCE = re.compile(r"^( *)```(\S*)\s*$")  # a fence, maybe indented (in a list item)
NOT_RUN = re.compile(r"^<!--\s*example:\s*not run\s*[—-]+\s*(.+?)\s*-->\s*$")
MARK = "\x1e@@docs-example-block"
DOC_TIMEOUT = 240  # seconds a document may take
DEMO_TIMEOUT = 300
# The whole run stops its documents before ctest's TIMEOUT (600 s) would kill it, so that
# its cleanup (sandboxes!) still runs.
RUN_BUDGET = 540
DEADLINE = time.time() + RUN_BUDGET


def time_left(limit):
    return max(1, min(limit, int(DEADLINE - time.time())))


class Block:
    def __init__(self, doc, index, fence_line, lang, lines, skip_reason):
        self.doc, self.index, self.fence_line = doc, index, fence_line
        self.lang, self.lines, self.skip_reason = lang, lines, skip_reason


def parse(doc, text):
    """The fenced blocks of a document (fence_line: 1-based line of the opening fence)."""
    lines = text.split("\n")
    blocks, i, index = [], 0, 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        start, indent = i, len(m.group(1))
        i += 1
        while i < len(lines) and not lines[i].strip().startswith("```"):
            i += 1
        if i >= len(lines):
            raise SystemExit("%s:%d: a fenced block is not closed" % (doc, start + 1))
        prev = start - 1
        while prev >= 0 and not lines[prev].strip():
            prev -= 1
        reason = None
        if prev >= 0 and lines[prev].lstrip().startswith("<!-- example"):
            n = NOT_RUN.match(lines[prev].strip())
            if not n:
                raise SystemExit("%s:%d: write it as <!-- example: not run — REASON -->" % (doc, prev + 1))
            reason = n.group(1)
        if m.group(2) == "sh":
            index += 1
            body = [line[indent:] if line[:indent].isspace() else line.lstrip()
                    for line in lines[start + 1:i]]
            blocks.append(Block(doc, index, start + 1, "sh", body, reason))
        elif reason:
            raise SystemExit("%s:%d: 'not run' marks a ```%s block; only ```sh blocks run"
                             % (doc, prev + 1, m.group(2)))
        i += 1
    return lines, blocks


def script_for(lines, blocks):
    """A bash script whose line N is the document's line N: blocks in place, the rest blank."""
    out = [""] * len(lines)
    if any(b.fence_line == 1 for b in blocks):
        raise SystemExit("a document cannot open with a code block")
    out[0] = ('exec 9>"$DOCS_EXAMPLE_TRACE"; __block=0; '
              "trap 'echo \"$__block $LINENO\" >&9' DEBUG; set -euo pipefail")
    for b in blocks:
        if b.skip_reason:
            continue
        out[b.fence_line - 1] = "__block=%d; echo '%s %d'" % (b.index, MARK, b.index)
        for k, line in enumerate(b.lines):
            out[b.fence_line + k] = line
    return "\n".join(out) + "\n"


def own_processes(root):
    """PIDs of processes whose command line or working directory is inside root."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
            cwd = os.readlink("/proc/%s/cwd" % pid)
        except OSError:
            continue
        if root in cmd or cwd == root or cwd.startswith(root + "/"):
            found.append((int(pid), cmd.strip()))
    return found


def alive(pid):
    """True while pid runs (a zombie, dead but not yet reaped by its parent, does not)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def stop_processes(root, why):
    """Stops every process left in the scratch root (the demo's sandbox through its pid file,
    so it saves its state); returns what was left."""
    left = own_processes(root)
    if os.path.exists(os.path.join(root, "demo-run", "sandbox", "sandbox.pid")):
        subprocess.run([os.path.join(root, "scripts", "sandbox-again"), "--stop"], cwd=root,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
    for pid, _ in left:
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            pass
    deadline = time.time() + 10
    while time.time() < deadline and any(alive(p) for p, _ in left):
        time.sleep(0.1)
    for pid, _ in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    if left and why:
        print("docs-examples: %s left running (now stopped):" % why)
        for pid, cmd in left:
            print("  pid %d: %s" % (pid, cmd[:200]))
    return left


def make_scratch(source, build, scratch):
    """SCRATCH: the repository root made of symlinks, build → BUILD, a scripts/ of its own."""
    for name in sorted(os.listdir(source)):
        if name in (".git", "demo-run", "scripts") or name == "build" or name.startswith("build-"):
            continue
        os.symlink(os.path.join(source, name), os.path.join(scratch, name))
    os.symlink(build, os.path.join(scratch, "build"))
    scripts = os.path.join(scratch, "scripts")
    os.mkdir(scripts)
    for name in sorted(os.listdir(os.path.join(source, "scripts"))):
        os.symlink(os.path.join(source, "scripts", name), os.path.join(scripts, name))
    stubs = {
        # the build under test is built already: print its dir as scripts/build does
        "build": '#!/usr/bin/env bash\n'
                 '# docs examples: the build under test (built already), as scripts/build prints it\n'
                 'top=$(cd "$(dirname "$0")/.." && pwd)\n'
                 '[ "${1:-normal}" = normal ] || { echo "docs examples: only the normal build" >&2; exit 2; }\n'
                 'echo "$top/build"\n',
        # the packages are installed already (the build needed them)
        "setup": "#!/usr/bin/env bash\nexit 0\n",
    }
    for name, text in stubs.items():
        path = os.path.join(scripts, name)
        os.unlink(path)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o755)


def block_output(log_text, index):
    """The output of block `index` (from its marker to the next one)."""
    parts = log_text.split(MARK + " ")
    for p in parts[1:]:
        head, _, rest = p.partition("\n")
        if head.strip() == str(index):
            return rest
    return log_text


def command_lines(lines, line_no):
    """The document's lines of the command at line_no (with its backslash continuations)."""
    start = line_no - 1
    while start > 0 and lines[start - 1].rstrip().endswith("\\"):
        start -= 1
    end = line_no - 1
    while end < len(lines) - 1 and lines[end].rstrip().endswith("\\"):
        end += 1
    return start + 1, lines[start:end + 1]


def run_document(scratch, doc, lines, blocks, env, logdir):
    """Runs the document's blocks; returns None when they all ran, else a failure report."""
    name = doc.replace("/", "_")
    script = os.path.join(logdir, name + ".sh")
    trace = os.path.join(logdir, name + ".trace")
    log = os.path.join(logdir, name + ".log")
    with open(script, "w") as f:
        f.write(script_for(lines, blocks))
    denv = dict(env, DOCS_EXAMPLE_TRACE=trace)
    with open(log, "w") as out:
        proc = subprocess.Popen(["bash", script], cwd=scratch, env=denv, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            rc = proc.wait(timeout=time_left(DOC_TIMEOUT))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            rc = "timed out (a document may take %d s, the whole run %d s)" % (DOC_TIMEOUT, RUN_BUDGET)
    if rc == 0:
        return None
    with open(log, errors="replace") as f:
        text = f.read()
    block_no, line_no = 0, 0
    try:
        with open(trace) as f:
            last = f.read().split("\n")[-2].split()
        block_no, line_no = int(last[0]), int(last[1])
    except (OSError, IndexError, ValueError):
        pass
    report = ["%s: FAILED (%s)" % (doc, "exit %s" % rc if isinstance(rc, int) else rc)]
    block = next((b for b in blocks if b.index == block_no), None)
    if block:
        first, cmd = command_lines(lines, line_no)
        report.append("  block %d (the ```sh at line %d), line %d (line %d of the block):"
                      % (block.index, block.fence_line, first, first - block.fence_line))
        report += ["    " + c for c in cmd]
        output = block_output(text, block.index)
    else:
        output = text
    tail = output.rstrip("\n").split("\n")[-60:]
    report.append("  the block's output (last %d lines):" % len(tail))
    report += ["  | " + t for t in tail]
    return "\n".join(report)


def make_world(scratch, env, logdir):
    """Runs scripts/demo in the scratch root; True when it made the demo world there."""
    # scripts/demo computes its top folder from $0: through the scratch scripts/ it is the
    # scratch root, so its demo-run/ is the scratch root's.
    demo_log = os.path.join(logdir, "demo.log")
    t0 = time.time()
    with open(demo_log, "w") as out:
        proc = subprocess.Popen([os.path.join(scratch, "scripts", "demo")], cwd=scratch,
                                env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            rc = proc.wait(timeout=time_left(DEMO_TIMEOUT))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            rc = "timed out after %d s" % DEMO_TIMEOUT
            proc.wait()
    conf = os.path.join(scratch, "demo-run", "console", "ksc-host.conf")
    if rc != 0 or not os.path.isfile(conf) or os.path.islink(os.path.join(scratch, "demo-run")):
        with open(demo_log, errors="replace") as f:
            print(f.read()[-6000:])
        print("docs-examples: scripts/demo failed (exit %s) or left no %s" % (rc, conf))
        return False
    print("scripts/demo: %.1f s (its world in the scratch root's demo-run/)" % (time.time() - t0))
    stop_processes(scratch, "scripts/demo")
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--reuse", metavar="SCRATCH",
                    help="a scratch root a --keep run left: its demo world again, no new demo")
    ap.add_argument("docs", nargs="*")
    args = ap.parse_args()
    source = os.path.realpath(args.source)
    build = os.path.realpath(args.build)
    for f in ("bin/ksc-host", "bin/mdr-sandbox"):
        if not os.access(os.path.join(build, f), os.X_OK):
            print("docs-examples: %s/%s is missing: build first" % (build, f))
            return 1

    docs = args.docs or (["README.md"] + sorted(os.path.relpath(p, source) for p in
                         glob.glob(os.path.join(source, "docs", "*.md")) +
                         glob.glob(os.path.join(source, "docs", "actions", "*.md"))))
    parsed = []
    for doc in docs:
        with open(os.path.join(source, doc), encoding="utf-8") as f:
            lines, blocks = parse(doc, f.read())
        parsed.append((doc, lines, blocks))

    started = time.time()
    if args.reuse:
        scratch = os.path.realpath(args.reuse)
        if not os.path.isdir(os.path.join(scratch, ".examples")):
            print("docs-examples: %s is not a scratch root a --keep run left" % scratch)
            return 1
        args.keep = True
    else:
        scratch = os.path.realpath(tempfile.mkdtemp(prefix="docs-examples-"))
    logdir = os.path.join(scratch, ".examples")
    tmp = os.path.join(scratch, ".tmp")
    os.makedirs(logdir, exist_ok=True)
    os.makedirs(tmp, exist_ok=True)
    env = {k: v for k, v in os.environ.items()
           if k not in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy",
                        "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "MAKEFLAGS")}
    env["TMPDIR"] = tmp  # the examples' mktemp -d folders go with the scratch root

    def on_signal(signum, _frame):
        raise KeyboardInterrupt("signal %d" % signum)
    signal.signal(signal.SIGTERM, on_signal)

    failures, ran, skipped = [], [], []
    try:
        if args.reuse:
            print("reusing the demo world of %s" % scratch)
        else:
            make_scratch(source, build, scratch)
            if not make_world(scratch, env, logdir):
                failures.append("scripts/demo failed: no world for the documents")
                parsed = []
        for doc, lines, blocks in parsed:
            runnable = [b for b in blocks if not b.skip_reason]
            skipped += [b for b in blocks if b.skip_reason]
            if not runnable:
                continue
            if time.time() >= DEADLINE:
                failures.append("%s: not run: the run's %d s were spent" % (doc, RUN_BUDGET))
                continue
            t0 = time.time()
            failure = run_document(scratch, doc, lines, blocks, env, logdir)
            left = stop_processes(scratch, None)
            if failure is None and left:
                failure = "%s: left processes running after its last block:\n%s" % (
                    doc, "\n".join("  pid %d: %s" % (p, c[:200]) for p, c in left))
            status = "ok" if failure is None else "FAILED"
            print("%-28s %2d block(s) run  %5.1f s  %s" % (doc, len(runnable), time.time() - t0, status))
            ran.append((doc, len(runnable)))
            if failure:
                failures.append(failure)
    except KeyboardInterrupt as e:
        failures.append("interrupted (%s)" % e)
    finally:
        stop_processes(scratch, "at the end: processes")
        if args.keep:
            print("scratch root kept: %s (logs and scripts in .examples/)" % scratch)
        else:
            shutil.rmtree(scratch, ignore_errors=True)

    print("\nnot run (marked in the documents):")
    for b in skipped:
        print("  %s block %d (line %d): %s" % (b.doc, b.index, b.fence_line, b.skip_reason))
    print("\n%d document(s), %d block(s) run, %d not run, %.1f s"
          % (len(ran), sum(n for _, n in ran), len(skipped), time.time() - started))
    for f in failures:
        print("\n" + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
