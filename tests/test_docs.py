"`make docs`: the notebooks as HTML pages with an index in notebook order, served by the API at /guide/."
import shutil
from dataclasses import replace

from fastapi.testclient import TestClient

import api
from conftest import REPO
from kick_app.api.settings import Settings
from kick_app.docs import build_site


def test_site_in_notebook_order_served_at_guide(api_env, tmp_path):
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    for name in ("index.ipynb", "00_core.ipynb", "10_latent.ipynb", "_scratch.ipynb"):
        shutil.copy(REPO / "nbs" / (name if name != "_scratch.ipynb" else "00_core.ipynb"), nbs / name)
    pages = build_site(nbs, tmp_path / "site")
    assert pages == ["overview.html", "00_core.html", "10_latent.html"]       # overview first, scratch notebooks left out
    index = (tmp_path / "site" / "index.html").read_text()
    assert index.index("00_core") < index.index("10_latent") and "Latent operations" in index
    core = (tmp_path / "site" / "00_core.html").read_text()
    assert "db_to_amp" in core and "Finding the transient" in core and "#| export" not in core and "from fastcore.test import" not in core  # no directives, no hidden cells
    settings = replace(Settings.from_env(), docs_dir=tmp_path / "site")
    with TestClient(api.create_app(settings=settings)) as client:
        guide = client.get("/guide/")
        assert guide.status_code == 200 and "00_core.html" in guide.text
        assert client.get("/guide/10_latent.html").status_code == 200
    with TestClient(api.create_app(settings=replace(settings, docs_dir=tmp_path / "absent"))) as client:
        missing = client.get("/guide/")
        assert missing.status_code == 404 and "make docs" in missing.text
