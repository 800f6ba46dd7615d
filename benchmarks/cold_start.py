"""Cold start: seconds from launching the server to the first 200 from /api/health (issue 11, item 16).

    python benchmarks/cold_start.py [--runs 3] [--workers 1]

Starts `python api.py` (the command `make serve` runs) on a free loopback port with the shipped model and a
temporary storage directory, polls /api/health every 20 ms, prints each run's wall time and the CPU time the server
used until then (user + sys: steadier than wall time on a shared machine), the medians, and stops it.
"""
import argparse, os, socket, statistics, subprocess, sys, tempfile, time
from pathlib import Path
import httpx, psutil

REPO = Path(__file__).resolve().parents[1]

def free_port()->int:
    with socket.socket() as s: s.bind(("127.0.0.1", 0)); return s.getsockname()[1]

def cold_start_s(extra_args:list)->tuple:
    "(wall seconds from `Popen` to the first 200 from /api/health, CPU seconds the server used until then)."
    port = free_port()
    with tempfile.TemporaryDirectory() as storage:
        env = {**os.environ, "KICK_STORAGE": "local", "KICK_STORAGE_DIR": storage}
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "api.py", "--port", str(port), "--log-level", "warning", *extra_args],
                                cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                if proc.poll() is not None: raise RuntimeError(f"the server exited with {proc.returncode}")
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1.0).status_code == 200:
                        wall_s, cpu = time.perf_counter() - t0, psutil.Process(proc.pid).cpu_times()
                        return wall_s, cpu.user + cpu.system
                except httpx.TransportError: pass
                time.sleep(0.02)
        finally:
            proc.terminate(); proc.wait(timeout=30)

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=None, help="pass --workers N to api.py")
    args = parser.parse_args()
    extra = [] if args.workers is None else ["--workers", str(args.workers)]
    runs = [cold_start_s(extra) for _ in range(args.runs)]
    print("cold start to /api/health 200: wall " + ", ".join(f"{w:.2f}" for w, _ in runs) + " s, CPU "
          + ", ".join(f"{c:.2f}" for _, c in runs) + f" s (median wall {statistics.median(w for w, _ in runs):.2f} s, "
          f"CPU {statistics.median(c for _, c in runs):.2f} s; load average {os.getloadavg()[0]:.1f})")
