"Kicks as files: GET /api/kick/{name}?recall= (formats, trim, names), POST /api/favourites (a pack-format zip), uploads that help, /docs offline."
import io, json, zipfile

import numpy as np
import soundfile as sf

from kick_nbdev.deliver import recall_token
from kick_nbdev.storage import encode_audio, read_recall
from kick_nbdev.synth import synth_kicks
from kick_nbdev.core import N_SAMPLES


def made(client, **body):
    "A random kick as the API answers it, and its sidecar (its recall data)."
    item = client.post("/api/random", json=body).json()
    return item, client.get(item["metadataUrl"]).json()


def test_a_kick_from_its_recall_data_under_its_name_in_any_format(client):
    item, sidecar = made(client, seed=123)
    token = recall_token(sidecar)
    r = client.get(f"/api/kick/{item['fileName']}", params={"recall": token})
    assert r.status_code == 200 and r.headers["content-type"] == "audio/wav"
    assert r.headers["content-disposition"] == f'attachment; filename="{item["fileName"]}"'
    assert "immutable" in r.headers["cache-control"]
    assert r.content == client.get(item["wavUrl"]).content                    # the very file the API stored
    flac = client.get("/api/kick/my big kick.flac", params={"recall": token, "bit_depth": 24, "trim": True})
    info = sf.info(io.BytesIO(flac.content))
    assert (info.format, info.subtype) == ("FLAC", "PCM_24") and info.frames < N_SAMPLES     # the pre-roll is gone
    assert read_recall(flac.content)["trimmed_samples"] == N_SAMPLES - info.frames
    assert flac.headers["content-disposition"] == 'attachment; filename="my big kick.flac"'


def test_bad_kick_links_are_422_naming_what_is_wrong(client):
    _, sidecar = made(client, seed=5)
    token = recall_token(sidecar)
    assert client.get("/api/kick/kick.mp3", params={"recall": token}).status_code == 422           # not a format we write
    r = client.get('/api/kick/a"b.wav', params={"recall": token})
    assert r.status_code == 422 and "not a file name" in r.json()["detail"]
    r = client.get("/api/kick/k.wav", params={"recall": "!!!"})
    assert r.status_code == 422 and "URL-safe base64 JSON" in r.json()["detail"]
    r = client.get("/api/kick/k.wav", params={"recall": recall_token({"latent": [0.0] * 3})})
    assert r.status_code == 422 and "values" in r.json()["detail"]


def test_favourites_export_as_a_pack_format_zip(client):
    (a, sa), (_, sb) = made(client, seed=1), made(client, seed=2, category="808")
    r = client.post("/api/favourites", json={"kicks": [{"name": a["fileName"], "recall": sa},
                                                      {"name": "Big one", "recall": sb}]})
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    assert archive.namelist() == [f"kick_favourites/{a['fileName']}", "kick_favourites/Big one.wav",
                                  "kick_favourites/manifest.csv", "kick_favourites/manifest.json"]
    manifest = json.loads(archive.read("kick_favourites/manifest.json"))
    assert [k["seed"] for k in manifest["kicks"]] == [1, 2] and manifest["kicks"][1]["category"] == "808"
    assert client.post("/api/favourites", json={"kicks": []}).status_code == 422
    r = client.post("/api/favourites", json={"kicks": [{"name": "x", "recall": {"latent": [1.0]}}]})
    assert r.status_code == 422 and r.json()["detail"].startswith("favourite 1 (x): ")


def test_uploads_mp3_and_flag_what_is_not_a_kick(client):
    as_mp3 = io.BytesIO(); sf.write(as_mp3, synth_kicks(1, seed=4)[0][0] * 0.5, 44100, format="MP3")
    r = client.post("/api/encode", files={"file": ("my kick.mp3", as_mp3.getvalue(), "audio/mpeg")})
    body = r.json()
    assert r.status_code == 200 and body["kick_like"] is True and body["warning"] is None
    assert 30 < body["pitch_hz"] < 200 and body["note"][0] in "ABCDEFG"
    t = np.arange(N_SAMPLES) / 44100
    burst = (np.random.default_rng(0).standard_normal(t.size) * np.exp(-t / 0.15) * 0.5).astype(np.float32)
    body = client.post("/api/encode", files={"file": ("burst.wav", encode_audio(burst, 44100), "audio/wav")}).json()
    assert body["kick_like"] is False and body["pitch_hz"] is None and body["note"] is None
    assert body["warning"].startswith("burst.wav does not sound like a kick") and len(body["latent_vector"]) == 8


def test_docs_are_served_from_the_package(client):
    page = client.get("/docs").text
    assert "cdn.jsdelivr.net" not in page and "/docs-static/swagger-ui-bundle.js" in page
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        r = client.get(f"/docs-static/{asset}", headers={"Accept-Encoding": "gzip"})
        assert r.status_code == 200 and r.headers["content-encoding"] == "gzip" and "max-age" in r.headers["cache-control"]
