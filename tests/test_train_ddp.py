"Data-parallel training (issue 11 item 15): `torchrun --nproc_per_node 2` on CPU (gloo), a few steps of a tiny model."
import os, subprocess, sys, time
from pathlib import Path

import pytest
import torch

WORKER = Path(__file__).with_name("ddp_train_worker.py")

@pytest.fixture(scope="module")
def ranks(tmp_path_factory):
    "Run the two ranks once; {mode: [rank 0's record, rank 1's record]} and the run folder."
    out = tmp_path_factory.mktemp("ddp")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    t0 = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", str(WORKER), str(out)],
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    print(f"torchrun, 2 ranks x 2 runs of 6 + 2 resumed steps: {time.monotonic() - t0:.1f} s")
    return {mode: [torch.load(out / mode / f"rank{r}.pt", weights_only=False) for r in (0, 1)] for mode in ("codes", "vae")}, out

@pytest.mark.parametrize("mode", ["codes", "vae"])
def test_ranks_hold_identical_weights(ranks, mode):
    zero, one = ranks[0][mode]
    assert (zero["rank"], one["rank"], zero["world"], zero["step"], one["step"]) == (0, 1, 2, 6, 6)
    assert zero["final"].keys() == one["final"].keys()
    for name in zero["final"]:
        assert torch.equal(zero["final"][name], one["final"][name]), f"{name} differs between the ranks"
        assert torch.equal(zero["resumed"][name], one["resumed"][name]), f"{name} differs between the ranks after --resume"
    assert zero["resumed_step"] == one["resumed_step"] == 8
    moved = [name for name in zero["final"] if not torch.equal(zero["final"][name], zero["initial"][name])]
    assert len(moved) > len(zero["final"]) // 2, f"training moved only {moved}"
    if mode == "codes": assert "codes" in moved   # the auto-decoder's codes are trained (and averaged) too
    assert not (zero["first_batch"][0] == one["first_batch"][0]).all()   # each rank draws its own batches

@pytest.mark.parametrize("mode", ["codes", "vae"])
def test_rank0_alone_writes_the_run(ranks, mode):
    run = ranks[1] / mode
    assert sorted(p.name for p in run.iterdir()) == ["best.pt", "log.csv", "rank0.pt", "rank1.pt", "state.pt"]
    log = (run / "log.csv").read_text().strip().splitlines()
    assert len(log) == 3 and log[0].startswith("step,")   # one header, validations at steps 6 and (resumed) 8, once each
    state = torch.load(run / "state.pt", weights_only=False)
    assert state["world"] == 2 and len(state["other_ranks"]) == 1 and state["step"] == 8
    assert not torch.equal(state["torch_rng"], state["other_ranks"][0]["torch_rng"])

def test_resume_needs_as_many_processes(ranks):
    from kick_nbdev.model import ModelConfig
    from kick_nbdev.synth import synth_kicks
    from kick_nbdev.train import Trainer, TrainConfig
    kicks = synth_kicks(16, seed=5)[0]
    tr = Trainer(ModelConfig.tiny(), TrainConfig(synth_fraction=0.0, synth_pool=0, augment=False, device="cpu"), ranks[1] / "vae", kicks[:12], kicks[12:])
    with pytest.raises(ValueError, match="written by 2 process"): tr.resume()   # one process cannot continue two streams
