"Cold start (issue 11 item 16): what `create_app` leaves for after start-up, and the dashboard that arrives then."
import subprocess, sys
from pathlib import Path

from fastapi.testclient import TestClient

import api

REPO = Path(__file__).resolve().parents[1]

def test_create_app_imports_no_panel_scipy_or_pandas():
    code = ("import sys, api; api.create_app(); "
            "print(sorted(m for m in ('panel', 'bokeh', 'scipy.signal', 'scipy.optimize', 'pandas', 'sklearn', 'librosa', 'boto3') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"

def test_dashboard_is_mounted_after_start_up():
    app = api.create_app()
    waiting = lambda: [r.path for r in app.routes if getattr(r, "endpoint", None) is app.state.dashboard]
    assert waiting() == ["/"]                  # until mounted, "/" waits for the dashboard
    with TestClient(app) as client:
        assert client.get("/api/health").json()["status"] == "ok"
        page = client.get("/")
        assert page.status_code == 200 and "<title>kick_nbdev" in page.text and "bokeh" in page.text.lower()
        assert waiting() == []                 # mounted: Panel's own routes answer
        assert client.get("/favicon.ico").status_code == 200
        assert "/" not in client.get("/openapi.json").json()["paths"]
