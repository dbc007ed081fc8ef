#!/bin/sh
# ksc-host as packaged: every command works on the service's configuration
# (/etc/ksc-host/ksc-host.conf, the default of /usr/lib/ksc-host/ksc-host) and state
# (/var/lib/ksc-host). Run by root, the command runs as the ksc-host system user, so that
# every file it creates in the state stays the service's; other users need --config.
bin=/usr/lib/ksc-host/ksc-host
if [ "$(id -u)" = 0 ] && getent passwd ksc-host >/dev/null 2>&1; then
    exec setpriv --reuid=ksc-host --regid=ksc-host --init-groups --inh-caps=-all -- "$bin" "$@"
fi
exec "$bin" "$@"
