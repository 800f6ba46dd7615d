"The REST API through FastAPI's TestClient (lifespan running) on a tiny real model: every endpoint, every bad input."
import io, json, re

import numpy as np
import pytest
import soundfile as sf
import soxr
from fastapi.testclient import TestClient

import api
from kick_nbdev.fx import FX_BOUNDS, FX_PRESETS, apply_fx, hz_to_note, ringing_pitch_hz
from kick_nbdev.model import DEFAULT_CHECKPOINT, load_model
from kick_nbdev.service import fx_recall
from kick_nbdev.storage import encode_audio, read_recall
from kick_nbdev.core import N_SAMPLES

D = 8  # latent size of ModelConfig.tiny()
A = [0.5, -0.25, 1.0, 0.0, -1.5, 0.75, 0.125, -0.5]
B = [-1.0, 0.5, 0.25, 1.25, 0.5, -0.75, 1.5, 0.0]


def download(client, url):
    r = client.get(url)
    assert r.status_code == 200, r.text
    return r


def read_wav(data):
    info = sf.info(io.BytesIO(data))
    audio, sr = sf.read(io.BytesIO(data), dtype="float32")
    return info, audio


def check_kick(client, item, fmt="wav", subtype="PCM_16"):
    "An item of a response: well-formed, and its URLs serve a valid 44.1 kHz kick and its sidecar (with its FX settings)."
    assert set(item) == {"wavUrl", "latent_used", "request_id", "seed", "metadataUrl", "fx", "fileName"}
    assert item["wavUrl"].startswith("http://testserver/api/audio/kick_") and item["wavUrl"].endswith("." + fmt)
    assert re.fullmatch(r"gen_[0-9a-f]{12}(_\d\d)?", item["request_id"])
    r = download(client, item["wavUrl"])
    assert r.headers["content-type"] == f"audio/{fmt}"
    info, audio = read_wav(r.content)
    assert (info.samplerate, info.channels, info.frames, info.subtype) == (44100, 1, N_SAMPLES, subtype)
    assert info.format == fmt.upper()
    assert np.abs(audio).max() <= 1.0 and np.abs(audio).max() > 0.5  # peak at -1 dBFS
    recall = read_recall(r.content)
    assert recall["latent"] == item["latent_used"] and recall["seed"] == item["seed"]
    sidecar = download(client, item["metadataUrl"]).json()
    assert sidecar["latent"] == item["latent_used"] and sidecar["model_version"] == "untrained-hybrid"
    # a readable name (note, seed; edits a suffix), under which wavUrl sends the file
    assert item["fileName"] == sidecar["download_name"] and item["fileName"].endswith("." + fmt)
    assert re.fullmatch(r'inline; filename="kick_[A-Za-z0-9_-]+\.(wav|flac)"', r.headers["content-disposition"])
    assert r.headers["content-disposition"] == f'inline; filename="{item["fileName"]}"'
    assert sidecar.get("fx") == recall.get("fx") == item["fx"]   # no "fx" key at all when the chain was off
    return r.content


# ------------------------------------------------------------------------------------------------ endpoints
def test_health_model_docs_and_landing_page(client):
    assert client.get("/api/health").json() | {"version": None} == {
        "status": "ok", "model_loaded": True, "model_version": "untrained-hybrid", "storage": "local", "storage_ok": True,
        "detail": None, "version": None}
    info = client.get("/api/model").json()
    assert (info["sample_rate"], info["n_samples"], info["latent_dim"], info["decoder"]) == (44100, N_SAMPLES, D, "hybrid")
    assert info["slider_low"] == [-3.0] * D and info["slider_high"] == [3.0] * D  # untrained: mean 0, std 1
    assert (info["latent_bound"], info["formats"], info["bit_depths"], info["max_batch"]) == (10.0, ["wav", "flac"], [16, 24], 64)
    assert client.get("/docs").status_code == 200
    page = client.get("/")  # the dashboard (dashboard.py), mounted by create_app
    assert page.status_code == 200 and "<title>kick_nbdev" in page.text and "bokeh" in page.text.lower()


