#!/usr/bin/env python3
"""Change-to-diagnostics latency of `wfc lsp` (docs/benchmarks.md, "The language server").

Opens a generated .wf file of LINES lines (an automation of independent chains, every line a
task), then types: each round sends one single-character incremental edit (alternately breaking
and mending an option name) and waits for the publishDiagnostics it causes. Prints p50/p99/max
of the round trip beside `wfc validate` of the same file run as a process in the same session
(the whole-file check a CI runs), so the two are compared on the same machine at the same time.

  tools/bench/lsp/bench.py BUILD_DIR [LINES] [ROUNDS]
"""
import json
import os
import subprocess
import sys
import tempfile
import time


def main():
    build = sys.argv[1]
    lines = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    wfc = os.path.join(build, "tools", "wfc", "wfc")
    body = ['automation bench "Bench" {']
    for i in range(lines - 2):
        body.append(f'  video(width: {640 + i % 640}, format: mp4) -> image(format: jpeg) as t{i}')
    body.append("}")
    text = "\n".join(body) + "\n"

    p = subprocess.Popen([wfc, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def send(m):
        b = json.dumps(m).encode()
        p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(b) + b)
        p.stdin.flush()

    def recv():
        header = b""
        while not header.endswith(b"\r\n\r\n"):
            header += p.stdout.read(1)
        n = int(header.split(b":")[1].split(b"\r\n")[0])
        return json.loads(p.stdout.read(n))

    def diagnostics(version):
        while True:
            m = recv()
            if m.get("method") == "textDocument/publishDiagnostics" and \
                    m["params"].get("version") == version:
                return m["params"]["diagnostics"]

    uri = "file:///bench/bench.wf"
    send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}})
    recv()
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
          "params": {"textDocument": {"uri": uri, "version": 1, "text": text}}})
    diagnostics(1)
    # The middle line's "format" of the video: 'format' ↔ 'formt' by deleting / inserting 'a'.
    line = lines // 2
    col = body[line].index("format") + 4
    times = []
    for r in range(rounds):
        version = r + 2
        if r % 2 == 0:
            change = {"range": {"start": {"line": line, "character": col},
                                "end": {"line": line, "character": col + 1}}, "text": ""}
        else:
            change = {"range": {"start": {"line": line, "character": col},
                                "end": {"line": line, "character": col}}, "text": "a"}
        start = time.perf_counter()
        send({"jsonrpc": "2.0", "method": "textDocument/didChange",
              "params": {"textDocument": {"uri": uri, "version": version},
                         "contentChanges": [change]}})
        found = diagnostics(version)
        times.append((time.perf_counter() - start) * 1000)
        assert (len(found) == 1) == (r % 2 == 0), found
    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    recv()
    send({"jsonrpc": "2.0", "method": "exit"})
    p.wait()

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "bench.wf")
        with open(path, "w") as f:
            f.write(text)
        validate = []
        for _ in range(max(10, rounds // 10)):
            start = time.perf_counter()
            subprocess.run([wfc, "validate", path], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            validate.append((time.perf_counter() - start) * 1000)

    def stats(v):
        v = sorted(v)
        return v[len(v) // 2], v[min(len(v) - 1, int(len(v) * 0.99))], v[-1]

    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} "
          f"{load[2]:.2f}; {lines} lines ({len(text)} bytes), {rounds} edits")
    print("| measure | runs | p50 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    for name, v in (("wfc lsp: one-character edit → its diagnostics", times),
                    ("wfc validate FILE (a process)", validate)):
        p50, p99, mx = stats(v)
        print(f"| {name} | {len(v)} | {p50:.1f} | {p99:.1f} | {mx:.1f} |")


if __name__ == "__main__":
    main()
