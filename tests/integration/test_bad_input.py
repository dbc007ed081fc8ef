"""Bad input everywhere: every action the module registers (read from `ksc-host plugins`, not
a hand-written list) is called with generated bad requests; the host's own inputs (options,
request files, --output), the .env and the configuration files get malformed content too.

Every refused call must end with exit 1, 3 or 4 (never a signal, a sanitizer report or a
hang), print {"error": {"code", "message", "details"}} with a non-empty message on stdout, and
leave the world as it was (a snapshot of usage, licenses, tenants, health, KSN settings and
notifications is compared around each action's cases). The fields of an action are found by
probing with null (never accepted by any field type: an unknown name answers unknown_field, a
known one wrong_type with the expected type) over the names its document mentions.

A value that is valid for a field (a look-alike tenant name, an empty search) may be accepted:
such a case passes only with exit 0 and a JSON answer, is listed as "accepted", and the snapshot
is taken again after it. Run with ONLY=substring to run some cases.

The calls run through `ksc-host batch` (one process per worker thread, the modules loaded
once): thousands of process starts were most of the sweep's time. The .env and configuration
cases, whose files a running batch would not read again, start a process each.

The sanitizer build also runs a sample, as every case still costs more under ASan. BAD_INPUT_SAMPLE=N keeps every Nth case of each action
(the offset turns with the action, so each structural case still runs for some actions) and
the first case of every field; ctest sets N=20 in the sanitizer build and 1 (everything) in
the normal one. BAD_INPUT_ACTIONS=prefix,… sweeps only the actions with those prefixes.
"""
import concurrent.futures
import json
import os
import queue
import re
import shutil
import subprocess
import tempfile
import types

from harness import ARGS, ROOT, SANITIZER_MARKS, HostBatch, Suite, World, expect

suite = Suite("bad_input")
world = World()
CALL_TIMEOUT = 120  # seconds; a hang fails the case
SAMPLE = max(1, int(os.environ.get("BAD_INPUT_SAMPLE", "1")))
SAMPLED = [0, 0]  # cases kept, cases generated
TMP = tempfile.mkdtemp(prefix="bad-input-", dir=world.tmp)
ACCEPTED = []  # (case, field) accepted as valid values


# ---------------------------------------------------------------------------------------
# Running ksc-host with raw bytes and judging the answer
# ---------------------------------------------------------------------------------------

class Run:
    def __init__(self, args, proc=None, timed_out=False):
        self.args = args
        self.timed_out = timed_out
        self.rc = proc.returncode if proc else None
        raw_out = proc.stdout if proc else b""
        self.stderr = (proc.stderr if proc else b"").decode("utf-8", "replace")
        try:
            self.stdout = raw_out.decode("utf-8")
            self.utf8 = True
        except UnicodeDecodeError:
            self.stdout = raw_out.decode("utf-8", "replace")
            self.utf8 = False
        try:
            self.json = json.loads(self.stdout) if self.stdout.strip() else None
        except ValueError:
            self.json = None

    @property
    def error(self):
        if isinstance(self.json, dict) and isinstance(self.json.get("error"), dict):
            return self.json["error"]
        return None

    def __str__(self):
        shown = [a if isinstance(a, str) else repr(a) for a in self.args]
        shown = [a if len(a) < 200 else a[:200] + f"...({len(a)} chars)" for a in shown]
        return (f"ksc-host {' '.join(shown)} -> exit {self.rc}"
                f"{' (timed out)' if self.timed_out else ''}\n stdout: {self.stdout[:800]}"
                f"\n stderr: {self.stderr[:800]}")


BATCHES = []  # every batch made, closed (and judged) at the end
IDLE_BATCHES = queue.Queue()  # a batch serves one call at a time, whichever thread asks
# Off for the cases that edit files a running batch would not read again, and with
# KSC_TEST_BATCH=0 (a process per call, as the harness does then).
BATCHED = [os.environ.get("KSC_TEST_BATCH", "1") != "0"]


def batch_run(args):
    try:
        b = IDLE_BATCHES.get_nowait()
    except queue.Empty:
        b = HostBatch(world.conf, world.env, TMP)
        BATCHES.append(b)
    try:
        return b.run(args, CALL_TIMEOUT)
    finally:
        IDLE_BATCHES.put(b)


def close_batches():
    for b in BATCHES:
        b.close()
    BATCHED[0] = False


