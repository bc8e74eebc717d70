#!/usr/bin/env python3
"""Slow clients and a latency probe for tools/bench/api/slow-clients (not a test).

  slow_clients.py trickle HOST PORT N [INTERVAL_S]
      N connections, each from its own loopback source address (127.1.x.y, so a per-address
      cap does not refuse them), each sending a request's headers one byte every INTERVAL_S
      (default 1) and never finishing them. A connection the server closes is opened again
      (as an attacker would). Runs until SIGTERM; then prints what it saw to stderr.
  slow_clients.py probe HOST PORT PATH COUNT [KEY]
      COUNT sequential GETs of PATH, each on a new connection (a health check's pattern), with a
      30 s timeout, for at most 90 s in all; prints "n=… p50_ms=… p99_ms=… max_ms=… timeouts=…
      non_2xx=…" (n: the probes done in the time).
"""
import http.client
import signal
import socket
import sys
import time


def source(i):
    return f"127.1.{i // 250}.{1 + i % 250}"


HEAD = b"GET /healthz HTTP/1.1\r\nHost: bench\r\n"
TRICKLE = b"X-Slow: " + b"a" * 64 + b"\r\n"


def trickle(host, port, n, interval):
    conns = [None] * n
    sent = [0] * n
    opened = refused = 0
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))

    def open_one(i):
        nonlocal opened, refused
        try:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((source(i), 0))
            s.settimeout(2)
            s.connect((host, port))
            s.sendall(HEAD)
            s.setblocking(False)
            conns[i], sent[i] = s, 0
            opened += 1
        except OSError:
            refused += 1
            conns[i] = None

    for i in range(n):
        open_one(i)
    print(f"connected {sum(c is not None for c in conns)}", flush=True)
    while not stop:
        time.sleep(interval)
        for i in range(n):
            s = conns[i]
            if s is None:
                open_one(i)
                continue
            try:
                # A closed connection reads as EOF (or an error): open it again.
                try:
                    if s.recv(4096) == b"":
                        raise OSError("closed")
                except BlockingIOError:
                    pass
                s.send(TRICKLE[sent[i] % len(TRICKLE):][:1])
                sent[i] += 1
            except OSError:
                s.close()
                open_one(i)
    print(f"slow clients: {opened} connections opened ({opened - n} reopened after the server "
          f"closed them), {refused} refused", file=sys.stderr)


def probe(host, port, path, count, key=None):
    times, timeouts, bad = [], 0, 0
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    budget = time.monotonic() + 90
    for _ in range(count):
        if time.monotonic() > budget:
            break
        start = time.monotonic()
        try:
            c = http.client.HTTPConnection(host, port, timeout=30)
            c.request("GET", path, headers=headers)
            r = c.getresponse()
            r.read()
            c.close()
            if r.status >= 300:
                bad += 1
            times.append((time.monotonic() - start) * 1000)
        except OSError:
            timeouts += 1
            times.append(30000.0)
    times.sort()

    def pct(p):
        return times[min(len(times) - 1, int(p * len(times)))]

    print(f"n={len(times)} p50_ms={pct(0.5):.1f} p99_ms={pct(0.99):.1f} max_ms={times[-1]:.1f} "
          f"timeouts={timeouts} non_2xx={bad}")


if __name__ == "__main__":
    if sys.argv[1] == "trickle":
        trickle(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
                float(sys.argv[5]) if len(sys.argv) > 5 else 1.0)
    else:
        probe(sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]),
              sys.argv[6] if len(sys.argv) > 6 else None)
