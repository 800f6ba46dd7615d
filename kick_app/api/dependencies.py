"""What routes share: the service (503 while there is none), library errors as 422s, slots for heavy work, a check
for clients that left, and the response builders."""
import logging, secrets
from contextlib import contextmanager
from typing import Annotated

import anyio.from_thread
from fastapi import Depends, HTTPException, Request

from kick_nbdev.service import GeneratedKick, KickService, KickSet
from kick_app.api.schemas import KickGenerationResponse, KickListResponse

log = logging.getLogger("kick_nbdev.api")

ERRORS = {400: {"description": "The body is not valid JSON, or the Host header is not this server's"},
          403: {"description": "Cross-site request from an origin that is not allowed (KICK_CORS_ORIGINS)"},
          413: {"description": "Request body too large"}, 415: {"description": "The body is not sent as application/json"},
          422: {"description": "Invalid input (the message says what to fix)"},
          503: {"description": "Model not loaded, storage unavailable, or busy (then with Retry-After)"}}
HEAVY_KICKS = 16     # a request for more kicks than this (a path, variations) is heavy work; packs and uploads always are
RETRY_AFTER_S = 2    # what a busy server tells clients to wait, s

def get_service(request:Request)->KickService:
    "The service the lifespan loaded (503 while there is none; why is in the server log, not in the answer)."
    service = getattr(request.app.state, "service", None)
    if service is None:
        failed = getattr(request.app.state, "load_error", None) is not None
        raise HTTPException(503, "model not loaded: " + ("it failed to load (the server log says why)" if failed else "starting up"))
    return service

@contextmanager
def heavy_work(request:Request):
    "Hold one of the `KICK_MAX_HEAVY` slots for heavy work while the block runs; 503 with Retry-After when all are taken."
    slots = request.app.state.heavy_slots
    if not slots.acquire(blocking=False):
        raise HTTPException(503, f"busy: {request.app.state.settings.max_heavy} heavy requests (packs, uploads, long paths) "
                                 f"are running; retry in {RETRY_AFTER_S} s", headers={"Retry-After": str(RETRY_AFTER_S)})
    try: yield
    finally: slots.release()

class ClientGone(Exception):
    "The client closed its connection: the rest of its work is abandoned."

def stop_if_client_gone(request:Request):
    "Raise `ClientGone` when `request`'s client has disconnected (from a route's worker thread, between batches)."
    if anyio.from_thread.run(request.is_disconnected): raise ClientGone(request.url.path)

Service = Annotated[KickService, Depends(get_service)]

@contextmanager
def client_errors():
    "Turn the library's input errors into 422s that carry its message."
    try: yield
    except ValueError as e: raise HTTPException(422, str(e)) from None

def new_request_id()->str:
    "A fresh request id, e.g. 'gen_9c1f2e3d4b5a'."
    return "gen_" + secrets.token_hex(6)

def file_url(request:Request, name:str, public:str|None)->str:
    "Where a client fetches stored file `name`: its direct (presigned) URL, else this API's /api/audio/{name}."
    if public: return public
    base = request.app.state.settings.public_url   # KICK_PUBLIC_URL: never the client's Host header
    return base + request.app.url_path_for("get_audio", file=name) if base else str(request.url_for("get_audio", file=name))

def kick_response(request:Request, kick:GeneratedKick, request_id:str|None=None)->KickGenerationResponse:
    "One kick as the API answers it."
    return KickGenerationResponse(wavUrl=file_url(request, kick.name, kick.url), latent_used=kick.latent,
                                  request_id=request_id or new_request_id(), seed=kick.seed,
                                  metadataUrl=file_url(request, kick.metadata_name, kick.metadata_url), fx=kick.fx,
                                  fileName=kick.download_name)

def list_response(request:Request, kicks:KickSet)->KickListResponse:
    "Several kicks as the API answers them (item ids: the request id and the index)."
    request_id = new_request_id()
    return KickListResponse(items=[kick_response(request, k, f"{request_id}_{i:02d}") for i, k in enumerate(kicks.kicks)],
                            request_id=request_id, seed=kicks.seed)

def answer(request:Request, make, # called without arguments: a service call that returns a GeneratedKick or a KickSet
           n_kicks:int=1             # how many kicks it makes: more than HEAVY_KICKS needs a heavy-work slot
          )->KickGenerationResponse|KickListResponse:
    "Run `make()` (its `ValueError`s as 422s) and answer with what it made: one kick, or a list of them."
    if n_kicks > HEAVY_KICKS:
        with heavy_work(request): return answer(request, make)
    with client_errors(): made = make()
    return list_response(request, made) if isinstance(made, KickSet) else kick_response(request, made)
