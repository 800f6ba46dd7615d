"""Cold start: seconds from launching the server to the first 200 from /api/health (issue 11, item 16).

    python benchmarks/cold_start.py [--runs 5] [--workers 1]

Starts `python api.py` (the command `make serve` runs) on a free loopback port with the shipped model and a
temporary storage directory, polls /api/health every 20 ms, and prints for each run: the wall time to the first 200
and the CPU time the server used until then (user + sys: steadier than wall time on a shared machine); then, right
after, how long the first /api/random takes (the dashboard's Panel is being imported in the background meanwhile)
and when the dashboard page `/` first answers 200 (seconds from launch). Then the medians, the load average, and
where a start's time goes, stage by stage, in a fresh process.
"""
import argparse, os, socket, statistics, subprocess, sys, tempfile, time
from pathlib import Path
import httpx, psutil

REPO = Path(__file__).resolve().parents[1]

def free_port()->int:
    with socket.socket() as s: s.bind(("127.0.0.1", 0)); return s.getsockname()[1]

def cold_start(extra_args:list)->dict:
    "health_s (wall, launch to the first 200 from /api/health), cpu_s (the server's CPU until then), random_s (the first /api/random), page_s (launch to the first 200 from /)."
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as storage:
        env = {**os.environ, "KICK_STORAGE": "local", "KICK_STORAGE_DIR": storage}
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "api.py", "--port", str(port), "--log-level", "warning", *extra_args],
                                cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                if proc.poll() is not None: raise RuntimeError(f"the server exited with {proc.returncode}")
                try:
                    if httpx.get(base + "/api/health", timeout=1.0).status_code == 200: break
                except httpx.TransportError: pass
                time.sleep(0.02)
            out = dict(health_s=time.perf_counter() - t0, cpu_s=sum(psutil.Process(proc.pid).cpu_times()[:2]))
            t1 = time.perf_counter()
            httpx.post(base + "/api/random", json={"seed": 1}, timeout=60).raise_for_status()
            out["random_s"] = time.perf_counter() - t1
            httpx.get(base + "/", timeout=60).raise_for_status()
            out["page_s"] = time.perf_counter() - t0
            return out
        finally:
            proc.terminate(); proc.wait(timeout=30)

STAGES = r'''
import time; t = [time.perf_counter()]
import os, tempfile; os.environ.setdefault("KICK_STORAGE_DIR", tempfile.mkdtemp())
import uvicorn; t.append(time.perf_counter())
import torch; t.append(time.perf_counter())
import kick_app.api; t.append(time.perf_counter())
app = kick_app.api.create_app(); t.append(time.perf_counter())
from kick_nbdev.service import KickService
service = KickService.from_env(); t.append(time.perf_counter())
import kick_app.dashboard.app; t.append(time.perf_counter())
names = ["import uvicorn", "import torch", "import kick_app.api (library, fastapi)", "create_app", "model + storage loaded",
         "after start-up, in the background: import the dashboard (panel, bokeh)"]
for name, a, b in zip(names, t, t[1:]): print(f"  {name:72s} {b - a:5.2f} s")
'''

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workers", type=int, default=None, help="pass --workers N to api.py")
    args = parser.parse_args()
    extra = [] if args.workers is None else ["--workers", str(args.workers)]
    load_before = os.getloadavg()[0]
    runs = [cold_start(extra) for _ in range(args.runs)]
    for key, what in [("health_s", "launch to /api/health 200, wall"), ("cpu_s", "server CPU until then"),
                      ("random_s", "then the first /api/random"), ("page_s", "launch to the dashboard page 200")]:
        values = [r[key] for r in runs]
        print(f"{what:36s} median {statistics.median(values):5.2f} s  ({', '.join(f'{v:.2f}' for v in values)})")
    print(f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after (2 shared cores here: judge wall times on a quiet machine)")
    print("where a start's time goes (one fresh process):")
    print(subprocess.run([sys.executable, "-c", STAGES], cwd=REPO, capture_output=True, text=True, check=True).stdout, end="")
