"""One rank of tests/test_train_ddp.py, launched by `torchrun --nproc_per_node 2 tests/ddp_train_worker.py OUT`: a few
data-parallel steps of a tiny model on synthetic kicks (gloo on CPU), as an auto-decoder (`codes`) and as a VAE. Each
rank saves what it holds (initial and final weights, its next batch, the weights after resuming for 2 more steps) to OUT/<mode>/rank<r>.pt for the test to compare."""
import sys
from dataclasses import asdict
from pathlib import Path

import torch
from kick_nbdev.model import ModelConfig
from kick_nbdev.synth import synth_kicks
from kick_nbdev.train import Trainer, TrainConfig, setup_distributed

def weights(tr:Trainer)->dict: return {k: v.detach().clone() for k, v in [*tr.vae.state_dict().items(), ("codes", tr.codes)]}

if __name__ == "__main__":
    out = Path(sys.argv[1])
    rank, world = setup_distributed("cpu")
    torch.set_num_threads(1)
    kicks = synth_kicks(16, seed=5)[0]
    base = TrainConfig(steps=6, batch_size=4, val_every=6, synth_fraction=0.0, synth_pool=0, augment=False, lr=3e-3, seed=0, device="cpu")
    for mode, cfg in [("codes", TrainConfig(**{**asdict(base), "codes": True})), ("vae", base)]:
        tr = Trainer(ModelConfig.tiny(), cfg, out / mode, kicks[:12], kicks[12:])
        initial = weights(tr)
        tr.fit(progress=False)
        final = weights(tr)
        resumed = Trainer(ModelConfig.tiny(), TrainConfig(**{**asdict(cfg), "steps": 8}), out / mode, kicks[:12], kicks[12:])
        resumed.resume(); resumed.fit(progress=False)   # every rank continues from its own streams in state.pt
        torch.save(dict(rank=rank, world=world, initial=initial, final=final, first_batch=tr.batches(), step=tr.step,
                        resumed=weights(resumed), resumed_step=resumed.step), out / mode / f"rank{rank}.pt")
