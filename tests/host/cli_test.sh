#!/usr/bin/env bash
# ksc-host CLI tests: cli_test.sh CASE. One ctest per case, each in a fresh console host.
# Environment: KSC_HOST (the binary), ECHO_DIR (libecho.so, libecho_old.so), SEEDGEN_IDS,
# MDR_PLUGINS (the build's plugins dir, for the mdr case), RESOURCES (resources/).
set -u
case_name=${1:?usage: cli_test.sh CASE}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL [$case_name]: $*" >&2; echo "--- stdout:" >&2; echo "${OUT:-}" >&2; echo "--- stderr:" >&2; echo "${ERR:-}" >&2; exit 1; }
pass() { echo "PASS [$case_name]"; exit 0; }

# A console host in $1 loading the echo module and the wrong-ABI echo_old.
mkhost() {
  mkdir -p "$1"
  : >"$1/echo.conf"
  cat >"$1/ksc-host.conf" <<CONF
data_dir = "data";
plugins_dir = "$ECHO_DIR";
env_file = ".env";
modules = {
  echo = { config = "echo.conf"; };
  echo_old = { config = "echo.conf"; };
};
CONF
}
HOSTDIR=$work/h
mkhost "$HOSTDIR"

# run ARGS...: runs ksc-host on $HOSTDIR; sets OUT, ERR, RC.
run() {
  OUT=$("$KSC_HOST" --config "$HOSTDIR/ksc-host.conf" "$@" 2>"$work/stderr")
  RC=$?
  ERR=$(cat "$work/stderr")
}
expect_rc() { [ "$RC" -eq "$1" ] || fail "expected exit $1, got $RC (${2:-})"; }
jqo() { echo "$OUT" | jq -r "$1"; }
notification_count() { # user
  run notifications --user "$1"; expect_rc 0 "notifications"; jqo 'length'
}

case "$case_name" in
plugins_listing)
  run plugins
  expect_rc 0
  [ "$(jqo '.modules | map(.name) | join(",")')" = "echo" ] || fail "echo not listed alone"
  [ "$(jqo '.modules[0].version')" = "0.1.0" ] || fail "version"
  [ "$(jqo '.modules[0].areas | map(.id) | join(",")')" = "echo.use,echo.admin" ] || fail "areas"
  [ "$(jqo '.modules[0].areas[0].title')" = "Echo use" ] || fail "area title"
  [ "$(jqo '.host.areas[0].id')" = "ksc.application_integration" ] || fail "host area"
  [ "$(jqo '.host.areas[0].title')" = "Application Integration" ] || fail "host area title"
  run rights --lang ru
  expect_rc 0
  [ "$(jqo 'map(.id) | join(",")')" = "ksc.application_integration,echo.use,echo.admin" ] || fail "rights"
  [ "$(jqo '.[1].title')" = "Использование эха" ] || fail "localized title"
  pass ;;

wrong_major_refused)
  run plugins
  expect_rc 0
  echo "$ERR" | grep -q "module echo_old refused: built for plug-in ABI 2\.[0-9]*, this host speaks ABI 1\.[0-9]*" \
    || fail "no clear refusal message"
  [ "$(jqo '.refused')" = "1" ] || fail "refused count"
  [ "$(jqo '.modules[0].name')" = "echo" ] || fail "echo did not load"
  run call echo.clock
  expect_rc 0 "the others still work"
  pass ;;