def host(*args, config=None):
    if config is None and BATCHED[0]:
        rc, out, err, timed_out = batch_run(list(args))
        if timed_out:
            return Run(list(args), timed_out=True)
        return Run(list(args), types.SimpleNamespace(returncode=rc, stdout=out, stderr=err))
    cmd = [ARGS.host, "--config", config or world.conf, *args]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=CALL_TIMEOUT, env=world.env)
    except subprocess.TimeoutExpired:
        return Run(list(args), timed_out=True)
    return Run(list(args), proc)


def call(action, request=None, lang=None, output=None, user=None, server=None):
    """request: str/bytes inline (argv), or ("file", bytes) for @FILE."""
    args = ["call"]
    for opt, val in (("--user", user), ("--server", server), ("--lang", lang),
                     ("--output", output)):
        if val is not None:
            args += [opt, val]
    args.append(action)
    if isinstance(request, tuple):
        fd, path = tempfile.mkstemp(dir=TMP, suffix=".json")
        with os.fdopen(fd, "wb") as f:
            f.write(request[1])
        args.append("@" + path)
        try:
            return host(*args)
        finally:
            os.unlink(path)
    if request is not None:
        args.append(request)
    return host(*args)


def clean_exit(r):
    """No hang, no signal, no sanitizer report, UTF-8 on stdout."""
    expect(not r.timed_out, "hang", r)
    expect(r.rc is not None and r.rc >= 0, f"killed by signal {-(r.rc or 0)}", r)
    marks = [m for m in SANITIZER_MARKS if m in r.stderr]
    expect(not marks, f"sanitizer/crash report: {marks}", r)
    expect(r.utf8, "stdout is not UTF-8", r)


def refused(r, code=None, field=None, rcs=(1, 3, 4)):
    """A clean refusal: exit 1/3/4 and the error object with a non-empty message."""
    clean_exit(r)
    expect(r.rc in rcs, f"exit {r.rc}, expected one of {rcs}", r)
    e = r.error
    expect(e is not None, "no JSON error object on stdout", r)
    expect(isinstance(e.get("code"), str) and e["code"], "no error code", r)
    expect(isinstance(e.get("message"), str) and e["message"].strip(), "empty message", r)
    expect(isinstance(e.get("details"), dict), "details is not an object", r)
    if code:
        codes = code if isinstance(code, tuple) else (code,)
        expect(e["code"] in codes, f"error {e['code']}, expected {codes}", r)
    if field:
        expect(e["details"].get("field") == field,
               f"details.field {e['details'].get('field')!r}, expected {field!r}", r)
    return e


def accepted_or_refused(r, what):
    """A value that may be valid: exit 0 with a JSON object, or a clean refusal."""
    clean_exit(r)
    if r.rc == 0:
        expect(isinstance(r.json, dict) and r.error is None, "exit 0 without a JSON answer", r)
        ACCEPTED.append(what)
        return True
    refused(r)
    return False


# ---------------------------------------------------------------------------------------
# The world's state: what a failed call must not change
# ---------------------------------------------------------------------------------------

VOLATILE = re.compile(r"(_time|_ms|_date|refreshed|days_left|remaining|period_|now|took|"
                      r"elapsed|duration)$")


def _strip(v):
    if isinstance(v, dict):
        return {k: _strip(x) for k, x in v.items() if not VOLATILE.search(k)}
    if isinstance(v, list):
        return [_strip(x) for x in v]
    return v


def snapshot():
    state = {}
    for action in ("mdr.usage.get", "mdr.licenses.list", "mdr.tenants.list",
                   "mdr.health.summary", "mdr.tenants.grants", "mdr.ksn.status",
                   "mdr.settings.get", "mdr.settings.auto_accept.get", "mdr.notifications.get",
                   "mdr.reports.list"):
        r = call(action, '{"view": "all"}' if action == "mdr.licenses.list" else None)
        expect(r.rc == 0, "snapshot call failed", r)
        state[action] = _strip(r.json)
    for args in (("ksn", "show"), ("notifications", "--user", "admin"), ("license", "list"),
                 ("user", "list"), ("role", "list")):
        r = host(*args)
        expect(r.rc == 0, "snapshot call failed", r)
        state[" ".join(args)] = _strip(r.json)
    return state


def diff(a, b, path=""):
    """The first difference between two snapshots, as text ('' when equal)."""
    if type(a) is not type(b):
        return f"{path}: {str(a)[:200]} -> {str(b)[:200]}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k}: {'added' if k in b else 'removed'}"
            d = diff(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return ""
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} -> {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b)):
            d = diff(x, y, f"{path}[{i}]")
            if d:
                return d
        return ""
    return "" if a == b else f"{path}: {str(a)[:200]} -> {str(b)[:200]}"


# ---------------------------------------------------------------------------------------
# Actions and their fields
# ---------------------------------------------------------------------------------------