def test_openapi_documents_every_endpoint_with_examples(client):
    spec = client.get("/openapi.json").json()
    paths = {p: set(ops) for p, ops in spec["paths"].items()}
    for path in ["/api/generate", "/api/random", "/api/interpolate", "/api/variations", "/api/walk", "/api/encode"]:
        assert "post" in paths[path], path
    for path in ["/api/audio/{file}", "/api/fx", "/api/model", "/api/health"]: assert "get" in paths[path], path
    schemas = spec["components"]["schemas"]
    for name in ["KickGenerationRequest", "RandomRequest", "InterpolateRequest", "VariationsRequest", "WalkRequest",
                 "KickGenerationResponse", "KickListResponse", "EncodeResponse", "ModelResponse", "FxResponse", "HealthResponse"]:
        assert schemas[name].get("examples"), name
    fx = schemas["FxRequest"]["properties"]
    assert set(fx) == {"preset", "tune_note", *FX_BOUNDS}
    for name, (low, high) in FX_BOUNDS.items():                   # every setting: its bounds, unit and meaning
        number = fx[name]["anyOf"][0] if "anyOf" in fx[name] else fx[name]
        assert (number["minimum"], number["maximum"]) == (low, high), name
        assert fx[name]["unit"] in ("dB", "Hz", "ms", "ratio") and f"Range {low:g} .. {high:g}" in fx[name]["description"]
    for request in ["KickGenerationRequest", "RandomRequest", "InterpolateRequest", "VariationsRequest", "WalkRequest"]:
        assert "fx" in schemas[request]["properties"], request


def test_random_is_seeded_stored_and_recallable(client, api_env):
    first = client.post("/api/random", json={"format": "wav", "seed": 123}).json()
    wav = check_kick(client, first)
    assert first["seed"] == 123
    assert first["latent_used"] == [float(str(v)) for v in np.random.default_rng(123).standard_normal(D).astype(np.float32)]
    again = client.post("/api/random", json={"seed": 123}).json()
    assert again["wavUrl"] == first["wavUrl"] and again["request_id"] != first["request_id"]
    assert download(client, again["wavUrl"]).content == wav  # byte-identical
    stored = api_env / first["wavUrl"].rsplit("/", 1)[1]
    assert stored.read_bytes() == wav and stored.with_suffix(".json").is_file()


def test_random_without_seed_or_body_invents_a_seed(client):
    kicks = [client.post("/api/random").json(), client.post("/api/random", json={}).json()]
    for k in kicks: assert isinstance(k["seed"], int)
    assert kicks[0]["seed"] != kicks[1]["seed"] and kicks[0]["wavUrl"] != kicks[1]["wavUrl"]
    replay = client.post("/api/random", json={"seed": kicks[0]["seed"]}).json()
    assert replay["latent_used"] == kicks[0]["latent_used"]


def test_generate_formats_and_determinism(client):
    r = client.post("/api/generate", json={"latent_vector": A, "format": "wav"})
    assert r.status_code == 200
    item = r.json()
    assert item["latent_used"] == A and item["seed"] is None
    wav16 = check_kick(client, item)
    assert client.post("/api/generate", json={"latent_vector": A}).json()["wavUrl"] == item["wavUrl"]
    wav24 = check_kick(client, client.post("/api/generate", json={"latent_vector": A, "bit_depth": 24}).json(), subtype="PCM_24")
    flac = check_kick(client, client.post("/api/generate", json={"latent_vector": A, "format": "flac"}).json(), fmt="flac")
    flac24 = client.post("/api/generate", json={"latent_vector": A, "format": "flac", "bit_depth": 24}).json()
    check_kick(client, flac24, fmt="flac", subtype="PCM_24")
    a16, a24, af = (read_wav(x)[1] for x in (wav16, wav24, flac))
    np.testing.assert_array_equal(a16, af)             # FLAC is lossless
    np.testing.assert_allclose(a16, a24, atol=2 / 32767)


