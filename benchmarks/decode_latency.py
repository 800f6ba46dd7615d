"""Decode latency of the kick VAE on one CPU thread: one kick and a batch of 64, per decoder.

Prints the median of repeated runs and the real-time factor (audio duration / compute time).
Uses the shipped checkpoint for its decoder and an untrained model of the other decoder (same architecture and cost).
Last, the shipped model's batch of 64 with denormal flushing off and on, alternated in one run (the API turns it on).
Run: .venv/bin/python benchmarks/decode_latency.py [--repeats 20]
"""
import argparse, time
import numpy as np
import torch
from kick_nbdev.model import load_model, KickModel, ModelConfig, DEFAULT_CHECKPOINT, DECODERS

def median_ms(fn, repeats):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter(); fn(); times.append(time.perf_counter() - t)
    return 1000 * float(np.median(times))

def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeats", type=int, default=20)
    args = ap.parse_args()
    torch.set_num_threads(1)
    shipped = load_model() if DEFAULT_CHECKPOINT.exists() else None
    print(f"torch {torch.__version__}, 1 thread; shipped model: {shipped}")
    for decoder in DECODERS:
        m = shipped if shipped is not None and shipped.config.decoder == decoder else \
            KickModel.untrained(ModelConfig(decoder=decoder, latent_dim=shipped.latent_dim if shipped else 8))
        dur_s = m.n_samples / m.sample_rate
        for batch in (1, 64):
            z = m.sample(batch, seed=0)
            ms = median_ms(lambda: m.decode(z), args.repeats if batch == 1 else max(5, args.repeats // 4))
            print(f"{decoder:5s} batch {batch:3d}: {ms:8.2f} ms median  ({ms / batch:6.2f} ms/kick, "
                  f"{batch * dur_s / (ms / 1000):7.0f}x real time)")
    if shipped is not None:
        z, times = shipped.sample(64, seed=0), {False: [], True: []}
        for _ in range(max(5, args.repeats // 4)):
            for flush in (False, True):
                torch.set_flush_denormal(flush)
                times[flush].append(median_ms(lambda: shipped.decode(z), 1))
        torch.set_flush_denormal(False)
        off, on = (float(np.median(times[f])) for f in (False, True))
        print(f"shipped batch 64, flush denormals off {off:.1f} ms / on {on:.1f} ms: {off / on:.2f}x faster with it "
              f"({64 * shipped.n_samples / shipped.sample_rate / (on / 1000):.0f}x real time)")

if __name__ == "__main__":
    main()