def module_actions():
    r = host("plugins")
    expect(r.rc == 0 and r.json, "ksc-host plugins", r)
    mods = [m for m in r.json["modules"] if m["name"] == "mdr"]
    expect(mods, "the mdr module is not loaded", r)
    return mods[0]["actions"]


DOC_FILES = [os.path.join(ROOT, "docs", "module.md")] + sorted(
    os.path.join(ROOT, "docs", "actions", f)
    for f in os.listdir(os.path.join(ROOT, "docs", "actions")) if f.endswith(".md"))
NAME = re.compile(r"[\"`]([a-z][a-z_]{1,30})[\"`]")


def doc_text(action):
    """What the documents say about the action: its own section, table rows and bullets
    naming it, and shared 'parameters' sections it refers to."""
    parts = []
    for path in DOC_FILES:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        sections = re.split(r"\n(?=## )", text)
        own = [s for s in sections if re.match(r"## `?" + re.escape(action) + r"\b", s)]
        parts += own
        for block in re.split(r"\n\s*\n|\n(?=\|)|\n(?=- )", text):
            if f"`{action}`" in block:
                parts.append(block)
        if any("parameters" in s for s in own):
            parts += [s for s in sections if re.match(r"## [^m].*parameters", s, re.I)]
    return "\n".join(parts)


PLACEHOLDER = {"string": "zz-no-such-thing", "integer": 1, "boolean": False, "array": [],
               "object": {}}


def probe_call(action, request):
    """A probe: file actions get an --output (the host refuses them without one)."""
    out = os.path.join(TMP, "probe.out") if action in FILE_ACTIONS else None
    return call(action, request, output=out)


FILE_ACTIONS = set()


def probe_fields(action):
    """({field: expected type}, {field: placeholder}) for the names the action's documents
    mention. Every probe carries null in the probed name, which no field type accepts, so a
    probe never runs the action: an unknown name answers unknown_field, a known one
    wrong_type. The fields found so far travel with placeholder values (adjusted to the
    limits the errors name), so a required field earlier in the list does not hide the
    probed one; a missing_field answer names one more field to probe."""
    fields, values = {}, {}
    queue = sorted(set(NAME.findall(doc_text(action))))
    tried = set()
    for _ in range(2000):
        if not queue:
            break
        name = queue.pop(0)
        req = dict(values)
        req[name] = None
        r = probe_call(action, json.dumps(req))
        e = r.error or {}
        code, where = e.get("code"), (e.get("details") or {}).get("field")
        if code == "wrong_type" and where == name:
            fields[name] = e["details"].get("expected")
            values[name] = PLACEHOLDER.get(fields[name])
            queue = [n for n in tried if n not in fields] + queue  # may have been hidden
            tried = set()
            continue
        if code == "unknown_field" and where == name:
            continue  # definitive: unknown fields are checked before anything else
        tried.add(name)
        if code == "missing_field" and where and where not in fields and where not in queue:
            queue.insert(0, where)
            queue.append(name)
        elif where in values and where != name:
            details = e["details"]
            if code == "not_allowed":
                values[where] = details["allowed"].split(", ")[0]
            elif code == "too_long":
                values[where] = "z" * int(details.get("max", 1))
            elif code == "too_short":
                values[where] = "z" * int(details.get("min", 1))
            elif code == "out_of_range":
                values[where] = int(details.get("min", 1))
            else:
                continue
            queue.insert(0, name)
    settle(action, fields, values)
    return fields, values


def settle(action, fields, values):
    """Adjusts placeholders found before a later field's limits were known: with every
    other placeholder present, a null in each field must be the error."""
    for _ in range(3 * len(fields) + 1):
        changed = False
        for name in fields:
            req = dict(values)
            req[name] = None
            e = probe_call(action, json.dumps(req)).error or {}
            details = e.get("details") or {}
            where = details.get("field")
            if where == name or where not in values:
                continue
            if e.get("code") == "not_allowed":
                values[where] = details["allowed"].split(", ")[0]
            elif e.get("code") == "too_long":
                values[where] = "z" * int(details.get("max", 1))
            elif e.get("code") == "too_short":
                values[where] = "z" * int(details.get("min", 1))
            elif e.get("code") == "out_of_range":
                values[where] = int(details.get("min", 1))
            else:
                continue
            changed = True
        if not changed:
            return


def field_order(action, fields, values):
    """The order the action checks its fields in: with every field null, the error names the
    first one; give it its placeholder and ask again."""
    order, req = [], {f: None for f in fields}
    for _ in fields:
        e = probe_call(action, json.dumps(req)).error or {}
        first = (e.get("details") or {}).get("field")
        if first not in req or first in order:
            break
        order.append(first)
        req[first] = values[first]
    return order + [f for f in fields if f not in order]


