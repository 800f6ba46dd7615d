"""Leave-kit-out comparison of decoder candidates at an equal CPU budget (issue 10, item 4).

One run = one candidate trained on every kit but one fold's, for `--minutes` of CPU time on one thread, on the real kicks alone
(no augmentation, no synthetic kicks), then judged on the held-out fold: reconstruction from the encoder's mean and
after latent refinement, against the nearest-training-kick baseline of the same fold, and random kicks from N(0, I)
and from a Gaussian mixture fitted to the training latents. Each run writes one JSON row to runs/folds/.
Run: python benchmarks/fold_compare.py --candidate hybrid --fold 0 --minutes 4; then `--summarize` writes
benchmarks/fold_compare.csv and prints the fold means.
"""
import argparse, json, time
from dataclasses import asdict
from pathlib import Path
import numpy as np
import torch
from kick_nbdev.data import load_corpus
from kick_nbdev.model import ModelConfig, KickModel
from kick_nbdev.train import TrainConfig, Trainer
from kick_nbdev.metrics import (log_spectral_distance_db, attack_envelope_corr, onset_error_ms, fundamental_hz, decay_ms,
                                nearest_kick_baseline, is_kick_like, diversity_ratio, novelty, _log_mel_spectrogram_db)

CANDIDATES = dict(
    wave=dict(decoder="wave", detune=False),   # today's synth decoder, partials locked to integer ratios, noise shifted
    hybrid=dict(decoder="hybrid"),
    conv=dict(decoder="conv"),
    istft=dict(decoder="istft"),
    hybrid_codes=dict(decoder="hybrid"),   # the hybrid decoder trained as an auto-decoder (free codes + encoder regression)
)
TRAIN_OPTIONS = dict(hybrid_codes=dict(codes=True))

def kit_folds(manifest, n_folds=5):
    "(N,) fold index per kick: whole kits (kit families such as Millo_*) in one fold, folds balanced by size, greedy."
    family = manifest["kit"].astype(str).str.replace(r"^(Millo)[-_].*$", r"\1", regex=True).to_numpy()
    names, counts = np.unique(family, return_counts=True)
    sizes, of = np.zeros(n_folds, int), {}
    for i in np.argsort(-counts, kind="stable"):
        f = int(np.argmin(sizes)); of[names[i]] = f; sizes[f] += counts[i]
    return np.array([of[k] for k in family])

def audible_lsd_db(x, y, floor_db=-60.0):
    "Log-spectral distance over the frames of `x` above `floor_db` of its loudest frame, per kick."
    fx, fy = _log_mel_spectrogram_db(x).astype(np.float64), _log_mel_spectrogram_db(y).astype(np.float64)
    frame_db = fx.max(-1)
    keep = frame_db >= frame_db.max(-1, keepdims=True) + floor_db
    per_frame = np.sqrt(((fx - fy) ** 2).mean(-1))
    return (per_frame * keep).sum(-1) / keep.sum(-1)

def recon_metrics(x, y):
    f0x, f0y = fundamental_hz(x), fundamental_hz(y)
    return dict(lsd=log_spectral_distance_db(x, y), lsd_audible=audible_lsd_db(x, y), attack=attack_envelope_corr(x, y),
                onset_ms=onset_error_ms(x, y), pitch_st=np.abs(12 * np.log2(f0y / f0x)), decay_ms=np.abs(decay_ms(y) - decay_ms(x)))

def random_metrics(gen, train, held_out):
    return dict(kick_like=float(np.mean(is_kick_like(gen))), diversity=diversity_ratio(gen, held_out),
                duplicates=novelty(gen, train)["duplicate_fraction"])

