#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster: initdb in a temp dir, a free loopback
# port, DATABASE_URL exported for the command, and the cluster stopped and removed afterwards,
# also when the command fails. The cluster is testing/servers.py's PostgreSQL, the
# one the tests and the bench use too (it needs only the standard library).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
python=$root/.venv/bin/python
[ -x "$python" ] || python=python3
PYTHONPATH="$root${PYTHONPATH:+:$PYTHONPATH}" exec "$python" -m testing.servers postgres -- "$@"