def required_fields(action, fields, values):
    """Fields whose absence answers missing_field. The last field checked is always null in
    these probes (so none can run the action) and is taken as required."""
    order = field_order(action, fields, values)
    required = set(order[-1:])
    for f in order[:-1]:
        req = {k: values[k] for k in order[:-1] if k != f}
        req[order[-1]] = None
        e = probe_call(action, json.dumps(req)).error or {}
        if e.get("code") == "missing_field" and e["details"].get("field") == f:
            required.add(f)
    return required


def placeholders(values, skip, keep=None):
    return {k: v for k, v in values.items() if k != skip and (keep is None or k in keep)}


# ---------------------------------------------------------------------------------------
# Generated requests
# ---------------------------------------------------------------------------------------

LONG_10K = "a" * 10_000
LONG_1M = "b" * 1_000_000
DEPTH = 10_000
LOOKALIKE = "\u0430\u0441\u0441\u043e\u0443nt\u200b\uff41"  # Cyrillic, zero width, fullwidth


def structural_cases():
    """(name, request, expected codes): bad whatever the action's fields are."""
    big_obj = '{"padding": "' + "c" * (1024 * 1024) + '"}'
    return [
        ("array", "[]", None), ("array_of_object", '[{}]', None), ("string", '"x"', None),
        ("number", "42", None), ("negative_number", "-1", None), ("float", "1.5e308", None),
        ("true", "true", None), ("null", "null", None), ("empty", "", None),
        ("blank", "   ", None), ("truncated", '{"a": ', None), ("two_values", "{} {}", None),
        ("trailing_comma", '{"a": 1,}', None), ("single_quotes", "{'a': 1}", None),
        ("comment", "{} // x", None), ("nan", '{"a": NaN}', None),
        ("unknown_field", '{"zz_unknown_field": 1}', "unknown_field"),
        ("unknown_field_null", '{"zz_unknown_field": null}', "unknown_field"),
        ("lookalike_field_name", json.dumps({"\u0456d": "x"}), "unknown_field"),
        ("long_cyrillic_field_name", json.dumps({"\u0436" * 300: 1}, ensure_ascii=False),
         "unknown_field"),
        ("nul_in_known_looking_key", '{"view\\u0000": "all", "id\\u0000x": 1}', "unknown_field"),
        ("empty_field_name", '{"": 1}', "unknown_field"),
        ("nul_field_name", '{"id\\u0000": 1}', "unknown_field"),
        ("duplicate_unknown", '{"zz": 1, "zz": 2}', "unknown_field"),
        ("deep_array", ("file", ("[" * DEPTH + "]" * DEPTH).encode()), None),
        ("deep_object", ("file", ('{"a":' * DEPTH + "1" + "}" * DEPTH).encode()), None),
        ("deep_in_field", ("file", ('{"zz": ' + "[" * DEPTH + "]" * DEPTH + "}").encode()),
         None),
        ("invalid_utf8_argv", b'{"zz": "\xff\xfe\xc0\xaf"}', None),
        ("invalid_utf8_file", ("file", b'{"zz\xc3": "\xed\xa0\x80"}'), None),
        ("overlong_utf8", ("file", b'{"\xc0\xaa": 1}'), None),
        ("lone_surrogate_escape", '{"zz": "\\ud800"}', None),
        ("raw_nul_in_file", ("file", b'{"zz": "a\x00b"}'), None),
        ("control_char_in_string", '{"zz": "a\x01b"}', None),
        ("body_1mb", ("file", big_obj.encode()), "too_large"),
        ("body_17mb", ("file", b'{"zz": "' + b"d" * (17 * 1024 * 1024) + b'"}'), None),
    ]


def wrong_values(kind):
    """Values of every JSON type except `kind`."""
    values = [("string", "x"), ("empty_string", ""), ("integer", 7), ("negative", -1),
              ("float", 1.5), ("true", True), ("false", False), ("array", ["x"]),
              ("empty_array", []), ("object", {"a": 1}), ("null", None)]
    same = {"string": ("string", "empty_string"), "integer": ("integer", "negative"),
            "boolean": ("true", "false"), "array": ("array", "empty_array"),
            "object": ("object",)}[kind]
    return [(n, v) for n, v in values if n not in same]


