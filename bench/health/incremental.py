#!/usr/bin/env python3
"""The incremental sync alone, repeated: a quicker loop than bench.py for work on the sync.
usage: incremental.py --host ksc-host --sandbox mdr-sandbox --plugins DIR [--runs N]
Seeds the same world as bench.py (100,000 assets, 110,000 devices), runs a full sync, then N
incremental syncs with nothing changed and N with 1% changed (sandbox admin assets/touch),
printing each one's phases and the median. Writes nothing."""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

p = argparse.ArgumentParser()
p.add_argument("--assets", type=int, default=100000)
p.add_argument("--silent", type=int, default=10000)
p.add_argument("--runs", type=int, default=3)
OPT, _ = p.parse_known_args()

from harness import World  # noqa: E402  (reads --host/--sandbox/--plugins)

SEED, TENANTS = 7, 10


def sync(world, *args):
    t0 = time.monotonic()
    r = world.host_ok("call", "mdr.health.sync", *args, timeout=1800)
    wall = (time.monotonic() - t0) * 1000
    j = json.loads(r.stdout)
    if os.environ.get("SHOW_STDERR"):
        print(r.stderr, end="")
    rest = j["duration_ms"] - j["plan_ms"] - j["fetch_ms"] - j["apply_ms"]
    print(f"  {j['mode']:<11} {j['reason']:<16} wall {wall:5.0f} ms, module {j['duration_ms']:5} ms"
          f" (plan {j['plan_ms']}, fetch {j['fetch_ms']}, apply {j['apply_ms']}, rest {rest});"
          f" fetched {j['fetched']}, changed {j['changed']}, requests {j['requests']}", flush=True)
    return j


world = World(sandbox_args=("--seed", str(SEED), "--assets", str(OPT.assets), "--tenants",
                            str(TENANTS)), timeout_ms=120000, connect_timeout_ms=5000)
try:
    world.host_ok("devices", "generate", "--count", str(OPT.assets + OPT.silent), "--never-sent",
                  str(OPT.silent), "--seed", str(SEED), "--tenants", str(TENANTS), timeout=600)
    world.activate()
    print("full:")
    sync(world)
    print("nothing changed:")
    same = [sync(world)["duration_ms"] for _ in range(OPT.runs)]
    print("1% changed:")
    touched = []
    for _ in range(OPT.runs):
        world.sandbox.admin("assets/touch", {"fraction": 0.01})
        touched.append(sync(world)["duration_ms"])
    print(f"median: nothing changed {statistics.median(same)} ms, 1% changed "
          f"{statistics.median(touched)} ms")
finally:
    world.cleanup()