def fit_mixture(z, seed=0):
    from sklearn.mixture import GaussianMixture
    k = max(1, min(4, len(z) // 16))
    return GaussianMixture(k, covariance_type="full", reg_covar=1e-2, random_state=seed).fit(z)

def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--candidate", required=True, choices=list(CANDIDATES))
    ap.add_argument("--fold", type=int, required=True)
    ap.add_argument("--minutes", type=float, default=5.0)
    ap.add_argument("--batch_size", type=int, default=8)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--refine_steps", type=int, default=30)
    ap.add_argument("--cache", default="/work/cache-32k")
    ap.add_argument("--out", default="runs/folds")
    ap.add_argument("--tag", default="")
    ap.add_argument("--max_wall_min", type=float, default=0.0, help="also stop after this many wall-clock minutes (0 = no limit)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    kicks, manifest = load_corpus(args.cache)
    folds = kit_folds(manifest)
    train, held = kicks[folds != args.fold], kicks[folds == args.fold]
    mcfg = ModelConfig(n_samples=kicks.shape[1], seed=0, **CANDIDATES[args.candidate])
    tcfg = TrainConfig(steps=int(args.minutes * 120), batch_size=args.batch_size, lr=args.lr, synth_fraction=0.0,
                       augment=False, seed=0, time_budget_min=args.max_wall_min, **TRAIN_OPTIONS.get(args.candidate, {}))
    name = f"{args.candidate}{args.tag}_f{args.fold}"
    tr = Trainer(mcfg, tcfg, Path(args.out) / name, train, held[:0])
    t0 = time.process_time()   # CPU time, not wall time: the machine is shared, the budget must be equal
    while time.process_time() - t0 < 60 * args.minutes and tr.step < tcfg.steps and tr.time_used() < 1: tr.train_step()
    train_min = (time.process_time() - t0) / 60
    model = KickModel(tr.final_model().vae, "fold")
    vae = model.vae
    z_train = model.encode(train)
    fit = recon_metrics(train, model.decode(z_train))
    mu = torch.from_numpy(model.encode(held))
    enc = recon_metrics(held, model.decode(mu.numpy()))
    t1 = time.time()
    z_ref = vae.refine(torch.from_numpy(held), mu, steps=args.refine_steps)
    refine_ms = 1000 * (time.time() - t1) / len(held)
    ref = recon_metrics(held, model.decode(z_ref.numpy()))
    base = recon_metrics(held, nearest_kick_baseline(held, train))
    mean = lambda d: {k: float(np.nanmean(v)) for k, v in d.items()}
    gmm = fit_mixture(z_train)
    gen_gmm = model.decode(gmm.sample(64)[0].astype(np.float32))
    gen_std = model.decode(np.random.default_rng(0).standard_normal((64, mcfg.latent_dim)).astype(np.float32))
    row = dict(name=name, candidate=args.candidate, tag=args.tag, fold=args.fold, n_train=len(train), n_held=len(held),
               steps=tr.step, train_min=round(train_min, 2), refine_ms_per_kick=round(refine_ms, 1),
               fit=mean(fit), enc=mean(enc), refined=mean(ref), baseline=mean(base),
               ratio_enc=float(np.mean(enc["lsd"]) / np.mean(base["lsd"])),
               ratio_refined=float(np.mean(ref["lsd"]) / np.mean(base["lsd"])),
               random_normal=random_metrics(gen_std, train, held), random_gmm=random_metrics(gen_gmm, train, held),
               model=asdict(mcfg), train=asdict(tcfg))
    out = Path(args.out); out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(row, indent=1))
    model.save(out / name / "model.pt")
    print(json.dumps({k: row[k] for k in ("name", "steps", "fit", "enc", "refined", "baseline", "ratio_enc", "ratio_refined",
                                          "random_normal", "random_gmm")}, indent=1))

def flatten(row):
    "One flat dict per run: `enc_lsd`, `refined_attack`, `random_gmm_diversity`, ..."
    flat = {k: row[k] for k in ("candidate", "tag", "fold", "n_train", "n_held", "steps", "train_min", "refine_ms_per_kick",
                                "ratio_enc", "ratio_refined")}
    for part in ("fit", "enc", "refined", "baseline", "random_normal", "random_gmm"):
        flat |= {f"{part}_{k}": v for k, v in row[part].items()}
    return flat

def summarize(folder="runs/folds", csv_path=None):
    "Per-run rows of every finished run in `folder` (and write them to `csv_path`); prints fold means +- std per candidate."
    import pandas as pd
    rows = pd.DataFrame([flatten(json.loads(p.read_text())) for p in sorted(Path(folder).glob("*.json"))])
    if csv_path: rows.to_csv(csv_path, index=False, float_format="%.4g")
    return rows

def fold_table(rows):
    "Mean +- std over folds of the main columns, one row per candidate (and tag)."
    cols = ["fit_lsd", "baseline_lsd", "baseline_attack", "enc_lsd", "refined_lsd", "ratio_enc", "ratio_refined", "enc_attack", "refined_attack",
            "refined_onset_ms", "refined_pitch_st", "refined_decay_ms", "refined_lsd_audible", "random_normal_kick_like",
            "random_normal_diversity", "random_gmm_kick_like", "random_gmm_diversity", "random_gmm_duplicates"]
    g = rows.assign(name=rows["candidate"] + rows["tag"].fillna("")).groupby("name")
    table = g[cols].mean().round(2).astype(str) + " ± " + g[cols].std().fillna(0.0).round(2).astype(str)
    return table.assign(folds=g.size(), steps=g["steps"].mean().round(0)).T

if __name__ == "__main__":
    import sys
    if sys.argv[1:] == ["--summarize"]:
        import pandas as pd
        pd.set_option("display.width", 250)
        print(fold_table(summarize(csv_path="benchmarks/fold_compare.csv")).to_string())
    else: main()
