"What routes share: the service (503 while there is none), library errors as 422s, and the response builders."
import secrets
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from kick_nbdev.service import GeneratedKick, KickService, KickSet
from kick_app.api.schemas import KickGenerationResponse, KickListResponse

ERRORS = {413: {"description": "Request body too large"}, 422: {"description": "Invalid input (the message says what to fix)"},
          503: {"description": "Model not loaded or storage unavailable"}}

def get_service(request:Request)->KickService:
    "The service the lifespan loaded (503 while there is none)."
    service = getattr(request.app.state, "service", None)
    if service is None:
        raise HTTPException(503, f"model not loaded: {getattr(request.app.state, 'load_error', None) or 'starting up'}")
    return service

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
    return public or str(request.url_for("get_audio", file=name))

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

def answer(request:Request, make # called without arguments: a service call that returns a GeneratedKick or a KickSet
          )->KickGenerationResponse|KickListResponse:
    "Run `make()` (its `ValueError`s as 422s) and answer with what it made: one kick, or a list of them."
    with client_errors(): made = make()
    return list_response(request, made) if isinstance(made, KickSet) else kick_response(request, made)
