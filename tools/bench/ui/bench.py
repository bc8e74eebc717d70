#!/usr/bin/env python3
"""Render times of the dashboard's pages with 10,000 runs in the store (docs/benchmarks.md,
"The dashboard").

Starts `wfc serve --workers 0` (an API-only node: the runs stay in the store as created) on a
fresh data directory on loopback, creates two automations and RUNS runs of them through the API
(every fifth one cancelled, so the status filter has two statuses to tell apart), signs in at
/ui/sign-in, then fetches each page ROUNDS times over one kept-alive connection and prints, per
page, the median, p99 and max of the time to the whole answer, and its size; then, when chromium
and puppeteer-core are installed, has chromium load each page 20 times (browser.mjs) and prints
when the HTML was in, DOMContentLoaded and load. A benchmark, not a test: the figures depend on
the machine and its load.

  tools/bench/ui/bench.py BUILD_DIR [RUNS] [ROUNDS]
"""
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

KEY = "wfc_benchkey000000000000000000000000000000001"


def main():
    build = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    wfc = os.path.join(build, "tools", "wfc", "wfc")
    data = tempfile.mkdtemp(prefix="wfc-ui-bench-")
    server = subprocess.Popen(
        [wfc, "serve", "--listen", "127.0.0.1:0", "--data", data, "--api-keys", KEY,
         "--workers", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = server.stdout.readline().strip()
        port = int(line.rsplit(":", 1)[1])
        c = http.client.HTTPConnection("127.0.0.1", port)
        auth = {"Authorization": "Bearer " + KEY, "Content-Type": "application/json"}

        def api(method, path, body=None):
            c.request(method, path, body=json.dumps(body) if body is not None else None,
                      headers=auth)
            r = c.getresponse()
            return r.status, json.loads(r.read() or b"null")

        autos = []
        for name, workflow in [
            ("renditions", [{"kind": "video", "options": {"width": 640}},
                            {"kind": "image", "options": {"format": "jpeg"}}]),
            ("captions", [{"kind": "video"}, {"kind": "subtitles"}, {"kind": "speech"},
                          {"kind": "thumbnails"}]),
        ]:
            status, a = api("POST", "/automations", {"name": name, "workflow": workflow})
            assert status == 201, a
            autos.append(a["id"])
        start = time.time()
        ids = []
        for i in range(runs):
            status, r = api("POST", f"/automations/{autos[i % 2]}/run",
                            {"url": f"https://example.com/in{i}.mp4"})
            assert status == 201, r
            ids.append(r["id"])
            if i % 5 == 0:
                api("POST", f"/runs/{r['id']}/cancel")
        made = time.time() - start

        c.request("POST", "/ui/sign-in", body="key=" + KEY,
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
        r = c.getresponse()
        r.read()
        cookie = re.match(r"(wfc_session=[^;]+)", r.getheader("Set-Cookie")).group(1)
        pages = [
            ("runs, first page", "/ui/runs"),
            ("runs, status=cancelled", "/ui/runs?status=cancelled"),
            ("runs, one automation", f"/ui/runs?automation_id={autos[1]}"),
            ("runs, page 200 (after=)", f"/ui/runs?after={ids[runs - 200 * 25]}"),
            ("automations", "/ui/automations"),
            ("an automation (plan drawn)", f"/ui/automations/{autos[1]}"),
            ("a run", f"/ui/runs/{ids[runs // 2]}"),
            ("sign-in page", "/ui/sign-in"),
        ]
        print(f"{runs} runs created in {made:.1f} s; {rounds} fetches per page, one connection")
        print(f"{'page':32} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'bytes':>8}")
        for name, path in pages:
            times = []
            size = 0
            for _ in range(rounds):
                t = time.perf_counter()
                c.request("GET", path, headers={"Cookie": cookie})
                r = c.getresponse()
                body = r.read()
                times.append((time.perf_counter() - t) * 1000)
                assert r.status == 200, (path, r.status, body[:200])
                size = len(body)
            times.sort()
            p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
            print(f"{name:32} {statistics.median(times):8.2f} {p99:8.2f} {times[-1]:8.2f} "
                  f"{size:8}")
        # The same pages as chromium renders them, when tools/install-deps installed it.
        here = os.path.dirname(os.path.abspath(__file__))
        if os.path.exists("/usr/bin/chromium") and os.path.exists(
                os.path.join(here, "..", "..", "browser", "node_modules", "puppeteer-core")):
            sys.stdout.flush()
            subprocess.run(["node", os.path.join(here, "browser.mjs"), f"http://127.0.0.1:{port}",
                            cookie, "20"] + [p for _, p in pages if p != "/ui/sign-in"],
                           check=False)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