def test_generate_reproduces_a_random_kick(client):
    rand = client.post("/api/random", json={"seed": 7}).json()
    gen = client.post("/api/generate", json={"latent_vector": rand["latent_used"]}).json()
    a = read_wav(download(client, rand["wavUrl"]).content)[1]
    b = read_wav(download(client, gen["wavUrl"]).content)[1]
    np.testing.assert_array_equal(a, b)  # same samples (the files differ only by the seed in their metadata)


@pytest.mark.parametrize("mode", ["linear", "slerp"])
def test_interpolate(client, mode):
    body = {"start": A, "end": B, "steps": 8, "format": "wav", "mode": mode}
    out = client.post("/api/interpolate", json=body).json()
    assert set(out) == {"items", "request_id", "seed"} and len(out["items"]) == 8
    latents = np.array([it["latent_used"] for it in out["items"]])
    assert latents[0].tolist() == A and latents[-1].tolist() == B  # endpoints exactly
    if mode == "linear": np.testing.assert_allclose(latents[3], np.float32(A) + (np.float32(B) - np.float32(A)) * 3 / 7, atol=1e-6)
    else: np.testing.assert_allclose(np.linalg.norm(latents, axis=1), np.linspace(np.linalg.norm(A), np.linalg.norm(B), 8), rtol=1e-5)
    assert [it["request_id"] for it in out["items"]] == [f"{out['request_id']}_{i:02d}" for i in range(8)]
    for it in out["items"][::3]: check_kick(client, it)
    again = client.post("/api/interpolate", json=body).json()
    assert [it["wavUrl"] for it in again["items"]] == [it["wavUrl"] for it in out["items"]]
    assert len(client.post("/api/interpolate", json={"start": A, "end": B}).json()["items"]) == 8  # the seed's default
    assert len(client.post("/api/interpolate", json={**body, "steps": 2}).json()["items"]) == 2
    assert len(client.post("/api/interpolate", json={**body, "steps": 64}).json()["items"]) == 64


def test_variations(client):
    out = client.post("/api/variations", json={"latent_vector": A, "n": 5, "intensity": 0.4, "seed": 9}).json()
    assert len(out["items"]) == 5 and out["seed"] == 9
    z = np.array([it["latent_used"] for it in out["items"]])
    np.testing.assert_allclose(np.linalg.norm(z - np.float32(A), axis=1), 0.4 * np.sqrt(D), rtol=1e-4)  # untrained: std 1
    assert client.post("/api/variations", json={"latent_vector": A, "n": 5, "intensity": 0.4, "seed": 9}).json()["items"][4]["latent_used"] == out["items"][4]["latent_used"]
    same = client.post("/api/variations", json={"latent_vector": A, "n": 2, "intensity": 0.0}).json()
    assert [it["latent_used"] for it in same["items"]] == [A, A] and isinstance(same["seed"], int)
    check_kick(client, out["items"][0])


def test_walk(client):
    out = client.post("/api/walk", json={"start": A, "steps": 12, "step_size": 0.1, "seed": 3}).json()
    z = np.array([it["latent_used"] for it in out["items"]])
    assert z.shape == (12, D) and out["seed"] == 3
    assert np.all(np.abs(z) <= 3.0 + 1e-6)  # inside the slider ranges (mean 0 ± 3 std 1)
    np.testing.assert_allclose(z[0], A, atol=1e-6)
    steps = np.linalg.norm(np.diff(z, axis=0) / 6.0, axis=1)
    assert np.all(steps <= 0.1 + 1e-5) and np.all(steps > 0.02)
    assert client.post("/api/walk", json={"start": A, "steps": 12, "step_size": 0.1, "seed": 3}).json()["items"][-1]["latent_used"] == out["items"][-1]["latent_used"]
    check_kick(client, out["items"][-1])


