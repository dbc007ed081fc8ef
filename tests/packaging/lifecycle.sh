#!/usr/bin/env bash
# packaging__lifecycle: the Debian packages for real, with dpkg on this machine as root
# (docs/packaging.md says why not a throwaway root). Usage: lifecycle.sh SOURCE_DIR WORK_DIR
#   1. builds this tree's packages and those of an earlier commit (KSC_PACKAGING_PREVIOUS,
#      default 0b21cda: main before migration 006, so that the upgrade migrates the store)
#      with this tree's installer/ (Release, the three programs only);
#   2. lintian on every package of this tree: no error, no warning left unexplained;
#   3. installs the earlier packages on a clean system, builds the demo world from the
#      installed files (mdr-sandbox, ksc-host, the module): sign-in, activation, KSN,
#      Health, a tenant, a grant, settings;
#   4. upgrades to this tree's packages: everything is still there, the store's migrations
#      ran once (after a backup); the earlier packages then refuse the newer store (when the
#      two differ in schema); a failing migration puts the store back and says why in the
#      log; a store newer than the module is refused and left as it is;
#   5. remove keeps configuration and state, reinstall finds them, purge deletes them.
# Prints one line per check and "N passed, N failed". Exit 77 (skipped) when not root.
set -uo pipefail
src=$(cd "${1:?source dir}" && pwd)
work=${2:?work dir}
previous=${KSC_PACKAGING_PREVIOUS:-0b21cda}
packages=(ksc-mdr-plugin ksc-host mdr-sandbox)

if [ "$(id -u)" -ne 0 ]; then
  echo "packaging__lifecycle: skipped: dpkg must run as root (CI runs as root)"
  exit 77
fi
for tool in dpkg-deb dpkg-shlibdeps lintian fakeroot git sqlite3 python3 setpriv; do
  command -v "$tool" >/dev/null || { echo "packaging__lifecycle: $tool is missing: run scripts/setup" >&2; exit 1; }
done
mkdir -p "$work"
work=$(cd "$work" && pwd)
# One run at a time on a machine: the packages, the user and /var/lib/ksc-host are global.
exec 9>/var/lock/ksc-packaging-test.lock
flock -w 1800 9 || { echo "packaging__lifecycle: another run holds the lock" >&2; exit 1; }
for p in "${packages[@]}"; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -qv "not-installed"; then
    echo "packaging__lifecycle: $p is already on this machine ($(dpkg-query -W -f='${Status}' "$p")):" \
      "this test installs and purges it, so it refuses to run here" >&2
    exit 1
  fi
done

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   - $*"; }
bad() { failed=$((failed + 1)); echo "FAIL - $*"; }
check() { # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@" >"$work/check.out" 2>&1; then
    ok "$what"
  else
    bad "$what"
    sed 's/^/       /' "$work/check.out" | tail -20
    return 1
  fi
}
die() { bad "$*"; finish; }

user_was_there=0
getent passwd ksc-host >/dev/null && user_was_there=1
sandbox_pid=""
world=""
cleanup() {
  [ -n "$sandbox_pid" ] && { kill "$sandbox_pid" 2>/dev/null; wait "$sandbox_pid" 2>/dev/null; }
  dpkg -P "${packages[@]}" >/dev/null 2>&1
  for path in /etc/ksc-mdr/mdr.conf /etc/ksc-mdr; do
    dpkg-statoverride --list "$path" >/dev/null 2>&1 && dpkg-statoverride --remove "$path"
  done
  rm -rf /etc/ksc-mdr /etc/ksc-host /var/lib/ksc-host
  [ -n "$world" ] && rm -rf "$world"
  [ "$user_was_there" = 0 ] && getent passwd ksc-host >/dev/null && userdel ksc-host 2>/dev/null
  getent group ksc-host >/dev/null && [ "$user_was_there" = 0 ] && groupdel ksc-host 2>/dev/null
  return 0
}
finish() {
  cleanup
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ] && exit 0
  exit 1
}
trap 'cleanup' EXIT

