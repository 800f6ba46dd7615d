"""Time to make a 64-kick sample pack with the shipped model on one torch thread, stage by stage, against the 3 s target.

Three settings: no FX, an FX preset, and a key (plus the preset with the key). For each, the median over --repeats runs
(different pack seeds) of every stage: sample + FPS, decode, FX + tuning (with the pitch measurement that checks
the key), descriptors (loudness, decay, manifest), encode + zip.
Run: .venv/bin/python benchmarks/pack_latency.py [--repeats 5] [--n 64]
"""
import argparse, os, time
import numpy as np
import torch
from kick_nbdev.model import load_model
from kick_nbdev.pack import make_pack

TARGET_S = 3.0   # issue #6: a 64-kick pack in at most 3 s on a 2-core machine
STAGES = ("sample_fps", "decode", "fx_tune", "descriptors", "encode_zip")
SETTINGS = {"no fx": {}, "preset 'punchy'": dict(fx="punchy"), "key 'F'": dict(key="F"),
            "'punchy' + key 'F'": dict(fx="punchy", key="F")}

def time_pack(model, n, seed, settings):
    "Stage times of one pack, s: make_pack's own timings plus encoding and zipping, and the total."
    start = time.perf_counter()
    pack = make_pack(model, n, seed=seed, **settings)
    made = time.perf_counter()
    pack.to_zip()
    done = time.perf_counter()
    return {**pack.timings_s, "encode_zip": done - made, "total": done - start}, pack.info["skipped"]

def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--n", type=int, default=64)
    args = ap.parse_args()
    torch.set_num_threads(1)
    model = load_model()
    print(f"torch {torch.__version__}, 1 thread, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; {model}")
    time_pack(model, 8, 0, {"fx": "punchy", "key": "F"})   # warm-up: imports, wavelet bank, filter designs
    print(f"{args.n}-kick pack, median of {args.repeats} runs (pack seeds 0..{args.repeats - 1}), ms; "
          "skipped: candidates replaced (untunable or out of key), all runs together:")
    print(f"{'':20s}" + "".join(f"{s:>12s}" for s in STAGES + ("total",)) + "   skipped")
    for label, settings in SETTINGS.items():
        runs = [time_pack(model, args.n, seed, settings) for seed in range(args.repeats)]
        median = {k: float(np.median([r[0][k] for r in runs])) for k in STAGES + ("total",)}
        skipped = sum(r[1] for r in runs)
        verdict = "ok" if median["total"] <= TARGET_S else f"MISSES the {TARGET_S:g} s target"
        print(f"{label:20s}" + "".join(f"{1000 * median[k]:12.0f}" for k in STAGES + ("total",)) + f"{skipped:10d}   {verdict}")

if __name__ == "__main__":
    main()
