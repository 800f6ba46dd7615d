"S3 storage against a real moto server process on a loopback port: upload, presigned download, 503 when it is gone."
import io, json, shutil, sys, zipfile
from pathlib import Path

import boto3
import httpx
import pytest
import soundfile as sf
from fastapi.testclient import TestClient

import api
from kick_nbdev.storage import S3Storage, StorageUnavailable, read_recall
from kick_nbdev.core import N_SAMPLES

MOTO_SERVER = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or shutil.which("moto_server")
pytestmark = pytest.mark.skipif(MOTO_SERVER is None, reason="moto[server] is not installed")
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture
def moto(spawn_server, monkeypatch):
    "A moto S3 server with an empty bucket 'kicks'; returns (process, endpoint URL)."
    for key, value in CREDENTIALS.items(): monkeypatch.setenv(key, value)
    proc, endpoint = spawn_server([MOTO_SERVER, "-H", "127.0.0.1", "-p", "{port}"], CREDENTIALS, ready_path="/")
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket="kicks")
    return proc, endpoint


def test_s3_storage_backend(moto):
    _, endpoint = moto
    s3 = S3Storage("kicks", prefix="gen/", endpoint_url=endpoint, region_name="us-east-1")
    s3.check()
    s3.put("kick_abc.wav", b"RIFF-bytes")
    assert (s3.get("kick_abc.wav"), s3.exists("kick_abc.wav"), s3.exists("kick_none.wav")) == (b"RIFF-bytes", True, False)
    with pytest.raises(FileNotFoundError): s3.get("kick_none.wav")
    url = s3.public_url("kick_abc.wav")
    assert url.startswith(f"{endpoint}/kicks/gen/kick_abc.wav?") and "X-Amz-Signature=" in url
    assert httpx.get(url).content == b"RIFF-bytes"
    with pytest.raises(StorageUnavailable, match="unavailable"): S3Storage("no-such-bucket", endpoint_url=endpoint, region_name="us-east-1").check()


def use_s3(monkeypatch, endpoint:str, prefix:str):
    "Point the API's environment at the moto bucket 'kicks' under `prefix`."
    for key, value in {"KICK_STORAGE": "s3", "KICK_S3_BUCKET": "kicks", "KICK_S3_PREFIX": prefix,
                       "KICK_S3_ENDPOINT_URL": endpoint, "KICK_S3_REGION": "us-east-1"}.items():
        monkeypatch.setenv(key, value)


def test_api_on_s3_presigned_download_and_503_when_down(moto, api_env, monkeypatch):
    proc, endpoint = moto
    use_s3(monkeypatch, endpoint, "kicks/")
    with TestClient(api.create_app()) as client:
        assert client.get("/api/health").json()["storage"] == "s3"
        item = client.post("/api/random", json={"seed": 123}).json()
        assert item["wavUrl"].startswith(f"{endpoint}/kicks/kicks/kick_") and "X-Amz-Signature=" in item["wavUrl"]
        wav = httpx.get(item["wavUrl"]).content                      # straight from the bucket
        info = sf.info(io.BytesIO(wav))
        assert (info.format, info.samplerate, info.frames) == ("WAV", 44100, N_SAMPLES)
        assert read_recall(wav)["seed"] == 123
        sidecar = httpx.get(item["metadataUrl"]).json()
        assert sidecar["latent"] == item["latent_used"]
        name = item["wavUrl"].split("?")[0].rsplit("/", 1)[1]
        keys = [o["Key"] for o in boto3.client("s3", endpoint_url=endpoint).list_objects_v2(Bucket="kicks")["Contents"]]
        assert sorted(keys) == sorted([f"kicks/{name}", f"kicks/{name[:-4]}.json", "kicks/_health"])  # health writes
        assert client.get(f"/api/audio/{name}").content == wav      # the API can serve it too
        again = client.post("/api/random", json={"seed": 123}).json()
        assert httpx.get(again["wavUrl"]).content == wav

        proc.terminate(); proc.wait(timeout=10)                     # the store goes away
        r = client.post("/api/random", json={"seed": 124})
        assert r.status_code == 503 and "storage unavailable" in r.json()["detail"]
        assert client.post("/api/interpolate", json={"start": [0.0] * 8, "end": [1.0] * 8}).status_code == 503
        assert client.get(f"/api/audio/{name}").status_code == 503
        health = client.get("/api/health").json()
        assert (health["status"], health["storage_ok"]) == ("degraded", False)


def test_api_pack_on_s3_is_a_presigned_zip(moto, api_env, monkeypatch):
    _, endpoint = moto
    use_s3(monkeypatch, endpoint, "packs/")
    with TestClient(api.create_app()) as client:
        body = client.post("/api/pack", json={"n": 8, "seed": 5}).json()
        assert body["zipUrl"].startswith(f"{endpoint}/kicks/packs/pack_") and "X-Amz-Signature=" in body["zipUrl"]
        download = httpx.get(body["zipUrl"])                        # straight from the bucket
        assert download.status_code == 200
        with zipfile.ZipFile(io.BytesIO(download.content)) as z:
            assert sum(n.endswith(".wav") for n in z.namelist()) == 8
            assert [row["file"] for row in body["kicks"]] == [k["file"] for k in json.loads(z.read("kick_pack_5/manifest.json"))["kicks"]]
        keys = [o["Key"] for o in boto3.client("s3", endpoint_url=endpoint).list_objects_v2(Bucket="kicks")["Contents"]]
        assert keys == [body["zipUrl"].split("?")[0].split("/kicks/", 1)[1]]   # only the zip: a pack stores nothing else