def test_encode_an_upload_then_generate_it(client, kick_wav_bytes, kick_audio):
    r = client.post("/api/encode", files={"file": ("my kick.wav", kick_wav_bytes, "audio/wav")})
    assert r.status_code == 200, r.text
    z = r.json()["latent_vector"]
    assert len(z) == D and all(np.isfinite(z))
    # the same kick resampled to 48 kHz at -7 dBFS in a 24-bit WAV, and as a 44.1 kHz FLAC, encode nearly alike
    encode = lambda data, name: np.array(client.post("/api/encode", files={"file": (name, data, "audio/*")}).json()["latent_vector"])
    z_wav48 = encode(encode_audio(0.45 * soxr.resample(kick_audio, 44100, 48000, quality="VHQ"), 48000, "wav", 24), "kick48.wav")
    z_flac = encode(encode_audio(kick_audio, 44100, "flac"), "kick.flac")
    np.testing.assert_allclose(z_wav48, z_flac, atol=0.05)
    # kick_wav_bytes holds the same samples labelled 48 kHz: a kick 1.5 semitones lower and 9 % longer, another latent
    assert np.linalg.norm(z_wav48 - z_flac) < 0.25 * np.linalg.norm(np.array(z) - z_flac)
    assert client.post("/api/generate", json={"latent_vector": z}).status_code == 200


def test_audio_endpoint_serves_only_issued_names(client):
    item = client.post("/api/random", json={"seed": 1}).json()
    name = item["wavUrl"].rsplit("/", 1)[1]
    r = client.get(f"/api/audio/{name}")
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert client.get(f"/api/audio/{name[:-4]}.json").headers["content-type"] == "application/json"
    never = "kick_" + "0" * 32 + ".wav"
    assert client.get(f"/api/audio/{never}").status_code == 404
    for bad in ["..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "kick_abc.wav", name.upper(), name + ".py", "x" * 300,
                "..", "%2E%2E", name.replace(".wav", ".exe"), "kick_" + "0" * 32 + ".WAV"]:
        r = client.get(f"/api/audio/{bad}")
        assert r.status_code == 404, (bad, r.status_code)
    assert "not a file name this API issued" in client.get("/api/audio/kick_abc.wav").json()["detail"]


def test_concurrent_requests_are_consistent(client):
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(8) as pool:
        out = list(pool.map(lambda s: client.post("/api/random", json={"seed": s % 3}).json(), range(24)))
    by_seed = {}
    for o in out: by_seed.setdefault(o["seed"], set()).add(o["wavUrl"])
    assert {s: len(u) for s, u in by_seed.items()} == {0: 1, 1: 1, 2: 1}


# ------------------------------------------------------------------------------------------------------- FX
def test_fx_catalog(client):
    catalog = client.get("/api/fx").json()
    assert {k: (v["low"], v["high"]) for k, v in catalog["settings"].items()} == {k: tuple(v) for k, v in FX_BOUNDS.items()}
    assert catalog["settings"]["drive_db"]["unit"] == "dB" and catalog["settings"]["decay_ms"]["nullable"]
    assert catalog["presets"] == {name: fx_recall(s) for name, s in FX_PRESETS.items()}
    assert catalog["tune_note"]["notes"][0] == "C0" and "F1" in catalog["tune_note"]["notes"]


