#!/usr/bin/env python3
"""Sweeps in bounded memory: a benchmark-like check, not a test (it takes minutes
and writes gigabytes).

    src/bench/sweep_memory.py BUILD_DIR [--side N] [--limit-mb M] [--dir DIR]

Runs a sweep of N x N points (default 1000 x 1000, a million points, a file of
about 3 GB) with --reps 1 --rounds 1 on a trivial scenario, and reports the
wall time and peak resident memory of each step:

  whole    the sweep run at once
  resume   the sweep killed (SIGKILL) when its file is 40% written, then --resume
  shards   the two halves --shard 1/2 and --shard 2/2, then merge

It checks that the three finished sweep.csv files are the same bytes, and that
no step's peak resident memory exceeds the limit (default 100 MB). Exit 0 when
both hold, 1 otherwise. Files go under DIR (default: a new temporary folder),
removed as soon as they have been hashed.
"""
import argparse
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SCENARIO = 'states = ( { id = "a"; }, { id = "b"; } );\n'


TIME = "/usr/bin/time"  # GNU time: its own footprint is small, unlike this script's


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []


def run(argv, kill_at=None, watch=None):
    """Runs argv; returns (seconds, peak RSS in MB, exit status). With kill_at,
    sends SIGKILL once the file `watch` holds kill_at bytes. The peak is GNU
    time's figure when it is installed; else this script's wait4, which also
    counts the memory this script had when it forked."""
    report = tempfile.NamedTemporaryFile(mode="r", suffix=".time")
    timed = os.path.exists(TIME)
    if timed:
        argv = [TIME, "-f", "%M", "-o", report.name] + argv
    start = time.monotonic()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    while kill_at is not None:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        if os.path.exists(watch) and os.path.getsize(watch) >= kill_at:
            for victim in children(child.pid) if timed else [child.pid]:
                os.kill(victim, signal.SIGKILL)
            kill_at = None
        time.sleep(0.05)
    else:
        pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.monotonic() - start
    mb = usage.ru_maxrss / 1024.0
    if timed:
        lines = [line for line in report.read().split() if line.isdigit()]
        mb = int(lines[-1]) / 1024.0 if lines else float("nan")
    return seconds, mb, status


def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("build")
    ap.add_argument("--side", type=int, default=1000)
    ap.add_argument("--limit-mb", type=float, default=100.0)
    ap.add_argument("--dir")
    args = ap.parse_args()
    program = os.path.join(os.path.abspath(args.build), "cybertrust")
    work = args.dir or tempfile.mkdtemp(prefix="ct_sweep_memory_")
    os.makedirs(work, exist_ok=True)
    scenario = os.path.join(work, "trivial.cfg")
    with open(scenario, "w") as f:
        f.write(SCENARIO)
    side = args.side
    sweep = [program, "sweep", scenario, "--vary", "states.a.trust=0:1:%d" % side, "--vary",
             "world.decay=0:1:%d" % side, "--reps", "1", "--rounds", "1", "--quiet"]
    out = lambda name: os.path.join(work, name)
    rows, ok, hashes = [], True, {}

    def step(label, argv, **kw):
        nonlocal ok
        seconds, mb, status = run(argv, **kw)
        rows.append((label, seconds, mb))
        if mb > args.limit_mb:
            ok = False
        return status

    print("sweep of %d x %d = %d points, --reps 1 --rounds 1, in %s" % (side, side, side * side,
                                                                       work))
    step("whole: sweep", sweep + ["--out", out("whole")])
    size = os.path.getsize(out("whole/sweep.csv"))
    hashes["whole"] = digest(out("whole/sweep.csv"))
    shutil.rmtree(out("whole"))

    step("resume: sweep, killed at 40%", sweep + ["--out", out("killed")], kill_at=0.4 * size,
         watch=out("killed/sweep.csv"))
    step("resume: sweep --resume", sweep + ["--resume", "--out", out("killed")])
    hashes["resume"] = digest(out("killed/sweep.csv"))
    shutil.rmtree(out("killed"))

    for k in (1, 2):
        step("shards: sweep --shard %d/2" % k, sweep + ["--shard", "%d/2" % k, "--out",
                                                        out("half%d" % k)])
    step("shards: merge", [program, "merge", out("half1"), out("half2"), "--out", out("merged"),
                           "--quiet"])
    hashes["shards"] = digest(out("merged/sweep.csv"))
    for name in ("half1", "half2", "merged"):
        shutil.rmtree(out(name))
    if not args.dir:
        shutil.rmtree(work)

    print("sweep.csv: %.2f GB, %.0f bytes a point" % (size / 1e9, size / (side * side)))
    print("%-34s %10s %14s" % ("step", "seconds", "peak RSS (MB)"))
    for label, seconds, mb in rows:
        print("%-34s %10.1f %14.1f" % (label, seconds, mb))
    same = len(set(hashes.values())) == 1
    print("finished files identical: %s (sha256 %s)" % ("yes" if same else "NO",
                                                        hashes["whole"][:16]))
    print("peak RSS within %.0f MB: %s" % (args.limit_mb, "yes" if ok else "NO"))
    return 0 if same and ok else 1


if __name__ == "__main__":
    sys.exit(main())
