"The named controls over HTTP: categories and blends, shape attributes, style transfer (tiny model, controls fitted once)."
import io, json, os, zipfile

import numpy as np
import pytest
import soundfile as sf

from kick_nbdev.recipe import latent_recipe
from kick_nbdev.shape import SHAPE_ATTRIBUTES, producer_features


def sidecar(client, item:dict)->dict:
    "The sidecar JSON of a response item."
    response = client.get(item["metadataUrl"])
    assert response.status_code == 200
    return json.loads(response.content)


def detail(response)->str:
    "The error body as one string (FastAPI's 422 lists errors; our own errors are a message)."
    return json.dumps(response.json()["detail"])


def test_random_in_a_category_is_reproducible_and_recorded(client):
    first = client.post("/api/random", json={"seed": 5, "category": "808"})
    assert first.status_code == 200, first.text
    again = client.post("/api/random", json={"seed": 5, "category": "808"}).json()
    plain = client.post("/api/random", json={"seed": 5}).json()
    assert again["wavUrl"] == first.json()["wavUrl"] and again["seed"] == 5
    assert plain["latent_used"] != again["latent_used"]          # a category is another prior
    assert sidecar(client, again)["category"] == {"808": 1.0}


def test_blend_weights_are_normalised(client):
    a = client.post("/api/random", json={"seed": 9, "category_weights": {"808": 0.7, "distorted": 0.3}}).json()
    b = client.post("/api/random", json={"seed": 9, "category_weights": {"808": 7, "distorted": 3}}).json()
    assert a["wavUrl"] == b["wavUrl"]
    assert sidecar(client, a)["category"] == {"808": 0.7, "distorted": 0.3}


def test_attributes_move_the_latent_as_the_measured_move_says(client):
    start = client.post("/api/random", json={"seed": 3}).json()["latent_used"]
    response = client.post("/api/generate", json={"latent_vector": start, "attributes": {"sub": 0.5, "pitch": -1.0}})
    assert response.status_code == 200, response.text
    service = client.app.state.service
    moved = service.shaped_recipe(latent_recipe(service.model, start), {"pitch": -1.0, "sub": 0.5}).latent
    np.testing.assert_array_equal(np.float32(response.json()["latent_used"]), moved)
    assert sidecar(client, response.json())["attributes"] == {"pitch": -1.0, "sub": 0.5}     # producer units, as asked
    random_shaped = client.post("/api/random", json={"seed": 3, "attributes": {"decay": 40}}).json()
    assert random_shaped["seed"] == 3 and sidecar(client, random_shaped)["attributes"] == {"decay": 40.0}
    again = client.post("/api/random", json={"seed": 3, "attributes": {"decay": 40.0}}).json()
    assert again["wavUrl"] == random_shaped["wavUrl"]                        # the same request: the same stored kick
    remade = client.post("/api/generate", json={"latent_vector": random_shaped["latent_used"]}).json()
    heard = lambda item: sf.read(io.BytesIO(client.get(item["wavUrl"]).content), dtype="float32")[0]
    np.testing.assert_array_equal(heard(remade), heard(random_shaped))     # the recorded latent alone makes the same audio


@pytest.fixture(scope="module")
def shipped_client(tmp_path_factory):
    "A TestClient of the API on the shipped checkpoint (a trained model: its kicks have a sub to raise)."
    from fastapi.testclient import TestClient
    import api
    with pytest.MonkeyPatch.context() as mp:
        for key in [k for k in os.environ if k.startswith(("KICK_S3_", "KICK_CORS", "KICK_MODEL", "KICK_CONTROLS"))]: mp.delenv(key)
        mp.setenv("KICK_STORAGE", "local")
        mp.setenv("KICK_STORAGE_DIR", str(tmp_path_factory.mktemp("generated")))
        with TestClient(api.create_app()) as c: yield c


def test_sub_plus_3_db_raises_the_sub_by_3_db_and_holds_the_pitch(shipped_client):
    client = shipped_client
    # a kick the shipped model can add sub to (on how many it can, see the table in 15_shape)
    start = client.post("/api/random", json={"seed": 24}).json()
    shaped = client.post("/api/random", json={"seed": 24, "attributes": {"sub": 3}})
    assert shaped.status_code == 200, shaped.text
    heard = lambda item: sf.read(io.BytesIO(client.get(item["wavUrl"]).content), dtype="float32")[0]
    change = producer_features(heard(shaped.json()))[0] - producer_features(heard(start))[0]
    assert 2.0 < change[SHAPE_ATTRIBUTES.index("sub")] < 4.0, change        # measured on the stored audio, dB
    assert abs(change[SHAPE_ATTRIBUTES.index("pitch")]) < 1.0, change       # semitones


def test_variations_lean_towards_a_category(client):
    start = client.post("/api/random", json={"seed": 4}).json()["latent_used"]
    same = client.post("/api/variations", json={"latent_vector": start, "n": 3, "intensity": 0.0, "seed": 1, "category": "acoustic"})
    assert same.status_code == 200, same.text
    assert [item["latent_used"] for item in same.json()["items"]] == [start] * 3
    full = client.post("/api/variations", json={"latent_vector": start, "n": 3, "intensity": 1.0, "seed": 1,
                                                "category": "acoustic"}).json()
    drawn, _ = client.app.state.service.controls.categories.sample(3, "acoustic", 1)
    np.testing.assert_allclose(np.float32([item["latent_used"] for item in full["items"]]), drawn, atol=1e-6)