def content_cases(kind):
    """(name, value, must_refuse) for values of the field's own type."""
    if kind == "string":
        return [("empty", "", False), ("long_10k", LONG_10K, False),
                ("long_1m", LONG_1M, True), ("nul", "a\u0000b", True),
                ("nul_only", "\u0000", True), ("lookalike", LOOKALIKE, False),
                ("bidi_controls", "\u202eadmin\u202c", False),
                ("sql_quote", "x' OR '1'='1", False), ("newline_csv", "=cmd|'/C calc'!A0\r\n", False)]
    if kind == "integer":
        return [("int64_max", 9223372036854775807, False), ("uint64_max", 18446744073709551615, False),
                ("beyond_uint64", "18446744073709551616" * 2, True),
                ("int64_min", -9223372036854775808, False), ("minus_one", -1, False),
                ("zero", 0, False), ("float_int", 1.0, True), ("exp", "1e400", True)]
    if kind == "array":
        return [("of_null", [None], False), ("of_numbers", [1, 2], False),
                ("of_arrays", [[]], False), ("of_objects", [{}], False),
                ("of_empty_strings", [""], False), ("of_nul", ["\u0000"], False),
                ("of_long", [LONG_10K], False), ("thousands", ["x"] * 5000, False),
                ("of_lookalike", [LOOKALIKE], False)]
    if kind == "object":
        return [("unknown_member", {"zz_unknown": 1}, True), ("member_null", {"a": None}, False),
                ("nested_deep", None, True)]
    return []


def encode(request):
    return json.dumps(request, ensure_ascii=False)


def raw_with(fields_json, name, raw_value):
    """A request whose `name` holds raw JSON text (e.g. a number json cannot print)."""
    base = json.dumps(fields_json)[:-1]
    sep = ", " if fields_json else ""
    return base + f'{sep}"{name}": {raw_value}' + "}"


# ---------------------------------------------------------------------------------------
# The sweep
# ---------------------------------------------------------------------------------------

def run_cases(cases, workers=2):
    """cases: [(name, fn)] run in parallel; each fn raises on failure. Prints PASS/FAIL."""
    def one(case):
        name, fn = case
        try:
            note = fn()
            return name, None, note
        except Exception as e:  # noqa: BLE001 - every failure is reported the same way
            return name, e, None

    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        for name, err, note in pool.map(one, cases):
            @suite.case(name + (f" [{note}]" if note else ""))
            def _(err=err):
                if err:
                    raise err


def action_cases(action, produces_file, fields, values, required):
    cases = []
    out = os.path.join(TMP, action + ".out")
    output = out if produces_file else None

    def refuse(req, code=None, fld=None, **kw):
        return lambda: refused(call(action, req, output=kw.get("output", output)), code, fld) and None

    for name, req, code in structural_cases():
        cases.append((f"{action}__{name}", refuse(req, code)))
    if produces_file:
        def no_output():
            refused(call(action, "{}"), ("output_required", "file_output_required"))
        cases.append((f"{action}__without_output", no_output))

        def keeps_file():
            with open(out + ".keep", "wb") as f:
                f.write(b"precious")
            refused(call(action, '{"zz_unknown": 1}', output=out + ".keep"), "unknown_field")
            with open(out + ".keep", "rb") as f:
                expect(f.read() == b"precious", "a refused export replaced the file")
        cases.append((f"{action}__keeps_existing_file", keeps_file))

        def unwritable():
            refused(call(action, "{}", output=os.path.join(TMP, "no-dir", "x.out")))
        cases.append((f"{action}__output_dir_missing", unwritable))
    else:
        def output_given():
            refused(call(action, "{}", output=out), ("output_not_allowed",))
        cases.append((f"{action}__output_not_allowed", output_given))

    for fname, kind in fields.items():
        others = placeholders(values, fname)
        for vname, value in wrong_values(kind):
            req = dict(others, **{fname: value})
            cases.append((f"{action}__{fname}__{vname}",
                          refuse(encode(req), "wrong_type", fname)))
        others = placeholders(values, fname, required)  # values that may be valid: the least
        for vname, value, must in content_cases(kind):
            if vname == "nested_deep":
                req = ("file", raw_with(others, fname, '{"a":' * DEPTH + "1" + "}" * DEPTH).encode())
            elif isinstance(value, str) and kind == "integer":
                req = raw_with(others, fname, value)
            else:
                req = encode(dict(others, **{fname: value}))
            if len(req) > 100_000 and not isinstance(req, tuple):
                req = ("file", req.encode())
            label = f"{action}__{fname}__{vname}"
            if must:
                cases.append((label, refuse(req)))
            else:
                def maybe(req=req, label=label):
                    r = call(action, req, output=output)
                    if accepted_or_refused(r, label):
                        return "accepted as a valid value"
                    return f"refused: {r.error['code']}"
                cases.append((label, maybe))
    return cases


