#!/usr/bin/env python
"""Loopback load test of the REST API: starts a real uvicorn server (`python api.py`), sends a bounded number of
requests with fixed concurrency, and prints latency percentiles and throughput per endpoint.

    python benchmarks/load_api.py                          # shipped model (tiny untrained one if not built yet)
    python benchmarks/load_api.py --requests 200 --concurrency 4 --tiny
    python benchmarks/load_api.py --url http://127.0.0.1:8000   # an already running server
    python benchmarks/load_api.py --fx --only random --requests 20 --concurrency 1   # the cost of the FX chain

Every request asks for a kick that is not stored yet (new seeds, new latents), so the numbers include decoding,
encoding and storing; the `random (cached)` row repeats one seed to show the cost of a cache hit. With --fx, the
`random +fx ...` rows ask for new random kicks through the 'punchy' and 'distorted' presets and tuned to F1: their
p50 minus the plain `random` row's is the latency the chain adds.
Targets on a 2-core machine: /api/random p50 <= 30 ms and p95 <= 80 ms; 16-step /api/interpolate p50 <= 200 ms; no errors.
"""
import argparse, asyncio, json, os, socket, subprocess, sys, tempfile, time
from pathlib import Path

import httpx
import numpy as np

REPO = Path(__file__).resolve().parents[1]
FX_SCENARIOS = {"punchy": {"preset": "punchy"}, "distorted": {"preset": "distorted"}, "tune F1": {"tune_note": "F1"}}


def free_port()->int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); return s.getsockname()[1]


def start_server(model_path:str|None, storage_dir:str, log_path:Path)->tuple:
    "Start `python api.py` on a free loopback port; returns (process, base URL) once /api/health answers."
    port = free_port()
    env = {**os.environ, "KICK_STORAGE": "local", "KICK_STORAGE_DIR": storage_dir}
    if model_path: env["KICK_MODEL_PATH"] = model_path
    proc = subprocess.Popen([sys.executable, "api.py", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                            cwd=REPO, env=env, stdout=open(log_path, "w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        if proc.poll() is not None: sys.exit(f"server exited with {proc.returncode}:\n{log_path.read_text()}")
        try:
            if httpx.get(f"{base}/api/health", timeout=1).json()["model_loaded"]: return proc, base
            sys.exit(f"server has no model: {httpx.get(f'{base}/api/health').json()}")
        except httpx.TransportError: time.sleep(0.1)
    proc.terminate(); sys.exit("server did not start within 60 s")


def scenarios(latent_dim:int, steps:int, seed:int, fx:bool=False)->dict:
    "name -> (path, function i -> JSON body); bodies never repeat within a run except in the cached scenario."
    rng = np.random.default_rng(seed)
    latent = lambda: np.clip(rng.standard_normal(latent_dim), -3, 3).round(6).tolist()
    base_seed = int(rng.integers(0, 2**31))
    out = {
        "random": ("/api/random", lambda i: {"seed": base_seed + i}),
        "random (cached)": ("/api/random", lambda i: {"seed": 7}),
        "generate": ("/api/generate", lambda i: {"latent_vector": latent()}),
        f"interpolate ({steps} steps)": ("/api/interpolate", lambda i: {"start": latent(), "end": latent(), "steps": steps, "mode": "slerp"}),
    }
    for name, settings in FX_SCENARIOS.items() if fx else []:  # the same seeds as `random`: the same kicks, plus the chain
        out[f"random +fx {name}"] = ("/api/random", lambda i, settings=settings: {"seed": base_seed + i, "fx": settings})
    return out


async def run_scenario(base:str, path:str, make_body, n:int, concurrency:int)->dict:
    "Send `n` requests, at most `concurrency` at a time; returns latencies (ms), errors and wall time."
    latencies_ms, errors = [], []
    counter = iter(range(n))
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=httpx.Limits(max_connections=concurrency)) as client:
        for i in range(min(10, n)): await client.post(path, json=make_body(n + i))  # warm-up, not counted
        async def worker():
            for i in counter:
                body = make_body(i)
                t0 = time.perf_counter()
                try:
                    r = await client.post(path, json=body)
                    if r.status_code != 200: errors.append(f"{r.status_code}: {r.text[:200]}")
                except httpx.HTTPError as e: errors.append(repr(e))
                latencies_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall_s = time.perf_counter() - t0
    return dict(latencies_ms=latencies_ms, errors=errors, wall_s=wall_s)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500, help="requests per scenario (default 500)")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight at once (default 8)")
    parser.add_argument("--steps", type=int, default=16, help="interpolation steps (default 16)")
    parser.add_argument("--model", help="checkpoint to serve (default: the shipped one, or a tiny untrained one if missing)")
    parser.add_argument("--tiny", action="store_true", help="serve a tiny untrained model (same code path)")
    parser.add_argument("--url", help="benchmark this running server instead of starting one")
    parser.add_argument("--only", nargs="*", help="scenario names to run (default: all)")
    parser.add_argument("--fx", action="store_true", help="add /api/random through FX presets and tuning (its cost)")
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args()

    # storage on the repository's file system, like the default ./generated (creating files in /tmp is 10x slower here)
    (REPO / "artifacts").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="load_api_", dir=REPO / "artifacts") as tmp:
        proc = None
        if args.url: base = args.url.rstrip("/")
        else:
            from kick_nbdev.model import DEFAULT_CHECKPOINT, KickModel, ModelConfig
            model_path = args.model
            if args.tiny or (model_path is None and not DEFAULT_CHECKPOINT.is_file()):
                model_path = str(Path(tmp) / "tiny.pt")
                KickModel.untrained(ModelConfig.tiny(), seed=0).save(model_path)
            proc, base = start_server(model_path, str(Path(tmp) / "generated"), Path(tmp) / "server.log")
        try:
            info = httpx.get(f"{base}/api/model").json()
            print(f"server {base}: model {info['model_version']} (decoder {info['decoder']}, latent {info['latent_dim']}), "
                  f"storage {info['storage']}; {os.cpu_count()} CPUs; {args.requests} requests per scenario, "
                  f"concurrency {args.concurrency}")
            print(f"{'scenario':24s} {'n':>5s} {'errors':>6s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s} {'mean ms':>8s} {'req/s':>7s}")
            results = {}
            for name, (path, make_body) in scenarios(info["latent_dim"], args.steps, int(time.time()), args.fx).items():
                if args.only and name.split(" ")[0] not in args.only and name not in args.only: continue
                r = asyncio.run(run_scenario(base, path, make_body, args.requests, args.concurrency))
                lat = np.array(r["latencies_ms"])
                row = dict(n=len(lat), errors=len(r["errors"]), p50_ms=float(np.percentile(lat, 50)),
                           p95_ms=float(np.percentile(lat, 95)), p99_ms=float(np.percentile(lat, 99)),
                           mean_ms=float(lat.mean()), req_per_s=len(lat) / r["wall_s"])
                results[name] = row
                print(f"{name:24s} {row['n']:5d} {row['errors']:6d} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} "
                      f"{row['p99_ms']:8.1f} {row['mean_ms']:8.1f} {row['req_per_s']:7.1f}", flush=True)
                for e in r["errors"][:3]: print("   error:", e)
            if args.json: Path(args.json).write_text(json.dumps(dict(model=info["model_version"], results=results), indent=2))
        finally:
            if proc is not None:
                proc.terminate(); proc.wait(timeout=10)


if __name__ == "__main__":
    main()
