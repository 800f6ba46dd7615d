"""Serving past one process (issue 11, item 14): /api/random with 1 and 2 uvicorn workers in the same run.

    python benchmarks/serve_throughput.py [--seconds 20] [--concurrency 1 8 32] [--workers 1 2]

For each worker count: starts `python api.py --workers N` (the shipped model, a temporary local storage) on a free
loopback port, waits until every worker answers, then for each concurrency runs that many clients posting
/api/random with fresh seeds (every request decodes and stores a new kick) for `--seconds`, and prints requests/s,
p50/p95 latency, and the memory of each worker (RSS; USS: what only that process holds, i.e. what one more
worker costs; PSS: its share of what it holds) and of the whole server (PSS summed over its processes; torch's shared
libraries count in every RSS but once in memory). Then where one worker's memory goes (stage by stage in a
fresh process). Numbers depend on the machine: this one has 2 cores shared with other jobs.
"""
import argparse, asyncio, itertools, os, socket, statistics, subprocess, sys, tempfile, time
from pathlib import Path
import httpx, psutil

REPO = Path(__file__).resolve().parents[1]
_seeds = itertools.count(1_000_000)

def free_port()->int:
    with socket.socket() as s: s.bind(("127.0.0.1", 0)); return s.getsockname()[1]

def start(workers:int, storage:str):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "api.py", "--port", str(port), "--workers", str(workers), "--log-level", "warning"],
                            cwd=REPO, env={**os.environ, "KICK_STORAGE": "local", "KICK_STORAGE_DIR": storage},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 300
    def worker_procs():   # forked by `python api.py --workers N` (N > 1), or spawned by uvicorn (spawn_main)
        return [c for c in psutil.Process(proc.pid).children() if "resource_tracker" not in " ".join(c.cmdline())]
    while True:
        try:
            ready = httpx.get(base + "/api/health", timeout=2).status_code == 200
            if ready and (workers == 1 or len(worker_procs()) == workers): break
        except httpx.TransportError: pass
        if time.monotonic() > deadline: raise TimeoutError("the server did not start")
        time.sleep(0.2)
    procs = worker_procs() if workers > 1 else [psutil.Process(proc.pid)]
    quiet_since = time.monotonic()   # every worker imports torch and loads its model: wait until all are idle for 3 s
    while time.monotonic() - quiet_since < 3:
        for p in procs: p.cpu_percent(interval=None)   # starts each counter; the next call reads the last 0.5 s
        time.sleep(0.5)
        if sum(p.cpu_percent(interval=None) for p in procs) > 10: quiet_since = time.monotonic()
    return proc, base, procs

async def load(base:str, concurrency:int, seconds:float)->list:
    "Latencies (s) of /api/random requests by `concurrency` clients for `seconds`."
    latencies, stop_at = [], time.perf_counter() + seconds
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=httpx.Limits(max_connections=concurrency)) as http:
        async def client():
            while time.perf_counter() < stop_at:
                t0 = time.perf_counter()
                r = await http.post("/api/random", json={"seed": next(_seeds)})
                r.raise_for_status(); latencies.append(time.perf_counter() - t0)
        await asyncio.gather(*[client() for _ in range(concurrency)])
    return latencies

def memory_stages()->str:
    "Memory of one process after each stage of a worker's life, MB: RSS (counts shared libraries) and USS (only its own)."
    code = r'''
import os, psutil, tempfile
os.environ.setdefault("KICK_STORAGE_DIR", tempfile.mkdtemp())
p, out = psutil.Process(), []
def mark(name): m = p.memory_full_info(); out.append((name, m.rss / 2**20, m.uss / 2**20))
mark("python")
import torch; mark("import torch")
import kick_app.api; mark("import kick_app.api (library, fastapi)")
app = kick_app.api.create_app(); mark("create_app")
from kick_nbdev.service import KickService
torch.set_num_threads(1)
service = KickService.from_env(); mark("model + storage loaded")
service.random(seed=1); service.info(); mark("first kick decoded, controls loaded")
import scipy.fft, scipy.ndimage, scipy.optimize, scipy.signal, pyloudnorm; mark("after start-up: scipy, pyloudnorm")
import kick_app.dashboard.app; mark("after start-up: the dashboard (panel, bokeh)")
for seed in range(2, 200): service.random(seed=seed)
mark("198 more kicks decoded and stored")
prev = (0, 0)
for name, rss, uss in out: print(f"  {name:46s} RSS {rss:5.0f} (+{rss - prev[0]:3.0f})  USS {uss:5.0f} (+{uss - prev[1]:3.0f}) MB"); prev = (rss, uss)
'''
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    throughput = {}
    print(f"load average {os.getloadavg()[0]:.1f} at the start (2 shared cores here)", flush=True)
    for workers in args.workers:
        with tempfile.TemporaryDirectory() as storage:
            proc, base, procs = start(workers, storage)
            try:
                asyncio.run(load(base, 2, 3))   # warm-up: controls, allocator, first decodes
                for c in args.concurrency:
                    lat = sorted(asyncio.run(load(base, c, args.seconds)))
                    rps = len(lat) / args.seconds
                    throughput[workers, c] = rps
                    print(f"workers={workers} concurrency={c:3d}: {rps:6.1f} req/s  p50 {1000 * statistics.median(lat):7.1f} ms  "
                          f"p95 {1000 * lat[int(0.95 * (len(lat) - 1))]:7.1f} ms  ({len(lat)} requests)", flush=True)
                tree = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
                print(f"workers={workers}: per worker RSS / USS (memory only it holds) / PSS (its share of what it holds) " + ", ".join(
                    "{:.0f} / {:.0f} / {:.0f} MB".format(p.memory_info().rss / 2**20, *(getattr(p.memory_full_info(), k) / 2**20 for k in ("uss", "pss")))
                    for p in procs) + f"; the server's {len(tree)} processes together (PSS) "
                    f"{sum(p.memory_full_info().pss for p in tree) / 2**20:.0f} MB", flush=True)
            finally:
                proc.terminate(); proc.wait(timeout=60)
    for c in args.concurrency:
        if (1, c) in throughput and (2, c) in throughput:
            print(f"concurrency {c}: 2 workers / 1 worker throughput = {throughput[2, c] / throughput[1, c]:.2f}")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    print("where one worker's memory goes:\n" + memory_stages())
