"Request-size limits and error handlers: a 413 that names the limit, 422s that JSON can carry, 503 for storage outages."
import logging, math

from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers

from kick_nbdev.storage import StorageUnavailable

log = logging.getLogger("kick_nbdev.api")

MAX_JSON_BODY_BYTES = 64 * 1024          # largest JSON body of the endpoints other than uploads, bytes (a 64-step request is < 10 kB)
MULTIPART_OVERHEAD_BYTES = 64 * 1024     # room for multipart headers around an upload, bytes

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

async def storage_unavailable(request:Request, exc:StorageUnavailable):
    log.warning("storage unavailable: %s", exc)
    return JSONResponse({"detail": f"storage unavailable, try again later: {exc}"}, status_code=503)

def add_error_handlers(app:FastAPI)->None:
    "The handlers above, on `app`."
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(StorageUnavailable, storage_unavailable)
