"""The OpenAPI schema tells the truth: schemathesis generates requests from it (valid and invalid) against a real
uvicorn process and checks that no request gets a 5xx, every status code is documented, and every response body
matches its documented schema. About two minutes on a quiet 2-core machine (KICK_FUZZ_EXAMPLES examples per operation
and phase; ~1,500 requests); up to 10 on a loaded one."""
import os, shutil, subprocess, sys
from pathlib import Path

import httpx
import pytest

from conftest import start_server, stop

SCHEMATHESIS = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or shutil.which("schemathesis")
pytestmark = pytest.mark.skipif(SCHEMATHESIS is None, reason="schemathesis is not installed (dev_requirements)")
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"
EXAMPLES = os.environ.get("KICK_FUZZ_EXAMPLES", "10")


def test_schema_is_the_truth(tmp_path, tiny_model_path):
    proc, base = start_server([sys.executable, "-m", "uvicorn", "api:create_app", "--factory", "--host", "127.0.0.1",
                               "--port", "{port}", "--log-level", "warning"],
                              {"KICK_MODEL_PATH": str(tiny_model_path), "KICK_STORAGE": "local",
                               "KICK_STORAGE_DIR": str(tmp_path / "generated")}, tmp_path / "server.log", ready_path="/api/health")
    try:
        httpx.get(f"{base}/api/model", timeout=600).raise_for_status()   # fits the tiny model's controls once (seconds)
        run = subprocess.run([SCHEMATHESIS, "run", f"{base}/openapi.json", "--checks", CHECKS, "--max-examples", EXAMPLES,
                              "--seed", "1", "--workers", "1", "--request-timeout", "30", "--continue-on-failure",
                              "--suppress-health-check", "all", "--no-color"],
                             capture_output=True, text=True, timeout=600, cwd=tmp_path)
    finally: stop(proc)
    print(run.stdout[-6000:])
    assert run.returncode == 0, run.stdout[-12000:] + run.stderr[-2000:]
