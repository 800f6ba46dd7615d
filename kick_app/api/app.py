"""The FastAPI application: `create_app()` wires the settings, the lifespan (the model loaded once), the middleware,
the routers and the dashboard at `/`."""
import argparse, logging, threading
from contextlib import asynccontextmanager
from pathlib import Path

import torch
from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import PlainTextResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from kick_nbdev import __version__
from kick_nbdev.service import MAX_UPLOAD_BYTES, KickService
from kick_nbdev.deliver import MAX_FAVOURITES
from kick_app.api.deferred import DeferredMount
from kick_app.api.middleware import MAX_JSON_BODY_BYTES, MULTIPART_OVERHEAD_BYTES, BodySizeLimit, RequestGuard, add_error_handlers
from kick_app.api.routers import deliver, files, info, kicks, pack
from kick_app.api.schemas import LATENT_MARK
from kick_app.web import serve_lightly
from kick_app.api.settings import Settings

log = logging.getLogger("kick_nbdev.api")
WARM_UP_AFTER_S = 3.0   # the background imports of `warm_up` start this long after start-up, s

MAX_FAVOURITES_BODY_BYTES = MAX_FAVOURITES * 4096   # a favourite sends its name and recall data (< 1 kB with every FX setting)

@asynccontextmanager
async def lifespan(app:FastAPI):
    "Load the model once (unless `create_app` was given a service): `app.state.service`, or `app.state.load_error`."
    settings:Settings = app.state.settings
    torch.set_num_threads(settings.torch_threads)
    app.state.load_error = None
    if app.state.service is None:
        try: app.state.service = await run_in_threadpool(KickService.from_env, settings.env)
        except (OSError, ValueError) as e:  # no checkpoint, unreadable checkpoint, bad storage settings
            app.state.load_error = str(e)
            log.error("kick_nbdev API starts without a model: %s", e)
    app.state.dashboard.start()
    if app.state.service is not None:
        log.info("kick_nbdev API: %r, storage %r", app.state.service.model, app.state.service.storage)
        warming = threading.Timer(WARM_UP_AFTER_S, warm_up)   # once the server answers: start-up does not wait for it
        warming.daemon = True; warming.start()
    yield

def warm_up():
    """After start-up, in the background: import what the library imports on first use (scipy for FX, metrics and
    lengths past the model's window, pyloudnorm for packs), so that neither start-up nor the first such request waits for it."""
    import pyloudnorm, scipy.fft, scipy.ndimage, scipy.optimize, scipy.signal  # noqa: F401

def create_app(service:KickService|None=None, # a ready service; None = build one from the settings at startup
               settings:Settings|None=None    # None = `Settings.from_env()`, read now
              )->FastAPI:
    "The kick_nbdev FastAPI application (the model is loaded once, by the lifespan)."
    # FastAPIOffline: /docs (Swagger UI) and /redoc with their scripts and styles served from the fastapi-offline
    # package, not a CDN: the docs work in an offline studio and the page makes no third-party requests
    # (no /redoc: ReDoc's bundle still fetches its logo from a CDN; Swagger UI has everything it needs)
    app = FastAPIOffline(title="kick_nbdev API", version=__version__, lifespan=lifespan, static_url="/docs-static", redoc_url=None,
                  description="Generate, morph, walk, vary and encode kick drums in a learned timbre space. "
                              "Every kick comes back as an absolute URL of a stored WAV/FLAC file plus the exact latent used.")
    app.state.settings, app.state.service = settings or Settings.from_env(), service
    app.state.heavy_slots = threading.BoundedSemaphore(app.state.settings.max_heavy)
    app.add_middleware(BodySizeLimit, default_bytes=MAX_JSON_BODY_BYTES,
                       per_path={"/api/encode": MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES,
                                 "/api/favourites": MAX_FAVOURITES_BODY_BYTES})
    app.add_middleware(RequestGuard, allowed_hosts=app.state.settings.allowed_hosts, cors_origins=app.state.settings.cors_origins)
    if app.state.settings.cors_origins:   # outermost: preflights are answered before the guard sees them
        app.add_middleware(CORSMiddleware, allow_origins=list(app.state.settings.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["*"])
    add_error_handlers(app)
    schema_with_model_sizes(app)
    for router in (kicks.router, pack.router, files.router, deliver.router, info.router): app.include_router(router)
    mount_guide(app, app.state.settings.docs_dir)
    app.state.dashboard = DeferredMount(app, "kick_app.dashboard.app:mount_dashboard")  # Panel: imported after start-up
    serve_lightly(app)   # compression, cache headers, the page's modules; outermost, so it sees every response
    return app

def mount_guide(app:FastAPI, docs_dir:Path # the site `make docs` writes
               )->None:
    "The notebooks as HTML at /guide/ (the dashboard's header links them); a 404 that says how to build them if absent."
    if (docs_dir / "index.html").is_file():
        app.mount("/guide", StaticFiles(directory=docs_dir, html=True), name="guide")
        return
    @app.get("/guide/", include_in_schema=False)
    def guide_not_built():
        return PlainTextResponse(f"The guide is not built here: `make docs` renders nbs/ into {docs_dir}/.", status_code=404)

def schema_with_model_sizes(app:FastAPI)->None:
    "Make `app`'s OpenAPI schema say what the loaded model accepts: latent vectors of exactly `latent_dim` numbers."
    generate = app.openapi
    def openapi()->dict:
        if app.openapi_schema is None:
            schema, service = generate(), app.state.service
            if service is not None: _exact_length(schema, LATENT_MARK, service.model.latent_dim)
        return app.openapi_schema
    app.openapi = openapi

def _exact_length(node, mark:str, length:int):
    "Set minItems = maxItems = `length` on every array schema in `node` that carries `mark`."
    if isinstance(node, dict):
        if node.get(mark): node.update(minItems=length, maxItems=length)
        for value in node.values(): _exact_length(value, mark, length)
    elif isinstance(node, list):
        for value in node: _exact_length(value, mark, length)

def main(argv=None):
    "`python api.py --host --port --workers`: serve the API and the dashboard with uvicorn (see `kick_app.api.serving`)."
    parser = argparse.ArgumentParser(description="Serve the kick_nbdev API (and, once mounted, the dashboard).")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes, each with its own model (default 1)")
    parser.add_argument("--log-level", default="info", help="uvicorn log level (default info)")
    args = parser.parse_args(argv)
    if args.workers < 1: parser.error("--workers must be at least 1")
    from kick_app.api.serving import serve
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s:     %(name)s: %(message)s")
    print(f"kick_nbdev: http://{args.host}:{args.port}/  (API under /api, docs at /docs; {args.workers} worker(s))", flush=True)
    serve(args.host, args.port, args.workers, args.log_level)