# ---- 1. the packages --------------------------------------------------------------------
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache)
build_packages() { # SOURCE BUILD VERSION [CHANGELOG NOTE]
  local s=$1 b=$2 v=$3 note=${4:-}
  rm -f "$b"/*.deb # never the packages of an earlier run
  cmake -S "$s" -B "$b" -DCMAKE_BUILD_TYPE=Release -DMDR_TEST_POINTS=OFF "${launcher[@]}" \
    -DKSC_PACKAGE_VERSION="$v" -DKSC_PACKAGE_CHANGELOG_NOTE="$note" >"$b.log" 2>&1 &&
    cmake --build "$b" -j"$(nproc)" --target mdr ksc-host mdr-sandbox >>"$b.log" 2>&1 &&
    (cd "$b" && cpack -G DEB >>"$b.log" 2>&1) ||
    { tail -30 "$b.log"; return 1; }
}
version=$(sed -n 's/^project(ksc-mdr VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
old_version="$version~git$(git -C "$src" rev-parse --short=7 "$previous" 2>/dev/null)"
start=$SECONDS
check "this tree's packages build (version $version)" build_packages "$src" "$work/new" "$version" || finish
# The earlier commit with this tree's installer/: the same layout, the earlier programs. It is
# extracted again only when the commit or installer/ changed, so a rerun builds nothing.
stamp="$previous $(cd "$src" && find installer -type f | sort | xargs sha256sum | sha256sum)"
if [ "$(cat "$work/old-src.stamp" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$work/old-src" "$work/old"
  mkdir -p "$work/old-src"
  git -C "$src" archive "$previous" | tar -x -C "$work/old-src" ||
    die "git archive $previous (the clone needs the project's history)"
  rm -rf "$work/old-src/installer"
  cp -r "$src/installer" "$work/old-src/installer"
  echo "$stamp" >"$work/old-src.stamp"
fi
check "the packages of $previous build (version $old_version)" \
  build_packages "$work/old-src" "$work/old" "$old_version" "The project at commit $previous, for upgrade tests." ||
  finish
echo "     (both builds: $((SECONDS - start)) s)"
new_debs=("$work"/new/*.deb)
old_debs=("$work"/old/*.deb)
[ ${#new_debs[@]} -eq 3 ] && [ ${#old_debs[@]} -eq 3 ] || die "three packages each (new: ${#new_debs[@]}, old: ${#old_debs[@]})"

# ---- 2. lintian -------------------------------------------------------------------------
check "lintian: no error, every warning overridden with its reason" \
  lintian --fail-on error,warning "${new_debs[@]}"
check "ksc-mdr-plugin depends on the libraries it links, nothing else" \
  bash -c "dpkg-deb -f '$work/new/ksc-mdr-plugin_${version}_amd64.deb' Depends | tr ',' '\n' | grep -v -E '^ *lib[a-z0-9.+-]+[0-9]* ?(\(|$)' | grep . && exit 1 || exit 0"

# ---- 3. the earlier release on a clean system -------------------------------------------
check "dpkg installs the packages of $previous" dpkg -i "${old_debs[@]}"
check "the ksc-host system user exists" getent passwd ksc-host
check "/var/lib/ksc-host belongs to it, 0750" test "$(stat -c %U:%a /var/lib/ksc-host)" = ksc-host:750
check "/etc/ksc-mdr/mdr.conf is the host user's, 0600" test "$(stat -c %U:%a /etc/ksc-mdr/mdr.conf)" = ksc-host:600
check "the conffiles are registered" bash -c "dpkg-query -W -f='\${Conffiles}' ksc-mdr-plugin ksc-host | grep -q /etc/ksc-mdr/mdr.conf && dpkg-query -W -f='\${Conffiles}' ksc-host | grep -q /etc/ksc-host/ksc-host.conf"
if command -v systemd-analyze >/dev/null; then
  check "systemd-analyze verify ksc-host.service" systemd-analyze verify /lib/systemd/system/ksc-host.service
fi

# The world's files go to /tmp: the console runs as the ksc-host user, which must read the
# sandbox's CA and trust anchor and write exports, and a clone may sit under a 0700 /root.
world=$(mktemp -d /tmp/ksc-packaging.XXXXXX)
mkdir -p "$world/sbx" "$world/out"
chmod 0755 "$world" "$world/sbx"
chmod 0777 "$world/out" # the console writes exports there as its own user
host() { /usr/bin/ksc-host "$@"; }
show() { python3 -c "import json, sys; d = json.load(sys.stdin)
$1"; }
heading() { echo "     -- $*"; }
check "the installed console lists the module" bash -c "/usr/bin/ksc-host plugins | grep -q '\"name\": *\"mdr\"'"

start_sandbox() {
  /usr/share/mdr-sandbox/sandbox-certs "$world/sbx/certs" >/dev/null 2>&1 || return 1
  chmod -R a+rX "$world/sbx"
  local port=${1:-0}
  /usr/bin/mdr-sandbox --listen "127.0.0.1:$port" --tls-cert "$world/sbx/certs/server.pem" \
    --tls-key "$world/sbx/certs/server.key" --seed 2026 --assets 300 --tenants 3 \
    --state "$world/sbx/state.db" >"$world/sbx/ready.json" 2>"$world/sbx/sandbox.log" &
  sandbox_pid=$!
  for _ in $(seq 300); do
    [ -s "$world/sbx/ready.json" ] && break
    kill -0 "$sandbox_pid" 2>/dev/null || { cat "$world/sbx/sandbox.log"; return 1; }
    sleep 0.1
  done
  [ -s "$world/sbx/ready.json" ] && chmod -R a+rX "$world/sbx"
}
check "mdr-sandbox (installed) starts" start_sandbox
sandbox=$(head -n 1 "$world/sbx/ready.json")
field() { echo "$sandbox" | show "print($1)"; }
check "config set-module cloud.base_url" host config set-module mdr cloud.base_url "$(field 'd["base_url"]')"
check "config set-module ksn.trust_anchor" host config set-module mdr ksn.trust_anchor "$(field 'd["ksn_trust_anchor"]')"
check "config set-env NODE_EXTRA_CA_CERTS" host config set-env NODE_EXTRA_CA_CERTS "$world/sbx/certs/ca.pem"
check "devices generate" host devices generate --count 330 --never-sent 30 --seed 2026 --tenants 3

for steps in "$src"/scripts/demo-steps/*.sh; do . "$steps"; done
dir="$world/out"
check "demo: sign-in, activation, KSN, usage (installed files)" demo_activation
check "demo: Health sync" demo_health_sync
check "demo: licenses" demo_licenses
check "demo: a new tenant and its configuration file" demo_tenants
check "a console user" host user add olga
tenant=$(host call mdr.tenants.list | show 'print(sorted(t["id"] for t in d["tenants"])[0])')
check "a tenant grant" host call mdr.tenants.grant "{\"user\": \"olga\", \"tenants\": [\"$tenant\"], \"root\": false}"

# What an upgrade must keep: activation, tenants, grants, KSN history, settings, Health.
snapshot() {
  {
    host call mdr.activation.status | show 'print("activation:", d["state"])'
    host call mdr.tenants.list | show 'print("tenants:", sorted((t["id"], t["name"]) for t in d["tenants"]))'
    host call mdr.tenants.grants | show 'print("grants:", json.dumps(d, sort_keys=True))'
    host call mdr.ksn.status | show 'print("ksn:", d["installed"]["version"], [(h["version"], h["installed_by"], h["trigger"]) for h in d["history"]])'
    host ksn show | show 'print("ksn settings:", d["ksn_enabled"], d["kpsn_enabled"], (d["config"] or {}).get("version"))'
    host call mdr.health.summary | show 'print("health:", json.dumps(d.get("total", d.get("counts", "")), sort_keys=True), d.get("assets", ""))'
    host user list | show 'print("users:", sorted(u["name"] for u in d))'
    grep -E '^\s*(base_url|trust_anchor)' /etc/ksc-mdr/mdr.conf
    cat /var/lib/ksc-host/console.env
  } 2>&1
}
snapshot >"$world/before.txt"
sed 's/^/     | /' "$world/before.txt"
store=/var/lib/ksc-host/modules/mdr/mdr.db
as_host() { setpriv --reuid=ksc-host --regid=ksc-host --init-groups -- "$@"; }
schema() { as_host sqlite3 "$store" 'PRAGMA user_version'; }
old_schema=$(schema)

# ---- 4. upgrade -------------------------------------------------------------------------
check "dpkg upgrades to $version" dpkg -i "${new_debs[@]}"
check "every package is at $version" bash -c "for p in ${packages[*]}; do test \"\$(dpkg-query -W -f='\${Version}' \$p)\" = '$version' || exit 1; done"
snapshot >"$world/after.txt"
check "activation, tenants, grants, KSN history, settings and Health survive the upgrade" \
  diff -u "$world/before.txt" "$world/after.txt"
latest=$(ls "$src"/resources/sql/*.sql | wc -l)
check "the module's store is at the newest schema ($latest)" test "$(schema)" = "$latest"
if [ "$old_schema" != "$latest" ]; then
  check "the store was backed up before migrating ($old_schema -> $latest)" test -s "$store.backup-v$old_schema"
else
  check "no migration, no backup (both releases at schema $latest)" bash -c "! ls '$store'.backup-v* 2>/dev/null"
fi
host call mdr.plugin.info >/dev/null
check "a second start migrates nothing again" test "$(schema)" = "$latest"

# The console comes up from the installed files: the unit's command (systemd does not run
# here), as the ksc-host user, with the certificate postinst made; the page answers over TLS
# verified against that certificate.
serve_answers() {
  local port=$1 out="$world/serve.out"
  : >"$out"
  /usr/bin/ksc-host serve --port "$port" >"$out" 2>"$world/serve.err" &
  local pid=$!
  for _ in $(seq 600); do
    grep -q '"url"' "$out" && break
    kill -0 "$pid" 2>/dev/null || { cat "$world/serve.err"; return 1; }
    sleep 0.1
  done
  local ok=0
  curl -fsS --cacert /var/lib/ksc-host/web/server.pem "https://127.0.0.1:$port/" |
    grep -qi "<html" || ok=1
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
  return $ok
}
check "the web certificate is the ksc-host user's, its key 0600" \
  test "$(stat -c %U:%a /var/lib/ksc-host/web/server.key)" = ksc-host:600
web_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
check "the web console comes up from the installed files (ksc-host serve, TLS verified)" \
  serve_answers "$web_port"
if [ "$old_schema" != "$latest" ]; then
  # The earlier packages over the migrated stores: refused clearly (the host's store or the
  # module's, whichever it opens first), nothing written; then this tree's packages again.
  check "downgrade: dpkg installs the packages of $previous" dpkg -i "${old_debs[@]}"
  host call mdr.plugin.info >"$world/downgrade.out" 2>&1 && bad "the older packages refuse the newer store" ||
    ok "the older packages refuse the newer store"
  check "the refusal says the store is newer" grep -q "newer than this" "$world/downgrade.out"
  check "the store is not touched by the older module" test "$(schema)" = "$latest"
  check "dpkg upgrades to $version again" dpkg -i "${new_debs[@]}"
fi

dump() { as_host sqlite3 "$store" .dump; }
# A migration that fails: the store says it lacks the newest one, which then fails on the
# tables it already made. The module must put the store back as it was and log why.
as_host sqlite3 "$store" "PRAGMA user_version = $((latest - 1))"
dump >"$world/store-before.sql"
: >"$world/failed.out"
host call mdr.plugin.info >"$world/failed.out" 2>&1 && bad "a failing migration fails the module's start" ||
  ok "a failing migration fails the module's start"
check "the store is put back as it was before the migration" bash -c "test \"\$(setpriv --reuid=ksc-host --regid=ksc-host --init-groups -- sqlite3 '$store' .dump)\" = \"\$(cat '$world/store-before.sql')\""
check "the reason is in the console's log, with the backup put back" \
  grep -q "failed: .*; the store was restored from $store.backup-v$((latest - 1))" /var/lib/ksc-host/host.log
check "the backup of the store before that migration is there" test -s "$store.backup-v$((latest - 1))"
check "the refusal names the migration" grep -q "$(basename "$(ls "$src"/resources/sql/*.sql | tail -1)" .sql)" "$world/failed.out"
as_host sqlite3 "$store" "PRAGMA user_version = $latest"
# A store written by a newer module: refused, untouched.
as_host sqlite3 "$store" "PRAGMA user_version = $((latest + 1))"
dump >"$world/store-newer.sql"
host call mdr.plugin.info >"$world/newer.out" 2>&1 && bad "a newer store is refused" || ok "a newer store is refused"
check "the refusal says the store is newer" grep -q "newer than this module knows" "$world/newer.out"
check "the newer store is left as it was" bash -c "test \"\$(setpriv --reuid=ksc-host --regid=ksc-host --init-groups -- sqlite3 '$store' .dump)\" = \"\$(cat '$world/store-newer.sql')\""
as_host sqlite3 "$store" "PRAGMA user_version = $latest"

# ---- 5. remove, reinstall, purge --------------------------------------------------------
kill "$sandbox_pid" 2>/dev/null
wait "$sandbox_pid" 2>/dev/null
sandbox_pid=""
check "dpkg -r removes the packages" dpkg -r "${packages[@]}"
check "remove: the programs are gone" bash -c "! test -e /usr/bin/ksc-host && ! test -e /usr/lib/ksc-host/plugins/libmdr.so && ! test -e /usr/bin/mdr-sandbox"
check "remove: the configuration stays" test -s /etc/ksc-mdr/mdr.conf -a -s /etc/ksc-host/ksc-host.conf
check "remove: the state stays" test -s /var/lib/ksc-host/host.db -a -s "$store"
check "remove: dpkg keeps the packages' conffiles" bash -c "dpkg-query -W -f='\${Status}' ksc-host | grep -q config-files"
check "dpkg reinstalls $version" dpkg -i "${new_debs[@]}"
port=$(field 'd["base_url"]' | sed -E 's#^https?://[^:]+:([0-9]+).*#\1#')
check "mdr-sandbox starts again on its state" start_sandbox "$port"
snapshot >"$world/reinstalled.txt"
check "reinstall after remove finds everything again" diff -u "$world/before.txt" "$world/reinstalled.txt"
kill "$sandbox_pid" 2>/dev/null
wait "$sandbox_pid" 2>/dev/null
sandbox_pid=""
check "dpkg -P purges the packages" dpkg -P "${packages[@]}"
check "purge: configuration and state are gone" bash -c "! test -e /etc/ksc-mdr && ! test -e /etc/ksc-host && ! test -e /var/lib/ksc-host"
check "purge: dpkg knows none of them" bash -c "for p in ${packages[*]}; do dpkg-query -W -f='\${Status}' \$p 2>/dev/null | grep -qv not-installed && exit 1; done; exit 0"
check "purge: no stat override left" bash -c "! dpkg-statoverride --list | grep -q ksc-"
finish
