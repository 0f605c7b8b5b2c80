#!/bin/sh
# Run a command again whenever it stops (a crash, or killed by the system), until this
# script itself is stopped: the local stand-in for systemd's Restart=always. `make run` runs
# the newsletter worker under it.
child=
trap 'test -n "$child" && kill "$child" 2>/dev/null; exit 0' INT TERM
while :; do
    "$@" &
    child=$!
    wait "$child"
    status=$?
    echo "supervise: '$*' stopped (exit $status); starting it again in 5 s" >&2
    sleep 5 &
    wait $!
done