def sample(cases, turn):
    """Every SAMPLE-th case (offset `turn`) plus the first case of each field."""
    SAMPLED[1] += len(cases)
    if SAMPLE == 1:
        SAMPLED[0] += len(cases)
        return cases
    kept, fields_seen = [], set()
    for i, (name, fn) in enumerate(cases):
        parts = name.split("__")
        field = parts[1] if len(parts) > 2 else None
        if (i + turn) % SAMPLE == 0 or (field and field not in fields_seen):
            kept.append((name, fn))
        if field:
            fields_seen.add(field)
    SAMPLED[0] += len(kept)
    return kept


def sweep():
    actions = module_actions()
    expect(len(actions) > 20, "too few actions", actions)
    # BAD_INPUT_ACTIONS=mdr.settings.,mdr.reports. sweeps only actions with those prefixes
    # (a quick run while working on an area; ctest sweeps everything).
    only = [p for p in os.environ.get("BAD_INPUT_ACTIONS", "").split(",") if p]
    if only:
        actions = [a for a in actions if any(a["name"].startswith(p) for p in only)]
    baseline = snapshot()
    FILE_ACTIONS.update(a["name"] for a in actions if a["produces_file"])
    for turn, a in enumerate(actions):
        fields, values = probe_fields(a["name"])
        required = required_fields(a["name"], fields, values) if fields else set()
        before = len(ACCEPTED)
        run_cases(sample(action_cases(a["name"], a["produces_file"], fields, values, required),
                         turn))
        after = snapshot()

        @suite.case(f"{a['name']}__world_unchanged")
        def _(a=a, after=after, accepted=len(ACCEPTED) - before):
            d = diff(baseline, after)
            expect(not d or accepted, f"a refused call changed the world: {d}")
            if d:
                print(f"  note: changed by an accepted value ({accepted}): {d}")
        baseline = after
        print(f"  ({a['name']}: fields {fields}, required {sorted(required)})")


# ---------------------------------------------------------------------------------------
# Localization of the generic errors
# ---------------------------------------------------------------------------------------

def localized_cases():
    samples = [("not_object", "mdr.usage.get", "[]", None),
               ("unknown_field", "mdr.licenses.list", '{"zz": 1}', None),
               ("wrong_type", "mdr.licenses.list", '{"view": 1}', None),
               ("too_long", "mdr.account.sign_in", json.dumps({"login": LONG_10K}), None),
               ("too_short", "mdr.account.sign_in", '{"login": ""}', None),
               ("missing_field", "mdr.tenants.get", "{}", None),
               ("not_allowed", "mdr.licenses.list", '{"view": "x"}', None),
               ("invalid_value", "mdr.tenants.get", '{"id": "\\u0000"}', None),
               ("invalid_json", "mdr.usage.get", '{"a": "\xff"}', None),
               ("too_large", "mdr.usage.get", ("file", b" " * (1024 * 1024 + 8) + b"{}"), None),
               ("not_json", "mdr.usage.get", "{", None),
               ("deep", "mdr.usage.get", ("file", ("[" * DEPTH + "]" * DEPTH).encode()), None),
               ("output_required", "mdr.licenses.archive", '{"id": "x"}', None),
               ("unknown_action", "mdr.zz.unknown", "{}", None)]
    cases = []
    for label, action, req, _ in samples:
        def fn(action=action, req=req):
            en = refused(call(action, req, lang="en"))
            ru = refused(call(action, req, lang="ru"))
            expect(en["code"] == ru["code"], "codes differ between languages", en, ru)
            expect(en["message"] != ru["message"], "the Russian message is the English one", ru)
            expect(re.search("[\u0400-\u04ff]", ru["message"]), "no Cyrillic in ru", ru)
        cases.append((f"localized__{label}", fn))
    run_cases(cases)


# ---------------------------------------------------------------------------------------
# The host's own inputs: options, the .env, the configuration files
# ---------------------------------------------------------------------------------------

def host_option_cases():
    cases = [("host__unknown_user", lambda: refused(call("mdr.usage.get", user="zz-nobody"))),
             ("host__unknown_server", lambda: refused(call("mdr.usage.get", server="zz-nowhere"))),
             ("host__bad_language", lambda: refused(call("mdr.usage.get", lang="xx"))),
             ("host__language_with_nul_like", lambda: refused(call("mdr.usage.get", lang="r\u0443"))),
             ("host__unknown_action", lambda: refused(call("zz.unknown"))),
             ("host__request_file_missing",
              lambda: refused(call("mdr.usage.get", "@" + os.path.join(TMP, "missing.json")))),
             ("host__request_file_is_dir", lambda: refused(call("mdr.usage.get", "@" + TMP))),
             ("host__long_action_name", lambda: refused(call("mdr." + "x" * 100_000)))]
    run_cases(cases)


