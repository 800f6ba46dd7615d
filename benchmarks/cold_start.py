"""Cold start: seconds from launching the server to the first 200 from /api/health (issue 11, item 16).

    python benchmarks/cold_start.py [--runs 3] [--workers 1]

Starts `python api.py` (the command `make serve` runs) on a free loopback port with the shipped model and a
temporary storage directory, polls /api/health every 20 ms, prints each run's time and the median, and stops it.
"""
import argparse, os, socket, statistics, subprocess, sys, tempfile, time
from pathlib import Path
import httpx

REPO = Path(__file__).resolve().parents[1]

def free_port()->int:
    with socket.socket() as s: s.bind(("127.0.0.1", 0)); return s.getsockname()[1]

def cold_start_s(extra_args:list)->float:
    "Seconds from `Popen` to the first 200 from /api/health."
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
                        return time.perf_counter() - t0
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
    times = [cold_start_s(extra) for _ in range(args.runs)]
    print("cold start to /api/health 200:", ", ".join(f"{t:.2f} s" for t in times), f"(median {statistics.median(times):.2f} s)")