rights_denial)
  run user add carol --lang ru; expect_rc 0
  run call --user carol echo.say '{"x":1}'
  expect_rc 3
  [ "$(jqo '.error.code')" = "access_denied" ] || fail "error code"
  [ "$(jqo '.error.details.missing_rights[0].id')" = "echo.use" ] || fail "missing right id"
  echo "$ERR" | grep -q "Использование эха" || fail "stderr does not name the right in ru"
  [ "$(notification_count carol)" = "0" ] || fail "something changed"
  # a role with echo.use: say works, admin_say names only the missing echo.admin
  run role add users; run role allow users echo.use; expect_rc 0
  run user grant carol users; expect_rc 0
  run call --user carol --lang en echo.admin_say '{}'
  expect_rc 3
  [ "$(jqo '.error.details.missing_rights | map(.title) | join(",")')" = "Echo administration" ] \
    || fail "should name exactly the missing right"
  echo "$ERR" | grep -q '"Echo administration"' || fail "stderr message"
  [ "$(notification_count carol)" = "0" ] || fail "denied call changed something"
  run call --user carol echo.say '{}'
  expect_rc 0 "allowed call"
  [ "$(notification_count carol)" = "1" ] || fail "allowed call had no effect"
  # a Deny in any granted role wins
  run role add blockers; run role deny blockers echo.use; run user grant carol blockers
  run call --user carol echo.say '{}'
  expect_rc 3 "deny wins"
  # a grant on one server only holds there
  run server add-virtual vs1; run user add erin
  run user grant erin users --server vs1; expect_rc 0
  run call --user erin --server vs1 echo.say '{}'; expect_rc 0 "grant on vs1"
  run call --user erin echo.say '{}'; expect_rc 3 "grant on vs1 only"
  # unknown areas are refused when editing roles
  run role allow users no.such_area
  expect_rc 4
  echo "$ERR" | grep -q "unknown functional area 'no.such_area'" || fail "area validation"
  pass ;;

bad_json)
  for bad in '{"a":' '{"a":1} x' 'nope' ''; do
    run call echo.say "$bad"
    expect_rc 4 "bad JSON '$bad'"
    echo "$ERR" | grep -q "not well-formed JSON" || fail "message for '$bad'"
    [ "$(jqo '.error.code')" = "invalid_json" ] || fail "error object for '$bad'"
  done
  echo '{"a": [1,' >"$work/req.json"
  run call echo.say "@$work/req.json"; expect_rc 4 "bad JSON file"
  [ "$(notification_count admin)" = "0" ] || fail "the action ran"
  echo '{"a": [1, 2]}' >"$work/req.json"
  run call echo.say "@$work/req.json"; expect_rc 0 "good JSON file"
  [ "$(jqo '.echo.a[1]')" = "2" ] || fail "request not passed"
  # well-formed values that are not objects reach the module (which decides), not "bad JSON"
  for value in 42 null true '"x"'; do
    run call echo.say "$value"
    echo "$ERR" | grep -q "not well-formed JSON" && fail "'$value' called malformed"
  done
  pass ;;

unknown_action)
  run call echo.nope '{}'
  expect_rc 4
  [ "$(jqo '.error.code')" = "unknown_action" ] || fail "error object"
  echo "$ERR" | grep -q "Unknown action echo.nope" || fail "message"
  run call --lang ru echo.nope '{}'
  echo "$(jqo '.error.message')" | grep -q "Неизвестное действие echo.nope" || fail "ru message"
  pass ;;

unknown_user)
  run call --user mallory echo.say '{}'
  expect_rc 4
  [ "$(jqo '.error.details.user')" = "mallory" ] || fail "error object"
  echo "$ERR" | grep -q "Unknown user mallory" || fail "message"
  run login --user mallory; expect_rc 4 "login"
  pass ;;

wrong_language)
  run call --lang xx echo.say '{}'
  expect_rc 4
  [ "$(jqo '.error.code')" = "unsupported_language" ] || fail "error object"
  echo "$ERR" | grep -q "Unsupported language xx" || fail "message"
  run user add zed --lang klingon; expect_rc 4 "user add with a bad language"
  run call --lang de echo.say '{}'; expect_rc 0
  [ "$(jqo '.lang')" = "de" ] || fail "lang not passed"
  run user add ivan --lang ru; run call --user ivan --lang en echo.clock; expect_rc 3
  pass ;;

