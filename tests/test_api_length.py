"`length_s` on every request that makes kicks: the WAV is the requested length, the sidecar records it, bad values are 422."
import io, zipfile

import pytest
import soundfile as sf

from kick_nbdev.length import LENGTH_RANGE_S

A = [0.5, -0.25, 1.0, 0.0, -1.5, 0.75, 0.125, -0.5]
B = [-1.0, 0.5, 0.25, 1.25, 0.5, -0.75, 1.5, 0.0]
SR = 44100

KICK_ENDPOINTS = [  # (endpoint, body without length_s, True when the answer is a list of items)
    ("/api/generate", {"latent_vector": A}, False), ("/api/random", {"seed": 3}, False),
    ("/api/style-transfer", {"body_latent": A, "character_latent": B}, False),
    ("/api/interpolate", {"start": A, "end": B, "steps": 2}, True),
    ("/api/variations", {"latent_vector": A, "n": 2, "seed": 1}, True),
    ("/api/walk", {"start": A, "steps": 2, "seed": 1}, True)]


def frames(client, url):
    r = client.get(url)
    assert r.status_code == 200, r.text
    return sf.info(io.BytesIO(r.content)).frames


@pytest.mark.parametrize("endpoint,body,listed", KICK_ENDPOINTS)
@pytest.mark.parametrize("length_s", [0.1, 1.5])
def test_the_wav_is_the_requested_length(client, endpoint, body, listed, length_s):
    r = client.post(endpoint, json={**body, "length_s": length_s})
    assert r.status_code == 200, r.text
    items = r.json()["items"] if listed else [r.json()]
    for item in items:
        assert frames(client, item["wavUrl"]) == round(length_s * SR)
        assert client.get(item["metadataUrl"]).json()["length_s"] == length_s
    window = client.post(endpoint, json=body).json()
    window = window["items"][0] if listed else window
    assert window["wavUrl"] != items[0]["wavUrl"] and "length_s" not in client.get(window["metadataUrl"]).json()


def test_length_and_fx_together(client):
    item = client.post("/api/random", json={"seed": 5, "length_s": 1.2, "fx": {"preset": "punchy", "tune_note": "F"}}).json()
    assert frames(client, item["wavUrl"]) == round(1.2 * SR)


@pytest.mark.parametrize("endpoint,body,listed", KICK_ENDPOINTS + [("/api/pack", {"n": 8, "seed": 1}, False)])
@pytest.mark.parametrize("length_s,message", [(0.05, "greater than or equal to 0.1"), (2.5, "less than or equal to 2"),
                                              ("1.0", "valid number"), (True, "valid number")])
def test_out_of_range_is_422_naming_length_s(client, endpoint, body, listed, length_s, message):
    r = client.post(endpoint, json={**body, "length_s": length_s})
    assert r.status_code == 422, r.text
    error = r.json()["detail"][0]
    assert "length_s" in error["loc"] and message in error["msg"], error


def test_pack_kicks_are_the_requested_length(client):
    r = client.post("/api/pack", json={"n": 8, "seed": 2, "length_s": 0.9, "delivery": "zip"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        wavs = [n for n in z.namelist() if n.endswith(".wav")]
        assert len(wavs) == 8
        for name in wavs: assert sf.info(io.BytesIO(z.read(name))).frames == round(0.9 * SR)
    info = client.post("/api/pack", json={"n": 8, "seed": 2, "length_s": 0.9}).json()["info"]
    assert (info["length_s"], info["n_samples"]) == (0.9, round(0.9 * SR))


def test_model_info_gives_the_range(client):
    assert client.get("/api/model").json()["length_range_s"] == list(LENGTH_RANGE_S)