def env_cases():
    env_path = os.path.join(world.dir, ".env")
    with open(env_path, "rb") as f:
        good = f.read()

    def with_env(extra, check):
        def fn():
            with open(env_path, "wb") as f:
                f.write(extra + b"\n" + good)
            try:
                check()
            finally:
                with open(env_path, "wb") as f:
                    f.write(good)
        return fn

    def still_works(warned=True):
        def check():
            r = call("mdr.licenses.refresh")
            clean_exit(r)
            expect(r.rc == 0, "a malformed .env line broke a cloud call", r)
            if warned:
                expect(".env:1: malformed line ignored" in r.stderr,
                       "no warning naming the .env line", r)
        return check

    bad_lines = {
        "no_equals": b"JUST_A_WORD",
        "unterminated_double": b'HTTPS_PROXY="http://127.0.0.1:1',
        "unterminated_single": b"HTTPS_PROXY='http://127.0.0.1:1",
        "binary": bytes(range(11, 256)) + b"\x00\xff=\xfe",
        "nul_in_value": b"X=a\x00b",
        "bad_key": b"1BAD KEY=1",
        "only_export": b"export",
        "empty_key": b"=value",
        "invalid_utf8_value": b"NO_PROXY=\xff\xfe",
        "backslash_at_end": b'X="abc\\',
        "very_long_line": b"X=" + b"y" * 2_000_000,
        "crlf": b"X=1\r\nY='2'\r\n",
    }
    acceptable = {"invalid_utf8_value", "very_long_line", "crlf"}  # well-formed lines
    cases = [(f"env__{k}", with_env(v, still_works(k not in acceptable)))
             for k, v in bad_lines.items()]
    run_cases(cases, workers=1)  # one .env file