unknown_server)
  run call --server nowhere echo.say '{}'
  expect_rc 4
  [ "$(jqo '.error.code')" = "unknown_server" ] || fail "error object"
  echo "$ERR" | grep -q "Unknown Administration Server nowhere" || fail "message"
  run ksn show --server nowhere; expect_rc 4 "ksn show"
  pass ;;

output_file)
  run call --output "$work/out.txt" echo.file '{"text":"hello"}'
  expect_rc 0
  [ "$(cat "$work/out.txt")" = "hello" ] || fail "file content"
  run call --output "$work/out.txt" echo.file '{"text":"partial","fail":true}'
  expect_rc 1 "failing export"
  [ "$(cat "$work/out.txt")" = "hello" ] || fail "a failed export replaced the file"
  run call --output "$work/new.txt" echo.file '{"text":"x","fail":true}'
  [ ! -e "$work/new.txt" ] || fail "a failed export left a file"
  ls "$work" | grep -q partial && fail "temporary file left behind"
  run call echo.file '{"text":"x"}'
  expect_rc 4 "produces_file without --output"
  [ "$(jqo '.error.code')" = "output_required" ] || fail "error object without --output"
  run call --output "$work/x.txt" echo.clock
  expect_rc 4 "--output on an action without a file"
  [ "$(jqo '.error.code')" = "output_not_allowed" ] || fail "error object with --output"
  run call --output "$work/no-dir/x.txt" echo.file '{"text":"x"}'
  expect_rc 1 "--output in a missing directory"
  [ "$(jqo '.error.code')" = "output_failed" ] || fail "error object for an unwritable file"
  pass ;;

output_stale_partials)
  # A killed export leaves PATH.partial.XXXXXX; the next export to PATH removes the partials
  # no live writer holds a lock on, and keeps the one of an export still running.
  out=$work/out.txt
  partials() { # regular files named as out.txt's partials
    find "$work" -maxdepth 1 -type f -name 'out.txt.partial.*' -printf '%f\n' |
      grep -E '^out\.txt\.partial\.[A-Za-z0-9]{6}$' | sort
  }
  # start_export NAME GO: an export held by echo until the file GO exists; sets BG, waits
  # until its partial file exists (a new name) and sets NEWP to it
  start_export() {
    local before; before=$(partials)
    "$KSC_HOST" --config "$HOSTDIR/ksc-host.conf" call --output "$out" echo.file \
      "{\"text\":\"$1\",\"hold_until\":\"$2\"}" >"$work/$1.out" 2>"$work/$1.err" &
    BG=$!
    NEWP=
    for _ in $(seq 600); do
      NEWP=$(comm -13 <(echo "$before") <(partials) | head -1)
      [ -n "$NEWP" ] && return 0
      kill -0 "$BG" 2>/dev/null || fail "export $1 ended before writing: $(cat "$work/$1.err")"
      sleep 0.1
    done
    fail "export $1 made no partial file"
  }
  # 1. an export killed mid-way leaves its partial behind
  start_export killed "$work/never"
  killed=$NEWP
  kill -9 "$BG"; wait "$BG" 2>/dev/null
  [ -f "$work/$killed" ] || fail "the killed export left no partial (the case tests nothing)"
  # more leftovers: one held by nobody, and names that are not this target's partials
  : >"$work/out.txt.partial.AbC123"
  : >"$work/other.txt.partial.XyZ789"
  : >"$work/out.txt.partial.keep"
  echo victim >"$work/victim"; ln -s "$work/victim" "$work/out.txt.partial.Sym123"
  # 2. the next export to the same path removes the dead writers' partials
  start_export running "$work/go"
  running=$NEWP
  [ ! -e "$work/$killed" ] || fail "the killed export's partial $killed was not removed"
  [ ! -e "$work/out.txt.partial.AbC123" ] || fail "a partial held by nobody was not removed"
  # 3. an export that runs meanwhile keeps the partial of the one still writing
  run call --output "$out" echo.file '{"text":"meanwhile"}'
  expect_rc 0 "an export while another runs"
  [ "$(cat "$out")" = "meanwhile" ] || fail "content of the concurrent export"
  [ -f "$work/$running" ] || fail "the partial of a running export ($running) was removed"
  : >"$work/go"
  wait "$BG"; rc=$?
  [ "$rc" -eq 0 ] || fail "the held export failed (exit $rc): $(cat "$work/running.err")"
  [ "$(cat "$out")" = "running" ] || fail "content of the held export"
  # 4. only this target's partials are touched, never through a symlink
  [ -z "$(partials)" ] || fail "partials left: $(partials)"
  [ -f "$work/other.txt.partial.XyZ789" ] || fail "another target's partial was removed"
  [ -f "$work/out.txt.partial.keep" ] || fail "a file not named as a partial was removed"
  [ -L "$work/out.txt.partial.Sym123" ] && [ "$(cat "$work/victim")" = victim ] ||
    fail "a symlink named as a partial was followed or removed"
  pass ;;

