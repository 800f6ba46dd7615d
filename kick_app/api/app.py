"""The FastAPI application: `create_app()` wires the settings, the lifespan (the model loaded once), the middleware,
the routers and the dashboard at `/`."""
import argparse, logging
from contextlib import asynccontextmanager

import torch
from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from fastapi.middleware.cors import CORSMiddleware
from starlette.concurrency import run_in_threadpool

from kick_nbdev import __version__
from kick_nbdev.service import MAX_UPLOAD_BYTES, KickService
from kick_nbdev.deliver import MAX_FAVOURITES
from kick_app.api.middleware import MAX_JSON_BODY_BYTES, MULTIPART_OVERHEAD_BYTES, BodySizeLimit, add_error_handlers
from kick_app.api.routers import deliver, files, info, kicks, pack
from kick_app.web import serve_lightly
from kick_app.api.settings import Settings

log = logging.getLogger("kick_nbdev.api")

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
    if app.state.service is not None:
        log.info("kick_nbdev API: %r, storage %r", app.state.service.model, app.state.service.storage)
    yield

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
    if app.state.settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(app.state.settings.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["*"])
    app.add_middleware(BodySizeLimit, default_bytes=MAX_JSON_BODY_BYTES,
                       per_path={"/api/encode": MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES,
                                 "/api/favourites": MAX_FAVOURITES_BODY_BYTES})
    add_error_handlers(app)
    for router in (kicks.router, pack.router, files.router, deliver.router, info.router): app.include_router(router)
    from kick_app.dashboard.app import mount_dashboard  # panel + bokeh-fastapi: imported only when an app is built
    mount_dashboard(app)
    serve_lightly(app)   # compression, cache headers, the page's modules; outermost, so it sees every response
    return app

def main(argv=None):
    "`python api.py --host --port`: serve the API and the dashboard with uvicorn."
    parser = argparse.ArgumentParser(description="Serve the kick_nbdev API (and, once mounted, the dashboard).")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
    parser.add_argument("--log-level", default="info", help="uvicorn log level (default info)")
    args = parser.parse_args(argv)
    import uvicorn
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s:     %(name)s: %(message)s")
    print(f"kick_nbdev: http://{args.host}:{args.port}/  (API under /api, docs at /docs)", flush=True)
    uvicorn.run(create_app(), host=args.host, port=args.port, log_level=args.log_level)
