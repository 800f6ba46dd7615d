"Shared pytest fixtures: small synthetic kicks, so tests never need downloads."
import os, socket, subprocess, sys, time
from pathlib import Path

import httpx
import pytest
import torch

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path: sys.path.insert(0, str(REPO))  # so that tests can `import api`
torch.set_num_threads(1)  # 2 shared cores: keep tests from oversubscribing them
os.environ.setdefault("KICK_ALLOWED_HOSTS", "testserver")  # TestClient's Host; real servers in tests are on 127.0.0.1

from dashboard_support import tiny_model_with_corpus
from kick_nbdev.controls import controls_path, load_controls
from kick_nbdev.model import KickModel, ModelConfig
from kick_nbdev.storage import encode_audio
from kick_nbdev.synth import synth_kicks


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory):
    "A tiny untrained checkpoint (same code path as the shipped model, milliseconds per decode)."
    path = tmp_path_factory.mktemp("model") / "tiny.pt"
    KickModel.untrained(ModelConfig.tiny(), seed=0).save(path)
    return path


@pytest.fixture
def api_env(monkeypatch, tmp_path, tiny_model_path):
    "Environment of an API on the tiny model with local storage in a temporary directory; returns the storage dir."
    storage_dir = tmp_path / "generated"
    for key in [k for k in os.environ if k.startswith(("KICK_S3_", "KICK_CORS"))]: monkeypatch.delenv(key)
    monkeypatch.setenv("KICK_MODEL_PATH", str(tiny_model_path))
    monkeypatch.setenv("KICK_STORAGE", "local")
    monkeypatch.setenv("KICK_STORAGE_DIR", str(storage_dir))
    return storage_dir


@pytest.fixture
def client(api_env):
    "A TestClient of `api.create_app()` with its lifespan running."
    from fastapi.testclient import TestClient
    import api
    with TestClient(api.create_app()) as c: yield c


@pytest.fixture(scope="session")
def kick_audio():
    "One synthesized kick: (N_SAMPLES,) float32 at 44.1 kHz."
    return synth_kicks(1, seed=0)[0][0]


@pytest.fixture(scope="session")
def kick_wav_bytes(kick_audio):
    "A real WAV file (48 kHz, 24-bit, -7 dBFS) of a synthesized kick, as a user might upload."
    return encode_audio(0.5 * kick_audio, 48000, "wav", 24)


def free_port()->int:
    "A TCP port that is free on the loopback interface right now."
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); return s.getsockname()[1]


def start_server(argv:list, env:dict, log_path:Path, ready_path:str="/", timeout_s:float=60.0)->tuple:
    """Start a real server process on a free loopback port: formats `{port}` in `argv`, logs to `log_path`, waits until
    `ready_path` answers and returns (process, base URL)."""
    port = free_port()
    proc = subprocess.Popen([a.format(port=port) for a in argv], env={**os.environ, **env}, cwd=REPO,
                            stdout=open(log_path, "w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    while True:
        if proc.poll() is not None: raise RuntimeError(f"{argv[0]} exited with {proc.returncode}:\n{log_path.read_text()}")
        try: httpx.get(base + ready_path, timeout=1.0); return proc, base
        except httpx.TransportError:
            if time.monotonic() > deadline: stop(proc); raise TimeoutError(f"{base} did not answer within {timeout_s} s")
            time.sleep(0.1)


@pytest.fixture
def spawn_server(tmp_path):
    """Start real server processes: `spawn_server(argv, env, ready_path)` is `start_server` with a log in `tmp_path`.
    All are stopped at teardown."""
    started = []
    def spawn(argv:list, env:dict, ready_path:str="/", timeout_s:float=60.0):
        log_path = tmp_path / f"server-{len(started)}.log"
        started.append(None)
        proc, base = start_server(argv, env, log_path, ready_path, timeout_s)
        started[-1] = proc
        return proc, base
    yield spawn
    for proc in started:
        if proc is not None: stop(proc)


def stop(proc:subprocess.Popen):
    "Stop a server process we started (SIGTERM, then SIGKILL)."
    if proc.poll() is None:
        proc.terminate()
        try: proc.wait(timeout=10)
        except subprocess.TimeoutExpired: proc.kill(); proc.wait()


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    "A service on a tiny model with a corpus, storing in a temporary folder (one per test module)."
    from kick_nbdev.service import KickService
    from kick_nbdev.storage import LocalStorage
    return KickService(tiny_model_with_corpus(), LocalStorage(tmp_path_factory.mktemp("generated")))


@pytest.fixture
def dash(service):
    "A fresh dashboard on `service`, seeded."
    from dashboard import KickDashboard
    return KickDashboard(service, seed=7)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    "(Browser tests) a real `uvicorn api:create_app --factory` on a free loopback port, on a tiny model that carries a corpus."
    tmp = tmp_path_factory.mktemp("dash_server")
    model = tiny_model_with_corpus()
    model.save(tmp / "tiny.pt")
    # its controls file beside it, as the shipped model has one (fitted here once per test process, not in the server)
    controls_path(tmp / "tiny.pt").write_text(load_controls(model, tmp / "none.json").to_json())
    port = free_port()
    env = {**os.environ, "KICK_MODEL_PATH": str(tmp / "tiny.pt"), "KICK_STORAGE": "local", "KICK_STORAGE_DIR": str(tmp / "generated")}
    log = open(tmp / "server.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "api:create_app", "--factory", "--host", "127.0.0.1",
                             "--port", str(port), "--log-level", "warning"], env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, (tmp / "server.log").read_text()
        try:
            if httpx.get(base + "/api/health", timeout=1).json()["model_loaded"]: break
        except httpx.TransportError: pass
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.1)
    yield base, tmp / "server.log"
    stop(proc)
