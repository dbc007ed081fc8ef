#!/usr/bin/env python3
"""The module's folders depend on each other only as docs/module.md's map says.

Reads every #include "…" under plugin/ and fails on one that crosses folders in a direction
the map does not allow (an area reaching into another area's internals, the self-contained
libraries reaching into the module, a circle). Run: check_includes.py [repository root].
"""
import os
import re
import sys

# folder -> folders (or "folder/header.h") it may include; its own folder is always allowed.
# core/actions.h declares every handler itself, so the table needs no area header.
ALLOWED = {
    "core": {"cloud"},
    "cloud": set(),
    "ksn": {"cloud/encoding.h"},
    "about": {"core"},
    "activation": {"core", "cloud", "ksn_file/ksn_file.h"},
    "ksn_file": {"core", "cloud", "ksn"},
    "licenses": {"core", "cloud", "ksn"},
    "tenants": {"core", "cloud", "licenses/view.h", "licenses/sync.h", "licenses/delivery.h"},
    "health": {"core", "cloud"},
    "settings": {"core", "cloud"},
    "notifications": {"core", "cloud"},
    "reports": {"core", "cloud", "notifications/email_address.h"},
    "connections": {"core", "cloud", "licenses/view.h", "licenses/sync.h"},
    "responses": {"core", "cloud"},
    "wizard": {"core"},
    "diagnosis": {"core", "cloud", "ksn_file/ksn_file.h", "licenses/cache.h", "licenses/view.h"},
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(os.path.dirname(__file__), "..", ".."))
    plugin = os.path.join(root, "plugin")
    problems = []
    folders = set()
    for dirpath, _, files in os.walk(plugin):
        rel_dir = os.path.relpath(dirpath, plugin)
        for name in sorted(files):
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, plugin)
            if rel_dir == ".":
                problems.append(f"plugin/{rel}: a source file belongs in a folder (see docs/module.md)")
                continue
            folder = rel_dir.split(os.sep)[0]
            folders.add(folder)
            if folder not in ALLOWED:
                problems.append(f"plugin/{rel}: folder {folder}/ is not in the map "
                                "(docs/module.md and tests/layout/check_includes.py)")
                continue
            for inc in INCLUDE.findall(open(path, encoding="utf-8").read()):
                if os.path.exists(os.path.join(dirpath, inc)) and "/" not in inc:
                    continue  # its own folder
                target = os.path.normpath(inc).split(os.sep)
                if target[0] not in ALLOWED:
                    continue  # a header from include/ or common/
                tfolder = target[0]
                allowed = ALLOWED[folder]
                if tfolder == folder or tfolder in allowed or inc in allowed:
                    continue
                problems.append(f"plugin/{rel}: includes \"{inc}\": {folder}/ may use "
                                f"{', '.join(sorted(allowed)) or 'nothing of the module'}")
    for folder in sorted(set(ALLOWED) - folders):
        problems.append(f"the map names plugin/{folder}/, which does not exist")
    for p in problems:
        print(p)
    print(f"{len(folders)} folders checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
