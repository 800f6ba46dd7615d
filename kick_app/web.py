"""Serving the page lightly: text compressed on the wire, static files cached by the browser, unused bundles left out,
and the page's own JavaScript modules (kick_app/dashboard/*.js) served from the package under a versioned path.

A cold load of the dashboard was 5.8 MB in 42 requests, uncompressed, with a 1.8 MB maths-rendering bundle
(bokeh-mathjax) that the page never uses (Panel adds it whenever a page holds Markdown), and no cache headers.
"""
import hashlib, re
from functools import lru_cache
from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.responses import Response
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.gzip import GZipMiddleware

ASSET_DIR = Path(__file__).parent / "dashboard"     # the page's modules live next to the components that use them
ASSET_PREFIX = "/kick-assets"
ASSET_NAME = re.compile(r"[a-z][a-z0-9_]*\.(js|css)")
ASSET_TYPES = {"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8"}
IMMUTABLE = "public, max-age=31536000, immutable"   # a versioned URL never changes content
STATIC_UNVERSIONED = "public, max-age=86400"         # Panel's fonts and CSS, the API docs' assets: a day
UNUSED_BUNDLES = ("bokeh-mathjax",)                  # script bundles the page never needs (no LaTeX anywhere)
COMPRESS_MIN_BYTES = 1024                            # smaller responses go out as they are
GZIP_LEVEL = 6                                       # ~5 % larger than level 9 at a third of the CPU


@lru_cache(maxsize=1)
def assets_version()->str: # 12 hex digits over every asset file: a new deploy is a new path, so caches never go stale
    "The version of the page's own modules: a hash of their names and contents."
    digest = hashlib.sha256()
    for path in sorted(ASSET_DIR.glob("*.js")) + sorted(ASSET_DIR.glob("*.css")):
        digest.update(path.name.encode()); digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def asset_url(name:str # a file of ASSET_DIR, e.g. "groove.js"
             )->str:   # its URL path, e.g. "/kick-assets/3f0c9d2a7b1e/groove.js"
    "Where the page loads one of its modules (relative imports between them stay within the version)."
    if not ASSET_NAME.fullmatch(name) or not (ASSET_DIR / name).is_file(): raise ValueError(f"no asset named {name!r}")
    return f"{ASSET_PREFIX}/{assets_version()}/{name}"


class CacheHeaders:
    "ASGI middleware: a Cache-Control header on static files that have none (versioned ones cached for good)."
    def __init__(self, app): self.app = app
    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith(("/static/", "/docs-static/", ASSET_PREFIX + "/")):
            return await self.app(scope, receive, send)
        versioned = scope["path"].startswith(ASSET_PREFIX + "/") or b"v=" in scope.get("query_string", b"")
        async def send_with_cache(message):
            if message["type"] == "http.response.start" and message["status"] == 200:
                headers = MutableHeaders(scope=message)
                if "cache-control" not in headers: headers["Cache-Control"] = IMMUTABLE if versioned else STATIC_UNVERSIONED
            await send(message)
        await self.app(scope, receive, send_with_cache)


class DropUnusedBundles:
    """ASGI middleware: the page's HTML without the script tags of `UNUSED_BUNDLES` (only for `text/html` responses,
    which it buffers: the page's HTML is a few kB)."""
    def __init__(self, app, bundles=UNUSED_BUNDLES):
        self.app = app
        self.pattern = re.compile(rb'<script[^>]*src="[^"]*(' + b"|".join(re.escape(b.encode()) for b in bundles)
                                  + rb')[^"]*"[^>]*>\s*</script>\s*')
    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"].startswith(("/api/", "/static/", "/docs-static/")):
            return await self.app(scope, receive, send)
        start, body = None, []
        async def rewrite(message):
            nonlocal start
            if message["type"] == "http.response.start":
                if not Headers(raw=message["headers"]).get("content-type", "").startswith("text/html"):
                    start = False; return await send(message)
                start = message; return
            if start is False: return await send(message)
            body.append(message.get("body", b""))
            if message.get("more_body"): return
            html = self.pattern.sub(b"", b"".join(body))
            headers = MutableHeaders(scope=start); headers["Content-Length"] = str(len(html))
            await send(start)
            await send({"type": "http.response.body", "body": html})
        await self.app(scope, receive, rewrite)


def serve_lightly(app:FastAPI # the app that serves the page (and the API)
                 )->None:
    "Add the page's modules route, cache headers, the unused-bundle filter and gzip compression to `app`."
    @app.get(ASSET_PREFIX + "/{version}/{name}", include_in_schema=False)
    def page_asset(version:str, name:str):
        if version != assets_version() or not ASSET_NAME.fullmatch(name) or not (ASSET_DIR / name).is_file():
            raise HTTPException(404, f"no asset {version}/{name}")
        return Response((ASSET_DIR / name).read_bytes(), media_type=ASSET_TYPES[name.rsplit(".", 1)[1]])
    app.add_middleware(DropUnusedBundles)
    app.add_middleware(CacheHeaders)
    app.add_middleware(GZipMiddleware, minimum_size=COMPRESS_MIN_BYTES, compresslevel=GZIP_LEVEL)   # outermost