def test_fx_is_applied_recorded_and_names_the_file(client, api_env, tiny_model_path):
    dry = client.post("/api/random", json={"seed": 5}).json()
    wet = client.post("/api/random", json={"seed": 5, "fx": {"preset": "punchy"}}).json()
    assert dry["fx"] is None and wet["fx"] == fx_recall(FX_PRESETS["punchy"])
    assert wet["latent_used"] == dry["latent_used"] and wet["wavUrl"] != dry["wavUrl"]  # same kick, other FX: other file
    wav = check_kick(client, wet)                                                         # sidecar and metadata carry fx
    assert "fx" not in download(client, dry["metadataUrl"]).json()
    again = client.post("/api/random", json={"seed": 5, "fx": {"preset": "punchy"}}).json()
    assert again["wavUrl"] == wet["wavUrl"] and download(client, again["wavUrl"]).content == wav  # same request, same file
    spelt_out = {k: v for k, v in fx_recall(FX_PRESETS["punchy"]).items() if v is not None}
    assert client.post("/api/random", json={"seed": 5, "fx": spelt_out}).json()["wavUrl"] == wet["wavUrl"]
    for off in [None, {}, {"drive_db": 0, "tune_note": None}]:                           # a chain that is off: the dry file
        assert client.post("/api/random", json={"seed": 5, "fx": off}).json()["wavUrl"] == dry["wavUrl"], off
    expected = apply_fx(load_model(tiny_model_path).decode(dry["latent_used"]), FX_PRESETS["punchy"])[0]
    np.testing.assert_allclose(read_wav(wav)[1], expected, atol=1.5 / 32767)              # decode, then the chain


def test_fx_preset_fields_override_it(client):
    item = client.post("/api/generate", json={"latent_vector": A, "fx": {"preset": "distorted", "drive_db": 6,
                                                                        "high_cut_hz": None, "tune_note": "F"}}).json()
    distorted = fx_recall(FX_PRESETS["distorted"])
    assert item["fx"] == {**distorted, "drive_db": 6.0, "high_cut_hz": None, "tune_note": "F"}
    assert item["fx"]["comp_ratio"] == distorted["comp_ratio"] == 6.0                     # the rest is the preset's
    check_kick(client, item)


def test_fx_tune_note_puts_the_kick_on_the_note(client):
    item = client.post("/api/generate", json={"latent_vector": A, "fx": {"tune_note": "F1"}}).json()
    note, cents = hz_to_note(ringing_pitch_hz(read_wav(download(client, item["wavUrl"]).content)[1]))
    assert note == "F1" and abs(cents) < 10, (note, cents)
    r = client.post("/api/generate", json={"latent_vector": A, "fx": {"tune_note": "B3"}})   # 2 octaves above this kick
    assert r.status_code == 422 and "tune_note" in r.json()["detail"] and "semitones" in r.json()["detail"]


@pytest.mark.parametrize("endpoint,body", [("/api/interpolate", {"start": A, "end": B, "steps": 3}),
                                           ("/api/variations", {"latent_vector": A, "n": 3, "seed": 1}),
                                           ("/api/walk", {"start": A, "steps": 3, "seed": 1})])
def test_fx_on_every_batch_endpoint(client, endpoint, body):
    dry = client.post(endpoint, json=body).json()["items"]
    wet = client.post(endpoint, json={**body, "fx": {"preset": "short"}}).json()["items"]
    assert [i["latent_used"] for i in wet] == [i["latent_used"] for i in dry]
    assert all(w["fx"] == fx_recall(FX_PRESETS["short"]) and w["wavUrl"] != d["wavUrl"] for w, d in zip(wet, dry))
    check_kick(client, wet[-1])
    assert client.post(endpoint, json={**body, "fx": {"decay_ms": 5}}).status_code == 422


