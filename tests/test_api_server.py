"The API as users run it: a real uvicorn process on a loopback port, request -> stored file -> download -> valid WAV."
import io, sys

import httpx
import numpy as np
import pytest
import soundfile as sf
from kick_nbdev.core import N_SAMPLES

LAUNCHERS = {
    "python api.py": [sys.executable, "api.py", "--host", "127.0.0.1", "--port", "{port}", "--log-level", "warning"],
    "uvicorn --factory": [sys.executable, "-m", "uvicorn", "api:create_app", "--factory", "--host", "127.0.0.1",
                          "--port", "{port}", "--log-level", "warning"],
}


@pytest.mark.parametrize("launcher", list(LAUNCHERS))
def test_real_server_full_path(launcher, spawn_server, tiny_model_path, tmp_path, kick_wav_bytes):
    storage_dir = tmp_path / "generated"
    _, base = spawn_server(LAUNCHERS[launcher], {"KICK_MODEL_PATH": str(tiny_model_path), "KICK_STORAGE": "local",
                                                 "KICK_STORAGE_DIR": str(storage_dir)}, ready_path="/api/health")
    with httpx.Client(timeout=30) as http:
        health = http.get(f"{base}/api/health").json()
        assert (health["status"], health["model_loaded"]) == ("ok", True)

        item = http.post(f"{base}/api/random", json={"format": "wav", "seed": 123}).json()
        assert item["wavUrl"].startswith(f"{base}/api/audio/kick_")          # absolute, from the request's base URL
        name = item["wavUrl"].rsplit("/", 1)[1]
        assert (storage_dir / name).is_file() and (storage_dir / name.replace(".wav", ".json")).is_file()

        r = http.get(item["wavUrl"])
        assert r.status_code == 200 and r.headers["content-type"] == "audio/wav"
        assert r.content == (storage_dir / name).read_bytes()
        info = sf.info(io.BytesIO(r.content))
        assert (info.format, info.samplerate, info.channels, info.frames) == ("WAV", 44100, 1, N_SAMPLES)
        audio, _ = sf.read(io.BytesIO(r.content), dtype="float32")
        assert 0.5 < np.abs(audio).max() <= 1.0

        tuned = http.post(f"{base}/api/random", json={"seed": 123, "fx": {"preset": "punchy", "tune_note": "F1"}}).json()
        assert tuned["wavUrl"] != item["wavUrl"] and tuned["latent_used"] == item["latent_used"]
        assert http.get(tuned["metadataUrl"]).json()["fx"] == tuned["fx"] and tuned["fx"]["tune_note"] == "F1"
        assert "punchy" in http.get(f"{base}/api/fx").json()["presets"]
        assert http.post(f"{base}/api/random", json={"fx": {"drive_db": 99}}).status_code == 422

        items = http.post(f"{base}/api/interpolate", json={"start": item["latent_used"], "end": [0.0] * 8, "steps": 4}).json()["items"]
        assert [len(http.get(i["wavUrl"]).content) > 1000 for i in items] == [True] * 4

        z = http.post(f"{base}/api/encode", files={"file": ("kick.wav", kick_wav_bytes, "audio/wav")}).json()["latent_vector"]
        assert len(z) == 8
        assert http.post(f"{base}/api/generate", json={"latent_vector": [1e3] * 8}).status_code == 422
        assert http.get(f"{base}/api/audio/..%2F..%2Fetc%2Fpasswd").status_code == 404
