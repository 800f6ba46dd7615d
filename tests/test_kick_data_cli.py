"The installed `kick_data` console script on a temporary folder of synthetic kicks (no downloads)."
import shutil, subprocess, sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import soundfile as sf
from kick_nbdev.core import N_SAMPLES

KICK_DATA = shutil.which("kick_data") or str(Path(sys.executable).with_name("kick_data"))


def _kick(path: Path, f0_hz: float, decay_s: float = 0.15, sr: int = 44100) -> None:
    t = np.arange(int(0.4 * sr)) / sr
    x = np.sin(2 * np.pi * np.cumsum(f0_hz * (1 + 3 * np.exp(-t / 0.01))) / sr) * np.exp(-t / decay_s)
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, (0.8 * x).astype(np.float32), sr)


def _run(*args: str, cache: Path) -> subprocess.CompletedProcess:
    return subprocess.run([KICK_DATA, *args, "--cache-dir", str(cache)], capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(not Path(KICK_DATA).exists(), reason="kick_data is not installed (pip install -e .)")
def test_kick_data_build(tmp_path):
    samples = tmp_path / "samples"
    for i, name in enumerate(["kick_a.wav", "bd_techno.wav", "Kicks/one.flac", "808_kick.wav"]):
        _kick(samples / name, 45 + 5 * i)
    shutil.copy(samples / "kick_a.wav", samples / "kick_a_copy.wav")
    (samples / "kick_broken.ogg").write_bytes(b"RIFF\x10\x00\x00\x00WAVEfmt nonsense")
    _kick(samples / "snare.wav", 220)

    result = _run("build", str(samples), cache=tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    assert "4 kicks" in result.stdout and "kick_broken.ogg" in result.stdout
    corpus = tmp_path / "cache" / "corpus"
    kicks, manifest = np.load(corpus / "kicks.npy"), pd.read_csv(corpus / "manifest.csv")
    assert kicks.shape == (4, N_SAMPLES) and kicks.dtype == np.float32
    assert set(manifest.category) == {"808", "electronic", "unknown"}
    first = {f: (corpus / f).read_bytes() for f in ("kicks.npy", "manifest.csv", "skipped.csv")}
    assert _run("build", str(samples), cache=tmp_path / "cache").returncode == 0
    assert all((corpus / f).read_bytes() == data for f, data in first.items())  # idempotent


@pytest.mark.skipif(not Path(KICK_DATA).exists(), reason="kick_data is not installed (pip install -e .)")
def test_kick_data_errors(tmp_path):
    (tmp_path / "empty").mkdir()
    result = _run("build", str(tmp_path / "empty"), cache=tmp_path / "cache")
    assert result.returncode == 1 and "no kicks found" in result.stderr
    result = _run("build", str(tmp_path / "missing"), cache=tmp_path / "cache")
    assert result.returncode == 1 and "not a folder" in result.stderr
    assert subprocess.run([KICK_DATA], capture_output=True).returncode == 2  # argparse: a command is required