env_reload)
  run config set-env ECHO_X first; expect_rc 0
  run call echo.env '{"key":"ECHO_X"}'; expect_rc 0
  [ "$(jqo '.value')" = "first" ] || fail "first value"
  printf '# comment\nexport OTHER=keep\nBROKEN LINE\nQ=\x27single $x\x27\n' >>"$HOSTDIR/.env"
  run config set-env ECHO_X 'sec"ond'; expect_rc 0
  run call echo.env '{"key":"ECHO_X"}'; expect_rc 0
  [ "$(jqo '.value')" = 'sec"ond' ] || fail "edit not seen without restart"
  echo "$ERR" | grep -q "malformed line ignored" || fail "no warning for the malformed line"
  run call echo.env '{"key":"OTHER"}'; [ "$(jqo '.value')" = "keep" ] || fail "export prefix / other lines kept"
  run call echo.env '{"key":"Q"}'; [ "$(jqo '.value')" = 'single $x' ] || fail "single quotes"
  run call echo.env '{"key":"MISSING"}'; [ "$(jqo '.value')" = "null" ] || fail "absent key"
  grep -q '^# comment$' "$HOSTDIR/.env" || fail "comment lost"
  [ "$(grep -c ECHO_X "$HOSTDIR/.env")" = "1" ] || fail "key duplicated"
  run config set-env 'BAD KEY' v; expect_rc 4 "bad key"
  # a line with a NUL byte (found by tests/fuzz env): kept whole, never merged with the next
  printf 'JUNK=a\000b\n' >>"$HOSTDIR/.env"
  run config set-env ECHO_Y after; expect_rc 0
  run call echo.env '{"key":"ECHO_Y"}'; [ "$(jqo '.value')" = "after" ] || fail "value after a NUL line lost"
  [ "$(tr -d '\000' <"$HOSTDIR/.env" | grep -c '^JUNK=ab$')" = "1" ] || fail "NUL line not kept whole"
  pass ;;

clock_advance)
  run call echo.clock; expect_rc 0; t1=$(jqo '.now_ms')
  run clock advance 3600000; expect_rc 0
  [ "$(jqo '.offset_ms')" = "3600000" ] || fail "offset"
  run call echo.clock; t2=$(jqo '.now_ms')
  [ $((t2 - t1)) -ge 3600000 ] && [ $((t2 - t1)) -lt 3660000 ] || fail "module clock moved by $((t2 - t1))"
  run clock advance -5; expect_rc 4 "negative"
  run clock advance; expect_rc 2 "missing argument"
  pass ;;

