#!/usr/bin/env python3
"""A bounded load test of `cybertrust serve`'s class sessions on the loopback
address: 60 students in 30 pairs play 20 rounds at once, each on its own
keep-alive connection. Checks that no move is lost (every pair resolves all
20 rounds, every round of the teacher's aggregates counts 30 pairs, the class
file has a row per seat and round) and that the 95th percentile of a move's
latency is under 100 ms; prints it.

usage: load_classroom.py PATH/TO/cybertrust [STUDENTS ROUNDS]
Python 3 standard library only (http.client and threads)."""
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

P95_LIMIT = 0.100  # seconds


def request(conn, method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
    reply = conn.getresponse()
    return reply.status, json.loads(reply.read())


def student(port, code, token, rounds, latencies, errors):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        for r in range(1, rounds + 1):
            share = 0.05 * ((r % 3) / 2)
            t0 = time.monotonic()
            status, reply = request(conn, "POST", f"/api/class/{code}/move",
                                    {"round": r, "share": share, "exploit": r % 7 == 0}, token)
            latencies.append(time.monotonic() - t0)
            if status != 200:
                errors.append(f"round {r}: {status} {reply}")
                return
            state = reply["state"]
            while state["round"] <= r and not state["done"]:  # the partner has yet to move
                time.sleep(0.005)
                status, state = request(conn, "GET", f"/api/class/{code}/state", None, token)
                if status != 200:
                    errors.append(f"state: {status} {state}")
                    return
    except Exception as e:  # noqa: BLE001 - reported as a lost move
        errors.append(repr(e))
    finally:
        conn.close()


def main():
    program = sys.argv[1]
    students = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    out = tempfile.mkdtemp(prefix="ct-load-")
    server = subprocess.Popen([program, "serve", "--listen", "127.0.0.1:0", "--out", out,
                               "--max-students", str(students)],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = server.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not match:
            sys.exit(f"load: no address in the server's first line: {line!r}")
        port = int(match.group(1))
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        status, made = request(conn, "POST", "/api/class",
                               {"scenario": "us_russia_hotline", "rounds": rounds})
        assert status == 201, made
        code, teacher = made["code"], made["teacher_token"]
        tokens = []
        for i in range(students):
            status, joined = request(conn, "POST", f"/api/class/{code}/join", {"name": f"s{i}"})
            assert status == 201, joined
            tokens.append(joined["token"])
        status, started = request(conn, "POST", f"/api/class/{code}/start", None, teacher)
        assert status == 200, started

        latencies, errors = [], []
        threads = [threading.Thread(target=student,
                                    args=(port, code, t, rounds, latencies, errors))
                   for t in tokens]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t0

        status, view = request(conn, "GET", f"/api/class/{code}/teacher", None, teacher)
        assert status == 200, view
        pairs = view["pairs"]
        lost = [p for p in pairs if p["round"] != rounds + 1]
        by_round = view["by_round"]
        moves = len(latencies)
        status, ended = request(conn, "POST", f"/api/class/{code}/end", None, teacher)
        assert status == 200, ended
        csv = [l for l in open(os.path.join(out, f"class-{code}.csv"))
               if not l.startswith("#") and not l.startswith("run,")]
        conn.close()

        latencies.sort()
        p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")
        print(f"load: {students} students, {len(pairs)} pairs, {rounds} rounds: {moves} moves "
              f"in {elapsed:.2f} s; move latency median {1000 * latencies[len(latencies) // 2]:.1f}"
              f" ms, p95 {1000 * p95:.1f} ms, max {1000 * latencies[-1]:.1f} ms")
        failures = []
        if errors:
            failures.append(f"{len(errors)} students failed, first: {errors[0]}")
        if lost:
            failures.append(f"{len(lost)} pairs did not reach round {rounds}: {lost[:3]}")
        if moves != students * rounds:
            failures.append(f"{moves} moves, expected {students * rounds}")
        if len(by_round) != rounds or any(r["pairs"] != students // 2 for r in by_round):
            failures.append(f"the teacher's rounds do not each count {students // 2} pairs")
        if len(csv) != students * rounds:
            failures.append(f"class-{code}.csv has {len(csv)} rows, expected {students * rounds}")
        if not p95 < P95_LIMIT:
            failures.append(f"p95 move latency {1000 * p95:.1f} ms is over {1000 * P95_LIMIT:.0f} ms")
        for f in failures:
            print("load: FAIL:", f)
        return 1 if failures else 0
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