BAD_FX = [  # (fx, the field the message must name, what it must say)
    ({"drive_db": 49}, "drive_db", "less than or equal to 48"), ({"drive_db": -1}, "drive_db", "greater than or equal to 0"),
    ({"comp_ratio": 0.5}, "comp_ratio", "greater than or equal to 1"), ({"high_cut_hz": 100}, "high_cut_hz", "greater than or equal to 200"),
    ({"decay_ms": 1000}, "decay_ms", "less than or equal to 400"), ({"comp_threshold_db": 3}, "comp_threshold_db", "less than or equal to 0"),
    ({"drive_db": "6"}, "drive_db", "valid number"), ({"sub_mix": True}, "sub_mix", "valid number"),
    ({"low_shelf_db": None}, "low_shelf_db", "valid number"),
    ({"drive": 6}, "drive", "Extra inputs are not permitted"), ({"preset": "loud"}, "preset", "'punchy', 'warm'"),
    ({"tune_note": "H2"}, "tune_note", "tune_note must be"), ({"tune_note": "C9"}, "tune_note", "tune_note must be"),
    ({"tune_note": 100}, "tune_note", "tune_note must be"), ({"tune_note": 1.5}, "tune_note", "valid string"),
    ({"attack_db": -18, "sustain_db": 18}, "sustain_db", "sustain_db - attack_db must be at most 18"),
]


@pytest.mark.parametrize("fx,field,message", BAD_FX)
def test_bad_fx_is_422_naming_the_field(client, fx, field, message):
    r = client.post("/api/random", json={"seed": 1, "fx": fx})
    assert r.status_code == 422, r.text
    error = r.json()["detail"][0]
    assert message in error["msg"] and (field in error["msg"] or field in error["loc"]), error


def test_fx_must_be_an_object(client):
    r = client.post("/api/generate", json={"latent_vector": A, "fx": "punchy"})
    assert r.status_code == 422 and "valid dictionary" in r.text


# ------------------------------------------------------------------------------------------------ bad input
LATENT_ENDPOINTS = [("/api/generate", "latent_vector", {}), ("/api/interpolate", "start", {"end": A}),
                    ("/api/interpolate", "end", {"start": A}), ("/api/variations", "latent_vector", {}),
                    ("/api/walk", "start", {})]
BAD_LATENTS = {
    "too short": ([0.1] * (D - 1), "exactly 8 values"), "too long": ([0.1] * (D + 1), "exactly 8 values"),
    "empty": ([], "at least 1 item"), "a string": (["a"] + [0.1] * (D - 1), "valid number"),
    "a numeric string": (["0.5"] + [0.1] * (D - 1), "valid number"), "a boolean": ([True] + [0.1] * (D - 1), "valid number"),
    "null": ([None] + [0.1] * (D - 1), "valid number"), "not a list": ("0.1, 0.2", "valid list"),
    "nested": ([[0.1]] * D, "valid number"), "above the bound": ([10.5] + [0.1] * (D - 1), "less than or equal to 10"),
    "below the bound": ([0.1] * (D - 1) + [-11], "greater than or equal to -10"),
}


