"""Work for clients that left (issue 11, item 2): ten `pack n=128` requests whose clients disconnect at once.

    python benchmarks/abandoned_packs.py

Starts `python api.py` (the shipped model, a temporary storage), measures /api/random latency when idle, sends ten
pack requests on raw sockets and closes them after 0.2 s, then reports how long the server stays busy (its CPU above
20 % of a core) and the median /api/random latency meanwhile."""
import json, os, socket, statistics, subprocess, sys, tempfile, time
from pathlib import Path
import httpx, psutil

REPO = Path(__file__).resolve().parents[1]

def main():
    with socket.socket() as s: s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as storage:
        proc = subprocess.Popen([sys.executable, "api.py", "--port", str(port), "--log-level", "warning"], cwd=REPO,
                                env={**os.environ, "KICK_STORAGE": "local", "KICK_STORAGE_DIR": storage, "KICK_MAX_HEAVY": "16"},
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base, server = f"http://127.0.0.1:{port}", psutil.Process(proc.pid)
        try:
            while True:
                try:
                    if httpx.get(base + "/api/health", timeout=2).status_code == 200: break
                except httpx.TransportError: time.sleep(0.2)
            time.sleep(5)   # past the background warm-up
            seeds = iter(range(10**6, 2 * 10**6))
            def random_ms():
                t0 = time.perf_counter(); httpx.post(base + "/api/random", json={"seed": next(seeds)}, timeout=300)
                return 1000 * (time.perf_counter() - t0)
            idle_ms = statistics.median(random_ms() for _ in range(10))
            body = json.dumps({"n": 128}).encode()
            request = (b"POST /api/pack HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                       b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(10)]
            for s in sockets: s.sendall(request)
            time.sleep(0.2)
            for s in sockets: s.close()
            t0, busy_ms = time.perf_counter(), []
            server.cpu_percent(interval=None)
            while True:
                busy_ms.append(random_ms())
                if server.cpu_percent(interval=0.5) < 20 or time.perf_counter() - t0 > 120: break
            print(f"/api/random idle: {idle_ms:.0f} ms; after 10 abandoned packs of 128: server busy "
                  f"{time.perf_counter() - t0:.1f} s, /api/random median {statistics.median(busy_ms):.0f} ms meanwhile "
                  f"(max {max(busy_ms):.0f} ms)")
        finally:
            proc.terminate(); proc.wait(timeout=60)

if __name__ == "__main__":
    main()
