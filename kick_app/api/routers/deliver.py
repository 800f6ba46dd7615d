"""Kicks as files a producer keeps: any kick made from its recall data under its readable name (what the page's drag
into a DAW and its download button fetch: WAV 16/24-bit or FLAC, trimmed to the hit or not), and favourites as a zip
in the sample-pack format."""
import re
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from kick_nbdev.deliver import MAX_FAVOURITES, MAX_TOKEN_CHARS, favourites_zip, read_recall_token, render_args, trimmed_file
from kick_nbdev.storage import content_type
from kick_app.api.dependencies import ERRORS, Service, client_errors

FILE_NAME = r"[A-Za-z0-9][A-Za-z0-9 _.()-]{0,115}\.(wav|flac)"   # names a download may take (no paths, no quotes)
IMMUTABLE = "public, max-age=31536000, immutable"   # one URL (name + recall + trim) always gives the same bytes

router = APIRouter(prefix="/api", tags=["files"])

@router.get("/kick/{name}", name="kick_file", responses={**ERRORS, 200: {"content": {"audio/wav": {}, "audio/flac": {}}}})
def kick_file(service:Service,
              name:str=Path(description="The file name to save it as; its extension (.wav / .flac) is the format.",
                            examples=["kick_F1_808_s123.wav"]),
              recall:str=Query(max_length=MAX_TOKEN_CHARS, description="The kick's recall data as a token (what the page's "
                               "links carry: URL-safe base64 of {latent, seed, fx, category, attributes, style_transfer, bit_depth})."),
              bit_depth:int|None=Query(None, description="PCM bits, 16 or 24; default: the recall data's, else 16."),
              trim:bool=Query(False, description="Cut the silence before the transient (no pre-roll).")):
    "A kick made (or found stored) from its recall data, as a file called `name`: what a drag into a DAW fetches."
    if not re.fullmatch(FILE_NAME, name): raise HTTPException(422, f"{name!r} is not a file name a kick can take "
                                                                   "(letters, digits, spaces, _ - . ( ), ending in .wav or .flac)")
    fmt = name.rsplit(".", 1)[1].lower()
    with client_errors():
        data = read_recall_token(recall)
        kick = service.render(fmt=fmt, bit_depth=bit_depth or data.get("bit_depth") or 16, **render_args(data))[0]
    audio = service.storage.get(kick.name)
    if trim: audio = trimmed_file(audio)
    return Response(audio, media_type=content_type(kick.name),
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": IMMUTABLE})

class Favourite(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name:str = Field(min_length=1, max_length=120, description="What the producer calls it: the file's name in the zip.")
    recall:dict = Field(description="The kick's recall data (latent, seed, fx, category, attributes, style_transfer).")

class FavouritesRequest(BaseModel):
    "A producer's favourites, in their order."
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"kicks": [
        {"name": "kick_F1_808_s123.wav", "recall": {"latent": [0.87, -0.12, 0.45, -0.67, 0.03, 0.91, -0.22, 0.5], "seed": 123}}]}]})
    kicks:Annotated[list[Favourite], Field(min_length=1, max_length=MAX_FAVOURITES)]
    format:Literal["wav", "flac"] = "wav"
    bit_depth:Literal[16, 24] = 16

@router.post("/favourites", responses={**ERRORS, 200: {"content": {"application/zip": {}},
                                                        "description": "kick_favourites.zip: the kicks, manifest.csv, manifest.json"}})
def favourites(body:FavouritesRequest, service:Service):
    "Favourites as a zip in the sample-pack format: each kick made again from its recall data, under its name, with the manifests."
    with client_errors():
        data, _ = favourites_zip(service, [k.model_dump() for k in body.kicks], body.format, body.bit_depth)
    return Response(data, media_type="application/zip",
                    headers={"Content-Disposition": 'attachment; filename="kick_favourites.zip"'})