@pytest.mark.parametrize("endpoint,field,extra", LATENT_ENDPOINTS)
@pytest.mark.parametrize("case", list(BAD_LATENTS))
def test_bad_latents_are_422_with_a_message(client, endpoint, field, extra, case):
    value, message = BAD_LATENTS[case]
    r = client.post(endpoint, json={**extra, field: value})
    assert r.status_code == 422, r.text
    assert message in r.text
    if "exactly" not in message: assert field in json.dumps(r.json()["detail"][0]["loc"])  # says where


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_inf_are_422(client, literal):
    body = '{"latent_vector": [%s, 0, 0, 0, 0, 0, 0, 0]}' % literal
    r = client.post("/api/generate", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422 and "finite number" in r.text


def test_the_bound_itself_is_accepted(client):
    assert client.post("/api/generate", json={"latent_vector": [10, -10, 10.0, -10.0, 0, 0, 0, 0]}).status_code == 200


BAD_BODIES = [
    ("/api/generate", {"latent_vector": A, "format": "mp3"}, "'wav' or 'flac'"),
    ("/api/generate", {"latent_vector": A, "format": "WAV"}, "'wav' or 'flac'"),
    ("/api/generate", {"latent_vector": A, "bit_depth": 8}, "16 or 24"),
    ("/api/generate", {"latent_vector": A, "bit_depth": "16"}, "16 or 24"),
    ("/api/generate", {"lantent_vector": A}, "Extra inputs are not permitted"),
    ("/api/generate", {}, "Field required"),
    ("/api/random", {"seed": -1}, "greater than or equal to 0"),
    ("/api/random", {"seed": 2**32}, "less than or equal to 4294967295"),
    ("/api/random", {"seed": 1.5}, "valid integer"),
    ("/api/random", {"seed": "123"}, "valid integer"),
    ("/api/random", {"format": "ogg"}, "'wav' or 'flac'"),
    ("/api/interpolate", {"start": A, "end": B, "steps": 1}, "greater than or equal to 2"),
    ("/api/interpolate", {"start": A, "end": B, "steps": 65}, "less than or equal to 64"),
    ("/api/interpolate", {"start": A, "end": B, "steps": 2.5}, "valid integer"),
    ("/api/interpolate", {"start": A, "end": B, "steps": "8"}, "valid integer"),
    ("/api/interpolate", {"start": A, "end": B, "mode": "cubic"}, "'linear' or 'slerp'"),
    ("/api/interpolate", {"start": A}, "Field required"),
    ("/api/variations", {"latent_vector": A, "n": 0}, "greater than or equal to 1"),
    ("/api/variations", {"latent_vector": A, "n": 65}, "less than or equal to 64"),
    ("/api/variations", {"latent_vector": A, "intensity": 1.5}, "less than or equal to 1"),
    ("/api/variations", {"latent_vector": A, "intensity": -0.1}, "greater than or equal to 0"),
    ("/api/walk", {"start": A, "steps": 1}, "greater than or equal to 2"),
    ("/api/walk", {"start": A, "steps": 65}, "less than or equal to 64"),
    ("/api/walk", {"start": A, "step_size": 0}, "greater than 0"),
    ("/api/walk", {"start": A, "step_size": 0.6}, "less than or equal to 0.5"),
]


@pytest.mark.parametrize("endpoint,body,message", BAD_BODIES)
def test_bad_fields_are_422_with_a_message(client, endpoint, body, message):
    r = client.post(endpoint, json=body)
    assert r.status_code == 422, r.text
    assert message in r.text


@pytest.mark.parametrize("endpoint", ["/api/generate", "/api/random", "/api/interpolate", "/api/walk"])
@pytest.mark.parametrize("body", [b"{bad json", b'{"latent_vector": [0.1, 0.2', b"[1, 2, 3]", b'"text"'])
def test_malformed_json_is_422(client, endpoint, body):
    r = client.post(endpoint, content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text


def test_oversized_bodies_are_413(client):
    big = json.dumps({"latent_vector": A, "pad": "x" * 70_000})
    r = client.post("/api/generate", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "at most 65536 bytes" in r.json()["detail"]
    chunks = (b" " * 8192 for _ in range(10))  # streamed without a Content-Length
    r = client.post("/api/interpolate", content=chunks, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "at most 65536 bytes" in r.json()["detail"]


def test_bad_uploads(client, kick_audio):
    post = lambda name, data, mime="audio/wav": client.post("/api/encode", files={"file": (name, data, mime)})
    r = post("notes.txt", b"these are not the samples you are looking for", "text/plain")
    assert r.status_code == 415 and r.json()["detail"].startswith("notes.txt: ")    # in a producer's words, naming the file
    assert "upload a WAV, AIFF, FLAC, OGG or MP3 of one kick" in r.json()["detail"]
    r = post("fake.wav", b"RIFF\x10\x00\x00\x00WAVEjunk" * 10)
    assert r.status_code == 415 and "fake.wav" in r.json()["detail"]
    assert "/tmp" not in r.text and "kick_upload_" not in r.text  # no server paths
    r = post("empty.wav", b"")
    assert r.status_code == 422 and "empty" in r.json()["detail"]
    r = post("silence.wav", encode_audio(np.zeros(44100, np.float32), 44100))
    assert r.status_code == 422 and "silent" in r.json()["detail"]
    r = post("huge.wav", encode_audio(np.tile(kick_audio, 20), 44100) + b"\0" * (10 * 1024 * 1024))
    assert r.status_code == 413 and "at most 10551296 bytes" in r.json()["detail"]  # refused before it is read
    r = post("just_over.wav", b"\0" * (10 * 1024 * 1024 + 1))
    assert r.status_code == 413 and "at most 10 MB), not a loop or a song" in r.json()["detail"]
    assert client.post("/api/encode", json={"file": "x"}).status_code == 422      # not multipart
    assert client.post("/api/encode", files={"other": ("a.wav", b"x")}).status_code == 422  # no `file` field


# --------------------------------------------------------------------------------------- failure of a dependency
def test_storage_unavailable_is_503(monkeypatch, api_env, tmp_path):
    blocker = tmp_path / "not_a_dir"
    blocker.write_bytes(b"")
    monkeypatch.setenv("KICK_STORAGE_DIR", str(blocker / "generated"))  # a file where a directory should be
    with TestClient(api.create_app()) as c:
        r = c.post("/api/random", json={"seed": 5})
        assert r.status_code == 503 and r.json()["detail"] == "storage unavailable, try again later"   # no path
        assert str(tmp_path) not in c.get("/api/health").text
        assert c.post("/api/interpolate", json={"start": A, "end": B}).status_code == 503
        health = c.get("/api/health").json()
        assert (health["status"], health["model_loaded"], health["storage_ok"]) == ("degraded", True, False)


def test_missing_model_is_503_not_a_crash(monkeypatch, api_env, tmp_path):
    monkeypatch.setenv("KICK_MODEL_PATH", str(tmp_path / "no_such_model.pt"))
    with TestClient(api.create_app()) as c:
        health = c.get("/api/health").json()
        assert (health["status"], health["model_loaded"]) == ("degraded", False) and "failed to load" in health["detail"]
        assert "no_such_model" not in c.get("/api/health").text   # the checkpoint path stays in the server log
        r = c.post("/api/random", json={"seed": 1})
        assert r.status_code == 503 and "model not loaded" in r.json()["detail"]
        assert c.get("/api/model").status_code == 503


def test_cors_origins_from_the_environment(monkeypatch, api_env):
    preflight = {"Origin": "https://daw.example", "Access-Control-Request-Method": "POST"}
    with TestClient(api.create_app()) as c:
        assert "access-control-allow-origin" not in c.options("/api/random", headers=preflight).headers
    monkeypatch.setenv("KICK_CORS_ORIGINS", "https://daw.example, https://other.example")
    with TestClient(api.create_app()) as c:
        r = c.options("/api/random", headers=preflight)
        assert r.headers["access-control-allow-origin"] == "https://daw.example"
        r = c.post("/api/random", json={"seed": 1}, headers={"Origin": "https://evil.example"})
        assert r.status_code == 403 and "access-control-allow-origin" not in r.headers
        assert c.post("/api/random", json={"seed": 1}, headers={"Origin": "https://daw.example"}).status_code == 200


# --------------------------------------------------------------------------------------------- the shipped model
@pytest.mark.skipif(not DEFAULT_CHECKPOINT.is_file(), reason="the shipped checkpoint has not been built yet")
def test_the_shipped_model_serves(monkeypatch, api_env):
    monkeypatch.delenv("KICK_MODEL_PATH")
    shipped = load_model()
    with TestClient(api.create_app()) as c:
        info = c.get("/api/model").json()
        assert (info["model_version"], info["latent_dim"]) == (shipped.version, shipped.latent_dim)
        assert info["corpus_size"] == len(shipped.corpus_latents) > 0
        item = c.post("/api/random", json={"seed": 42}).json()
        audio = sf.read(io.BytesIO(c.get(item["wavUrl"]).content), dtype="float32")[0]
        np.testing.assert_allclose(audio, shipped.decode(item["latent_used"])[0], atol=1.5 / 32767)
