"Serving the page lightly (kick_app/web.py): compression, cache headers, the unused maths bundle left out, the page's modules."
import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.testclient import TestClient

from kick_app.web import ASSET_DIR, IMMUTABLE, STATIC_UNVERSIONED, asset_url, assets_version, serve_lightly

PAGE = ('<html><head><script type="text/javascript" src="static/js/bokeh.min.js?v=1"></script>\n'
        '<script type="text/javascript" src="static/js/bokeh-mathjax.min.js?v=2"></script>\n'
        '<script type="text/javascript" src="static/js/bokeh-widgets.min.js?v=3"></script></head><body>' + "x" * 4000 + "</body></html>")


@pytest.fixture
def client(tmp_path):
    (tmp_path / "bundle.js").write_text("var bokeh = 1;\n" * 2000)
    app = FastAPI()
    app.get("/", response_class=HTMLResponse)(lambda: PAGE)
    app.get("/api/audio/kick.wav")(lambda: Response(b"RIFF" + bytes(8000), media_type="audio/wav"))
    app.mount("/static", StaticFiles(directory=tmp_path))
    serve_lightly(app)
    with TestClient(app) as c: yield c


def test_text_is_compressed_and_audio_is_not(client):
    r = client.get("/static/bundle.js?v=abc", headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip" and int(r.headers["content-length"]) < 30_000 / 10
    assert r.text.startswith("var bokeh = 1;")                          # httpx undid the gzip: the same file
    r = client.get("/api/audio/kick.wav", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in r.headers and r.content.startswith(b"RIFF")   # audio: compressing is wasted work
    r = client.get("/static/bundle.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in r.headers


def test_static_files_get_cache_headers(client):
    assert client.get("/static/bundle.js?v=abc").headers["cache-control"] == IMMUTABLE           # versioned: for good
    assert client.get("/static/bundle.js").headers["cache-control"] == STATIC_UNVERSIONED        # a day
    assert "cache-control" not in client.get("/").headers                                         # the page: always fresh


def test_the_maths_bundle_is_left_out_of_the_page(client):
    r = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert "bokeh-mathjax" not in r.text and "bokeh.min.js" in r.text and "bokeh-widgets.min.js" in r.text
    assert r.headers["content-encoding"] == "gzip"


def test_the_page_modules_are_served_versioned(client):
    url = asset_url("groove.js")
    assert url == f"/kick-assets/{assets_version()}/groove.js"
    r = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.text == (ASSET_DIR / "groove.js").read_text()
    assert r.headers["content-type"].startswith("text/javascript") and r.headers["cache-control"] == IMMUTABLE
    assert client.get(f"/kick-assets/{assets_version()}/kickstore.js").status_code == 200      # a relative import resolves
    for bad in ["/kick-assets/000000000000/groove.js", f"/kick-assets/{assets_version()}/state.py",
                f"/kick-assets/{assets_version()}/..%2Fweb.py", f"/kick-assets/{assets_version()}/nope.js"]:
        assert client.get(bad).status_code == 404, bad
    with pytest.raises(ValueError, match="no asset named"): asset_url("../web.py")
