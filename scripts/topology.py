"""Start or stop the production topology on this machine: nginx with the shipped configuration
(deploy/nginx/bostonems.conf) in front of two gunicorn nodes with production settings, the
newsletter worker, Redis and a throwaway PostgreSQL 15 with the seed content.

    python scripts/topology.py up     # returns once everything answers; last line: the URL
    python scripts/topology.py down   # stops exactly what `up` started, removes its files

`up` starts a small supervising process that owns every server (testing/topology.py) and
keeps them running after `up` returns; `down` asks it to stop them. Where it is (its pid and
temporary folder) is kept in .topology in the checkout, so any shell can stop it.
The front server speaks HTTPS with a self-signed certificate made at start (`curl -k`); mail
is printed to the worker's log in that folder. Needs nginx and its modules from Debian: `up`
names the apt-get line when one is missing.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from testing.servers import ServerError, nginx_missing  # noqa: E402

STATE = ROOT / ".topology"


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _state():
    try:
        state = json.loads(STATE.read_text())
    except (OSError, ValueError):
        return None
    return state if _alive(state["pid"]) else None


def up():
    if missing := nginx_missing():
        print(f"nginx or one of its modules is missing. Run:\n  {missing}", file=sys.stderr)
        return 1
    if state := _state():
        print(f"Already up (pid {state['pid']}, files in {state['workdir']}).")
        print(state["url"])
        return 0
    workdir = tempfile.mkdtemp(prefix="bostonems-topology-")
    log_path = Path(workdir) / "topology.log"
    print(f"Starting (PostgreSQL, Redis, migrate, collectstatic, seed, 2 nodes, worker, nginx); "
          f"log in {log_path}", flush=True)  # fmt: skip
    with open(log_path, "a") as log:
        supervisor = subprocess.Popen(  # noqa: S603
            [sys.executable, __file__, "supervise", workdir],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            start_new_session=True,  # outlives this shell command
        )
    line = supervisor.stdout.readline().strip()
    if not line.startswith("ready "):
        supervisor.wait()
        print(f"The topology did not start:\n{log_path.read_text()[-4000:]}", file=sys.stderr)
        return 1
    url = line.split(" ", 1)[1]
    print(f"Up: files and logs in {workdir}; stop with `python scripts/topology.py down`.")
    print(url)
    return 0


def supervise(workdir):
    from testing.topology import Topology

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    try:
        with Topology(workdir=workdir) as topology:
            STATE.write_text(
                json.dumps({"pid": os.getpid(), "workdir": workdir, "url": topology.url})
            )
            print(f"ready {topology.url}", flush=True)
            sys.stdout.close()
            while True:
                signal.pause()
    except ServerError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        STATE.unlink(missing_ok=True)
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)


def down():
    state = _state()
    if state is None:
        STATE.unlink(missing_ok=True)
        print("Nothing to stop.")
        return 0
    os.kill(state["pid"], signal.SIGTERM)
    deadline = time.monotonic() + 90
    while _alive(state["pid"]):
        if time.monotonic() > deadline:
            print(f"pid {state['pid']} did not stop; files in {state['workdir']}", file=sys.stderr)
            return 1
        time.sleep(0.2)
    print("Stopped.")
    return 0


if __name__ == "__main__":
    command = sys.argv[1:2]
    if command == ["up"]:
        sys.exit(up())
    if command == ["down"]:
        sys.exit(down())
    if command == ["supervise"] and len(sys.argv) == 3:
        sys.exit(supervise(sys.argv[2]))
    sys.exit("usage: python scripts/topology.py up|down")