devices_generate)
  mkhost "$work/h2"
  run devices generate --count 500 --seed 42 --never-sent 50 --tenants 3; expect_rc 0
  run devices list; expect_rc 0; jqo '.[].id' >"$work/ids1"
  HOSTDIR=$work/h2
  run devices generate --count 500 --seed 42 --never-sent 50 --tenants 3; expect_rc 0
  run devices list; jqo '.[].id' >"$work/ids2"
  [ "$(wc -l <"$work/ids1")" = "500" ] || fail "count"
  sort "$work/ids1" >"$work/s1"; sort "$work/ids2" >"$work/s2"
  cmp -s "$work/s1" "$work/s2" || fail "two runs with one seed differ"
  "$SEEDGEN_IDS" 42 500 50 | sort >"$work/s3"
  cmp -s "$work/s1" "$work/s3" || fail "ids differ from seed_machine_make"
  run devices list --limit 3; [ "$(jqo 'length')" = "3" ] || fail "limit"
  [ "$(jqo '[.[] | select(.tenant != "")] | length')" -ge 0 ] || fail "tenant"
  run devices generate --count 10 --seed 1 --server nowhere; expect_rc 4 "unknown server"
  run devices generate --count 0 --seed 1; expect_rc 4 "count 0"
  run devices generate --seed 1; expect_rc 2 "missing --count"
  pass ;;

devices_import)
  cat >"$work/good.json" <<'J'
{"devices": [{"id": "0F8FAD5B-D9CB-469F-A165-70867728950E", "name": "ws-1", "group": "Managed devices/HQ",
  "mdr_state": "Running", "self_defense": false, "tenant": "Acme",
  "applications": [{"code": "KES", "name": "Kaspersky Endpoint Security for Windows", "version": "12.4.0.467",
    "mdr_configured": true, "components": [{"name": "Managed Detection and Response", "state": "Running"}]}]}]}
J
  run devices import "$work/good.json"; expect_rc 0
  run devices list
  [ "$(jqo '.[0].id')" = "0f8fad5b-d9cb-469f-a165-70867728950e" ] || fail "id"
  [ "$(jqo '.[0].applications[0].components[0].state')" = "Running" ] || fail "components"
  [ "$(jqo '.[0].self_defense')" = "false" ] || fail "self_defense"
  sed 's/0F8FAD5B-D9CB-469F-A165-70867728950E/not-a-uuid/; s/ws-1/ws-2/' "$work/good.json" >"$work/bad.json"
  run devices import "$work/bad.json"; expect_rc 4 "bad uuid"
  echo "$ERR" | grep -q "must be a UUID" || fail "message"
  sed 's/"Running"}]}]}]}/"Sleeping"}]}]}]}/' "$work/good.json" >"$work/bad2.json"
  run devices import "$work/bad2.json"; expect_rc 4 "bad state"
  run devices list; [ "$(jqo 'length')" = "1" ] || fail "a failed import changed the store"
  pass ;;

ksn_virtual)
  run server add-virtual vs1; expect_rc 0
  run call echo.ksn_install '{"version":"3"}'; expect_rc 0
  run ksn show --server vs1; expect_rc 0
  [ "$(jqo '.inherited_from')" = "main" ] || fail "not inherited"
  [ "$(jqo '.config.version')" = "3" ] || fail "main's config not shown"
  [ "$(jqo '.ksn_enabled') $(jqo '.kpsn_enabled')" = "true true" ] || fail "KSN/KPSN not enabled"
  run call --server vs1 echo.ksn_install '{"version":"4"}'; expect_rc 1 "install on a virtual server"
  echo "$OUT" | grep -q "returned 6" || fail "not a conflict"
  run ksn show; [ "$(jqo '.config.version')" = "3" ] || fail "changed"
  [ "$(jqo '.inherited_from')" = "null" ] || fail "main inherits"
  pass ;;

ksn_denied)
  run user add dave; run role add users; run role allow users echo.use; run user grant dave users
  run call --user dave echo.ksn_install '{"version":"3"}'; expect_rc 3
  run ksn show; [ "$(jqo '.config')" = "null" ] || fail "installed without the right"
  run role allow users ksc.application_integration; expect_rc 0
  run call --user dave echo.ksn_install '{"version":"3"}'; expect_rc 0 "with the right"
  run ksn show; [ "$(jqo '.config.installed_by')" = "dave" ] || fail "installed_by"
  pass ;;

