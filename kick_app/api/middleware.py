"""Request guards and error handlers: trusted Host and Origin, JSON bodies only where JSON is expected, a 413 that
names the limit, 422s that JSON can carry, and a 503 for storage outages that tells clients no server internals."""
import logging, math
from urllib.parse import urlsplit

from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import Headers

from kick_nbdev.storage import StorageUnavailable
from kick_app.api.dependencies import ClientGone

log = logging.getLogger("kick_nbdev.api")

MAX_JSON_BODY_BYTES = 64 * 1024          # largest JSON body of the endpoints other than uploads, bytes (a 64-step request is < 10 kB)
MULTIPART_OVERHEAD_BYTES = 64 * 1024     # room for multipart headers around an upload, bytes
UPLOAD_PATHS = ("/api/encode",)          # the POST endpoints that take multipart uploads instead of JSON

class RequestGuard:
    """ASGI middleware against other sites and forged names:

    - a `Host` not in `allowed_hosts` gets a 400 (DNS rebinding; file URLs are built from the Host unless
      KICK_PUBLIC_URL is set);
    - a POST, or a websocket (the dashboard's Bokeh session), whose `Origin` is neither this server's own nor one of
      `cors_origins` is refused (403): pages on other sites can neither run requests nor drive the dashboard. Clients
      that send no Origin (curl, programs) are not browsers acting for someone else, and pass;
    - a POST under /api/ other than an upload must send `application/json` (a form or text/plain body is what a
      cross-site form can send without asking CORS): 415 otherwise."""
    def __init__(self, app, allowed_hosts:tuple, cors_origins:tuple):
        self.app, self.cors_origins = app, tuple(cors_origins)
        self.any_host = "*" in allowed_hosts
        self.allowed_hosts = {h.strip("[]").lower() for h in allowed_hosts}

    def host_allowed(self, host:str)->bool:
        try: name = urlsplit("//" + host).hostname
        except ValueError: return False
        return self.any_host or (name is not None and name in self.allowed_hosts)

    def origin_allowed(self, origin:str, host:str)->bool:
        if "*" in self.cors_origins or origin in self.cors_origins: return True
        try: return urlsplit(origin).netloc.lower() == host.lower()   # same origin: the page this server served
        except ValueError: return False

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"): return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        host, origin = headers.get("host", ""), headers.get("origin")
        problem = None
        if not self.host_allowed(host):
            problem = 400, f"untrusted Host header {host!r}: set KICK_PUBLIC_URL or KICK_ALLOWED_HOSTS to serve this name"
        elif origin is not None and (scope["type"] == "websocket" or scope["method"] == "POST") \
                and not self.origin_allowed(origin, host):
            problem = 403, f"cross-site request refused: origin {origin!r} is not allowed (KICK_CORS_ORIGINS)"
        elif scope["type"] == "http" and scope["method"] == "POST" and scope["path"].startswith("/api/") \
                and scope["path"] not in UPLOAD_PATHS:
            media_type = headers.get("content-type", "").split(";")[0].strip().lower()
            has_body = headers.get("content-length", "0") != "0" or "transfer-encoding" in headers
            if (media_type or has_body) and media_type != "application/json":
                problem = 415, f"{scope['path']} takes a JSON body: send it with Content-Type: application/json"
        if problem is None: return await self.app(scope, receive, send)
        status, message = problem
        log.warning("refused %s %s: %s", scope["type"], scope["path"], message)
        if scope["type"] == "websocket": return await send({"type": "websocket.close", "code": 1008})  # uvicorn: HTTP 403
        await JSONResponse({"detail": message}, status_code=status)(scope, receive, send)

class BodySizeLimit:
    """ASGI middleware: a 413 naming the limit for request bodies under `/api/` that are too large; the declared
    Content-Length is checked before anything is read, and streamed (chunked) bodies are counted as they arrive."""
    def __init__(self, app, default_bytes:int, per_path:dict):
        self.app, self.default_bytes, self.per_path = app, default_bytes, per_path
    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith("/api/"): return await self.app(scope, receive, send)
        limit = self.per_path.get(scope["path"], self.default_bytes)
        message = f"request body too large: {scope['path']} accepts at most {limit} bytes"
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return await JSONResponse({"detail": message}, status_code=413)(scope, receive, send)
        received = 0
        async def receive_within_limit():
            nonlocal received
            msg = await receive()
            received += len(msg.get("body", b"")) if msg["type"] == "http.request" else 0
            if received > limit: raise HTTPException(413, message)  # FastAPI re-raises it from body parsing
            return msg
        await self.app(scope, receive_within_limit, send)

def json_safe(value):
    "`value` with every non-finite float replaced by its name ('nan', 'inf'), recursively."
    if isinstance(value, float) and not math.isfinite(value): return str(value)
    if isinstance(value, dict): return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)): return [json_safe(v) for v in value]
    return value

async def invalid_request(request:Request, exc:RequestValidationError):
    "FastAPI's 422, except that echoed NaN/inf inputs become strings (JSON has no NaN; the default handler 500s)."
    return JSONResponse({"detail": json_safe(jsonable_encoder(exc.errors()))}, status_code=422)

STORAGE_UNAVAILABLE = "storage unavailable, try again later"  # what clients learn; paths, buckets, endpoints stay in the log

async def storage_unavailable(request:Request, exc:StorageUnavailable):
    log.warning("storage unavailable: %s", exc)
    return JSONResponse({"detail": STORAGE_UNAVAILABLE}, status_code=503, headers={"Retry-After": "5"})

async def client_gone(request:Request, exc):
    log.info("client left: %s abandoned", request.url.path)
    return Response(status_code=499)   # nginx's "client closed request": nobody reads it

def add_error_handlers(app:FastAPI)->None:
    "The handlers above, on `app`."
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(StorageUnavailable, storage_unavailable)
    app.add_exception_handler(ClientGone, client_gone)