def config_cases():
    """A broken ksc-host.conf or mdr.conf: a clear error, no crash, and the good files back."""
    mdr_conf = os.path.join(world.dir, "mdr.conf")
    with open(world.conf, "rb") as f:
        host_good = f.read()
    with open(mdr_conf, "rb") as f:
        mdr_good = f.read()

    def replaced(path, good, content, check):
        def fn():
            with open(path, "wb") as f:
                f.write(content(good))
            try:
                check()
            finally:
                with open(path, "wb") as f:
                    f.write(good)
        return fn

    def host_refuses():
        r = host("call", "mdr.usage.get")
        clean_exit(r)
        expect(r.rc in (1, 4), "a broken ksc-host.conf did not fail the command", r)
        expect(r.stderr.strip(), "no message on stderr", r)

    def module_refuses(field_hint):
        def check():
            r = call("mdr.usage.get")
            e = refused(r)
            text = e["message"] + json.dumps(e["details"])
            expect(field_hint in text, f"the error does not name {field_hint}", r)
        return check

    def set_key(key, raw):
        """Replaces `key = …;` inside mdr.conf's text (libconfig), or appends a group."""
        def edit(good):
            text = good.decode()
            group, name = key.split(".")
            pat = re.compile(r"(\b" + name + r"\s*[=:]\s*)([^;]*)(;)")
            at = re.search(r"\b" + group + r"\s*[=:]?\s*\{", text)
            m = pat.search(text, at.end()) if at else None
            if m:
                return (text[:m.start(2)] + raw + text[m.end(2):]).encode()
            if at:
                return (text[:at.end()] + f" {name} = {raw};" + text[at.end():]).encode()
            return (text + f"\n{group} = {{ {name} = {raw}; }};\n").encode()
        return edit

    anchor_dir = os.path.join(TMP, "anchor-dir")
    os.makedirs(anchor_dir, exist_ok=True)
    garbage = os.path.join(TMP, "garbage.pem")
    with open(garbage, "wb") as f:
        f.write(b"-----BEGIN CERTIFICATE-----\n\xff\xfe not base64 \x00\n-----END CERTIFICATE-----\n")
    empty = os.path.join(TMP, "empty.pem")
    open(empty, "wb").close()
    key_pem = os.path.join(world.sandbox.certs, "server.key")
    cases = [
        ("config__host_not_libconfig", replaced(world.conf, host_good, lambda g: b"{{{ not a config", host_refuses)),
        ("config__host_binary", replaced(world.conf, host_good, lambda g: bytes(range(256)) * 40, host_refuses)),
        ("config__host_empty", replaced(world.conf, host_good, lambda g: b"", host_refuses)),
        ("config__host_data_dir_number", replaced(
            world.conf, host_good, lambda g: re.sub(rb'data_dir\s*=\s*"[^"]*"', b"data_dir = 5", g), host_refuses)),
        ("config__host_plugins_dir_list", replaced(
            world.conf, host_good, lambda g: re.sub(rb'plugins_dir\s*=\s*"[^"]*"', b'plugins_dir = ["a", "b"]', g),
            host_refuses)),
        ("config__host_modules_string", replaced(
            world.conf, host_good, lambda g: re.sub(rb"modules\s*=", b"modules = \"x\";\nunused =", g, count=1),
            host_refuses)),
        ("config__mdr_timeout_string", replaced(
            mdr_conf, mdr_good, set_key("cloud.timeout_ms", '"soon"'), module_refuses("timeout_ms"))),
        ("config__mdr_retries_negative", replaced(
            mdr_conf, mdr_good, set_key("cloud.max_retries", "-5"), module_refuses("max_retries"))),
        ("config__mdr_retries_huge", replaced(
            mdr_conf, mdr_good, set_key("cloud.max_retries", "99999999999999999999L"), module_refuses("mdr.conf"))),
        ("config__mdr_base_url_number", replaced(
            mdr_conf, mdr_good, set_key("cloud.base_url", "5"), module_refuses("base_url"))),
        ("config__mdr_base_url_http", replaced(
            mdr_conf, mdr_good, set_key("cloud.base_url", '"http://127.0.0.1:1/api"'), module_refuses("base_url"))),
        ("config__mdr_unknown_key", replaced(
            mdr_conf, mdr_good, set_key("cloud.zz_unknown", "1"), module_refuses("zz_unknown"))),
        ("config__mdr_syntax", replaced(mdr_conf, mdr_good, lambda g: g + b"\ncloud = {", module_refuses("mdr.conf"))),
        ("config__mdr_binary", replaced(mdr_conf, mdr_good, lambda g: bytes(range(256)) * 8, module_refuses("mdr.conf"))),
        ("config__trust_anchor_missing", replaced(
            mdr_conf, mdr_good, set_key("ksn.trust_anchor", json.dumps(os.path.join(TMP, "none.pem"))),
            module_refuses("trust_anchor"))),
        ("config__trust_anchor_directory", replaced(
            mdr_conf, mdr_good, set_key("ksn.trust_anchor", json.dumps(anchor_dir)), module_refuses("trust_anchor"))),
        ("config__trust_anchor_garbage", replaced(
            mdr_conf, mdr_good, set_key("ksn.trust_anchor", json.dumps(garbage)), module_refuses("trust_anchor"))),
        ("config__trust_anchor_empty", replaced(
            mdr_conf, mdr_good, set_key("ksn.trust_anchor", json.dumps(empty)), module_refuses("trust_anchor"))),
        ("config__trust_anchor_private_key", replaced(
            mdr_conf, mdr_good, set_key("ksn.trust_anchor", json.dumps(key_pem)), module_refuses("trust_anchor"))),
        ("config__extra_ca_garbage", replaced(
            mdr_conf, mdr_good, set_key("cloud.extra_ca_file", json.dumps(garbage)), module_refuses("extra_ca_file"))),
    ]
    run_cases(cases, workers=1)  # the same files


# ---------------------------------------------------------------------------------------

@suite.case("setup__activate")
def _():
    st = world.activate()
    expect(st.get("state") == "active", st)
    world.call("mdr.health.sync", {"full": True}).ok()


try:
    start = snapshot()
    host_option_cases()
    localized_cases()
    sweep()
    close_batches()
    env_cases()
    config_cases()
except BaseException:
    world.cleanup()  # never leave the sandbox running
    raise


@suite.case("batch__processes_ended_cleanly")
def _():
    problems = [p for b in BATCHES for p in b.problems]
    expect(BATCHES or os.environ.get("KSC_TEST_BATCH") == "0",
           "no call went through ksc-host batch")
    expect(not problems, *problems)


@suite.case("world__unchanged_overall")
def _():
    d = diff(start, snapshot())
    expect(not d or ACCEPTED, f"the world changed: {d}")
    if d:
        print(f"  note: changed by {len(ACCEPTED)} accepted values, e.g. {ACCEPTED[:5]}: {d}")


if SAMPLE > 1:
    print(f"sample 1/{SAMPLE} (BAD_INPUT_SAMPLE): {SAMPLED[0]} of {SAMPLED[1]} action cases run")
print(f"accepted as valid values ({len(ACCEPTED)}): {', '.join(ACCEPTED[:40])}"
      f"{' …' if len(ACCEPTED) > 40 else ''}")
shutil.rmtree(TMP, ignore_errors=True)
suite.finish(world)