ksn_not_newer)
  run call echo.ksn_install '{"version":"10"}'; expect_rc 0
  run call echo.ksn_install '{"version":"9"}'; expect_rc 1 "older (as integers)"
  run call echo.ksn_install '{"version":"10"}'; expect_rc 1 "same"
  run ksn show; [ "$(jqo '.config.version')" = "10" ] || fail "downgraded"
  run call echo.ksn_install '{"version":"11"}'; expect_rc 0 "newer"
  run ksn show; [ "$(jqo '.config.version')" = "11" ] || fail "not upgraded"
  pass ;;

concurrent_logins)
  for i in $(seq 1 10); do run user add "u$i"; expect_rc 0; done
  pids=()
  for i in $(seq 1 10); do
    "$KSC_HOST" --config "$HOSTDIR/ksc-host.conf" login --user "u$i" >"$work/login$i.json" 2>"$work/login$i.err" &
    pids+=($!)
  done
  for i in $(seq 1 10); do
    wait "${pids[$((i - 1))]}" || { ERR=$(cat "$work/login$i.err"); fail "login $i failed"; }
    [ "$(jq 'length' "$work/login$i.json")" = "1" ] || fail "login $i printed $(cat "$work/login$i.json")"
    [ "$(jq -r '.[0].text' "$work/login$i.json")" = "welcome u$i on main" ] || fail "login $i text"
  done
  for i in $(seq 1 10); do
    run notifications --user "u$i"
    [ "$(jqo 'length') $(jqo '.[0].read')" = "1 true" ] || fail "u$i store state"
  done
  run login --user u1; [ "$(jqo 'length')" = "1" ] || fail "a second login shows only the new one"
  pass ;;

devices_at_scale)
  # 110,000 devices through the ABI: every one reaches the module, and one is found by id.
  # How long it takes is bench/host's business (bench/results/host.txt), not a test's.
  run devices generate --count 110000 --never-sent 10000 --seed 7 --tenants 10; expect_rc 0
  [ "$(jqo '.generated')" = "110000" ] || fail "generated"
  gen=$(jqo '.seconds')
  run call echo.devices; expect_rc 0
  [ "$(jqo '.count')" = "110000" ] || fail "count"
  [ "$(jqo '.get_found')" = "1" ] || fail "device_get"
  echo "figures: devices generate 110000 in ${gen} s; devices_foreach over 110000 in $(jqo '.ms') ms"
  pass ;;

secret_key)
  run call echo.secret; expect_rc 0; k1=$(jqo '.key'); dir=$(jqo '.data_dir')
  run call echo.secret; [ "$(jqo '.key')" = "$k1" ] || fail "key not stable"
  [ "$(stat -c %a "$HOSTDIR/data/host.key")" = "600" ] || fail "host.key mode"
  [ "$(stat -c %a "$dir")" = "700" ] || fail "module data dir mode"
  [ "$dir" = "$HOSTDIR/data/modules/echo" ] || fail "data dir $dir"
  pass ;;

role_preset)
  run role add-preset echo.user; expect_rc 0
  run role list
  [ "$(jqo '.[0].title') $(jqo '.[0].allow | join(",")') $(jqo '.[0].deny | join(",")')" = "Echo user echo.use echo.admin" ] \
    || fail "preset role"
  run role add-preset no.such; expect_rc 4 "unknown preset"
  pass ;;

usage_errors)
  for args in "" "user" "user add" "role allow x" "devices generate --count" "call" \
              "login" "server background main maybe" "--bogus plugins" "plugins --bogus" \
              "clock" "ksn" "license add CODE"; do
    # shellcheck disable=SC2086
    run $args
    expect_rc 2 "'$args'"
    echo "$ERR" | grep -q "usage: ksc-host" || fail "no usage text for '$args'"
  done
  run license add CODE-1 --product "MDR Expert" --expires 2027-01-31; expect_rc 0
  run license add CODE-1 --product "MDR Expert"; expect_rc 4 "duplicate"
  run license add CODE-2 --product "MDR" --expires 2027-02-30; expect_rc 4 "bad date"
  run license list; [ "$(jqo 'length')" = "1" ] || fail "license list"
  pass ;;