def test_style_transfer(client):
    a = client.post("/api/random", json={"seed": 11, "category": "808"}).json()["latent_used"]
    b = client.post("/api/random", json={"seed": 12, "category": "acoustic"}).json()["latent_used"]
    response = client.post("/api/style-transfer", json={"body_latent": a, "character_latent": b, "strength": 1.0})
    assert response.status_code == 200, response.text
    recorded = sidecar(client, response.json())["style_transfer"]
    assert recorded == {"body_latent": a, "character_latent": b, "strength": 1.0}
    unchanged = client.post("/api/style-transfer", json={"body_latent": a, "character_latent": b, "strength": 0.0}).json()
    assert unchanged["latent_used"] == b      # strength 0: kick B is already its own target


def test_model_info_lists_the_controls(client):
    info = client.get("/api/model").json()
    assert info["categories"] == ["808", "acoustic", "electronic", "distorted"]
    assert info["shape_range"] == {"pitch": 12.0, "decay": 400.0, "punch": 12.0, "brightness": 12.0, "sub": 12.0}
    assert info["shape_units"] == {"pitch": "semitones", "decay": "ms", "punch": "dB", "brightness": "dB", "sub": "dB"}


@pytest.mark.parametrize("path, body, expected", [
    ("/api/random", {"category": "trap"}, "category"),
    ("/api/random", {"category": "808", "category_weights": {"808": 1}}, "either category or category_weights"),
    ("/api/random", {"category_weights": {"808": 0, "distorted": 0}}, "at least one weight > 0"),
    ("/api/random", {"category_weights": {"808": -1}}, "category_weights"),
    ("/api/random", {"category_weights": {"techno": 1}}, "category_weights"),
    ("/api/random", {"attributes": {"pitch": 12.5}}, "pitch"),
    ("/api/random", {"attributes": {"sub": 13}}, "sub"),
    ("/api/random", {"attributes": {"decay": -450}}, "decay"),
    ("/api/generate", {"latent_vector": [0.0] * 8, "attributes": {"brightness": -12.01}}, "brightness"),
    ("/api/random", {"attributes": {"loudness": 1}}, "loudness"),
    ("/api/random", {"attributes": {"decay": "long"}}, "decay"),
    ("/api/variations", {"latent_vector": [0.0] * 8, "category": "clap"}, "category"),
    ("/api/style-transfer", {"body_latent": [0.0] * 8, "character_latent": [0.0] * 8, "strength": 2}, "strength"),
    ("/api/style-transfer", {"body_latent": [0.0] * 8}, "character_latent"),
])
def test_bad_controls_are_422_naming_the_field(client, path, body, expected):
    response = client.post(path, json=body)
    assert response.status_code == 422, response.text
    assert expected in detail(response)


def test_style_transfer_wrong_latent_size_is_422(client):
    dim = client.get("/api/model").json()["latent_dim"]
    response = client.post("/api/style-transfer", json={"body_latent": [0.0] * (dim + 1), "character_latent": [0.0] * dim})
    assert response.status_code == 422 and "body_latent must have exactly" in detail(response)


def test_pack_as_url_with_manifest(client):
    response = client.post("/api/pack", json={"n": 8, "seed": 2, "category": "808", "key": "F"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["seed"] == 2 and body["name"] == "kick_pack_2_F" and len(body["kicks"]) == 8
    assert all(row["note"].startswith("F") and abs(row["cents"]) <= 10 for row in body["kicks"])
    assert all(row["file"].endswith("_808.wav") for row in body["kicks"])
    download = client.get(body["zipUrl"])
    assert download.status_code == 200 and download.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    assert sorted(n.split("/", 1)[1] for n in names) == sorted([row["file"] for row in body["kicks"]] + ["manifest.csv", "manifest.json"])
    again = client.post("/api/pack", json={"n": 8, "seed": 2, "category": "808", "key": "F"}).json()
    assert again["zipUrl"] == body["zipUrl"]                       # the same request, the same stored zip


def test_pack_as_zip(client):
    response = client.post("/api/pack", json={"n": 8, "seed": 3, "category_weights": {"808": 0.7, "distorted": 0.3},
                                              "fx": {"preset": "punchy"}, "format": "flac", "delivery": "zip"})
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == 'attachment; filename="kick_pack_3.zip"'
    with zipfile.ZipFile(io.BytesIO(response.content)) as z:
        flacs = [n for n in z.namelist() if n.endswith(".flac")]
        manifest = json.loads(z.read("kick_pack_3/manifest.json"))
    assert len(flacs) == 8 and all(n.endswith("_808-distorted.flac") for n in flacs)
    assert manifest["pack"]["fx"]["comp_ratio"] == 4 and manifest["pack"]["format"] == "flac"   # the punchy preset
    assert [row["file"] for row in manifest["kicks"]] == sorted(n.split("/", 1)[1] for n in flacs)


@pytest.mark.parametrize("body, expected", [
    ({"n": 4}, "n"), ({"n": 200}, "n"), ({"key": "H2"}, "key must be a note"), ({"delivery": "email"}, "delivery"),
    ({"key": "F", "fx": {"tune_note": "G1"}}, "disagree"), ({"category": "808", "category_weights": {"808": 1}}, "either"),
])
def test_bad_pack_requests_are_422(client, body, expected):
    response = client.post("/api/pack", json=body)
    assert response.status_code == 422, response.text
    assert expected in detail(response)