init_command)
  [ -f "$RESOURCES/mdr.conf" ] || { echo "SKIP [$case_name]: resources/mdr.conf not there yet"; exit 0; }
  OUT=$("$KSC_HOST" init --dir "$work/new" --plugins-dir "$ECHO_DIR" 2>"$work/stderr"); RC=$?; ERR=$(cat "$work/stderr")
  expect_rc 0
  [ -f "$work/new/ksc-host.conf" ] && [ -f "$work/new/mdr.conf" ] && [ -f "$work/new/.env" ] || fail "files"
  HOSTDIR=$work/new
  run user list; [ "$(jqo '.[0].name') $(jqo '.[0].main_admin')" = "admin true" ] || fail "admin"
  run server list; [ "$(jqo '.[0].name') $(jqo '.[0].kind')" = "main main" ] || fail "main server"
  run config set-module mdr ksn.trust_anchor /tmp/anchor.pem; expect_rc 0
  grep -q '/tmp/anchor.pem' "$work/new/mdr.conf" || fail "set-module"
  # mdr.conf may hold the proxy password: private when created and after every rewrite
  run config set-module mdr cloud.proxy "http://u:pw@proxy.example:3128"; expect_rc 0
  [ "$(stat -c %a "$work/new/mdr.conf")" = "600" ] || fail "mdr.conf is $(stat -c %a "$work/new/mdr.conf"), not 600"
  OUT=$("$KSC_HOST" init --dir "$work/new" 2>"$work/stderr"); RC=$?; ERR=$(cat "$work/stderr")
  expect_rc 4 "init twice"
  OUT=$("$KSC_HOST" init --dir "$work/other" --resources "$work/nothing" 2>"$work/stderr"); RC=$?; ERR=$(cat "$work/stderr")
  expect_rc 1 "missing resources"
  echo "$ERR" | grep -q "default configuration" || fail "no clear message"
  pass ;;

no_config_hint)
  # A copy of the binary in a folder without ksc-host.conf: no default config to find.
  mkdir -p "$work/inst/bin" "$work/inst/plugins"
  cp "$KSC_HOST" "$work/inst/bin/ksc-host"
  OUT=$(cd "$work" && "$work/inst/bin/ksc-host" plugins 2>"$work/stderr"); RC=$?; ERR=$(cat "$work/stderr")
  expect_rc 1 "no config"
  echo "$ERR" | grep -q "no configuration: --config FILE was not given and there is no $work/inst/bin/ksc-host.conf" \
    || fail "does not say which config it looked for"
  echo "$ERR" | grep -q "ksc-host init --dir DIR --plugins-dir $work/inst/plugins" || fail "no init hint"
  echo "$ERR" | grep -q "ksc-host --config DIR/ksc-host.conf COMMAND" || fail "no --config hint"
  OUT=$("$KSC_HOST" --config "$work/missing/ksc-host.conf" plugins 2>"$work/stderr"); RC=$?; ERR=$(cat "$work/stderr")
  expect_rc 1 "missing --config file"
  echo "$ERR" | grep -q "configuration file $work/missing/ksc-host.conf does not exist" || fail "names the file"
  echo "$ERR" | grep -q "ksc-host init --dir DIR --plugins-dir" || fail "no init hint for --config"
  # the hint's commands work as written
  OUT=$("$KSC_HOST" init --dir "$work/made" --plugins-dir "$ECHO_DIR" 2>"$work/stderr"); RC=$?; ERR=$(cat "$work/stderr")
  expect_rc 0 "init as hinted"
  OUT=$("$KSC_HOST" --config "$work/made/ksc-host.conf" user list 2>"$work/stderr"); RC=$?; ERR=$(cat "$work/stderr")
  expect_rc 0 "--config as hinted"
  pass ;;

help_command)
  for h in help --help -h; do
    OUT=$("$KSC_HOST" "$h" 2>"$work/stderr"); RC=$?; ERR=$(cat "$work/stderr")
    expect_rc 0 "ksc-host $h"
    echo "$OUT" | grep -q "^usage: ksc-host" || fail "no usage on stdout for $h"
    echo "$OUT" | grep -q "init --dir DIR" || fail "usage incomplete for $h"
    [ -z "$ERR" ] || fail "stderr for $h"
  done
  run help; expect_rc 0 "help with --config"
  echo "$OUT" | grep -q "^usage: ksc-host" || fail "help with --config"
  run helpme; expect_rc 2 "an unknown command is still unknown"
  echo "$ERR" | grep -q "unknown command 'helpme'" || fail "unknown command message"
  pass ;;

init_failure_once)
  # The module answers an error object: its reason once on stderr, the object on stdout,
  # and the exit code of its status (KSC_ERR_INVALID -> 4).
  echo 'fail_init=object' >"$HOSTDIR/echo.conf"
  run call echo.clock
  expect_rc 4 "status KSC_ERR_INVALID"
  [ "$(echo "$ERR" | grep -c 'fail_init')" = "1" ] || fail "the reason is not said exactly once"
  echo "$ERR" | grep -q "^ksc-host: module echo failed to start: echo.conf says fail_init$" || fail "stderr line"
  [ "$(jqo '.error.code')" = "config_invalid" ] || fail "the module's error object"
  echo "$ERR" | grep -q "status" && fail "a status number that is not the exit code"
  grep -q "init failed: echo.conf says fail_init" "$HOSTDIR/data/host.log" || fail "the module's log line is not in host.log"
  # No error object: the module's logged line is the reason (once); the host's module_failed
  # object on stdout; KSC_ERR_CONFLICT -> exit 1.
  echo 'fail_init=bare' >"$HOSTDIR/echo.conf"
  run call echo.clock
  expect_rc 1 "status KSC_ERR_CONFLICT"
  [ "$(echo "$ERR" | grep -c 'fail_init')" = "1" ] || fail "the reason is not said exactly once"
  [ "$(echo "$ERR" | grep -c 'echo failed\|could not start')" = "1" ] || fail "the failure is told twice"
  echo "$ERR" | grep -q "^ksc-host: module echo failed to start: init failed: echo.conf says fail_init$" || fail "stderr line"
  [ "$(jqo '.error.code')" = "module_failed" ] || fail "module_failed object"
  # login and timer go on without it, saying so once
  run login --user admin; expect_rc 0 "login"
  [ "$(echo "$ERR" | grep -c 'fail_init')" = "1" ] || fail "login: reason not said once"
  run timer; expect_rc 0 "timer"
  [ "$(jqo '.modules | length')" = "0" ] || fail "timer fired a module that did not start"
  # a module that starts still shows its warnings
  : >"$HOSTDIR/echo.conf"
  run call echo.clock; expect_rc 0 "starts again"
  echo "$ERR" | grep -q "echo failed" && fail "stderr after a good start"
  pass ;;

mdr_module)
  OUT=$("$KSC_HOST" init --dir "$work/mdr" --plugins-dir "$MDR_PLUGINS" 2>"$work/stderr"); RC=$?; ERR=$(cat "$work/stderr")
  expect_rc 0 "init"
  HOSTDIR=$work/mdr
  run plugins; expect_rc 0
  [ "$(jqo '.modules[0].name')" = "mdr" ] || fail "mdr not loaded"
  [ "$(jqo '.modules[0].areas | length')" = "6" ] || fail "six areas"
  run call mdr.plugin.info; expect_rc 0 "mdr.plugin.info"
  pass ;;

*) echo "unknown case $case_name" >&2; exit 2 ;;
esac
