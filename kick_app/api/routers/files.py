"Files in and out: an uploaded kick's latent, and the stored files (audio, sidecar JSON, pack zips) by name."
import json, math, re

from fastapi import APIRouter, File, HTTPException, Path, Request, UploadFile
from fastapi.responses import Response

from kick_nbdev.fx import hz_to_note
from kick_nbdev.preprocess import MAX_UPLOAD_S
from kick_nbdev.service import MAX_UPLOAD_BYTES, UploadError, latent_to_list
from kick_nbdev.storage import content_type
from kick_app.api.dependencies import ERRORS, Service, heavy_work
from kick_app.api.schemas import EncodeResponse

ISSUED_NAME = r"^(kick_[0-9a-f]{32}\.(wav|flac|json)|pack_[0-9a-f]{32}\.zip)$"  # the only file names this API hands out
UPLOAD_MB = MAX_UPLOAD_BYTES // 2**20

router = APIRouter(prefix="/api")

UPLOAD_STATUS = {"too_large": 413, "unreadable": 415, "empty": 422, "unusable": 422}   # UploadError.kind -> HTTP status

@router.post("/encode", response_model=EncodeResponse, tags=["analyse"],
             responses={**ERRORS, 415: {"description": "The upload is not a readable audio file"}})
def encode(request:Request, service:Service,
           file:UploadFile=File(description=f"A kick: WAV, AIFF, FLAC, OGG or MP3, any rate, mono or stereo, <= {UPLOAD_MB} MB "
                                            f"and <= {MAX_UPLOAD_S:g} s.")):
    """The latent of an uploaded kick (preprocessed exactly like the training corpus), its pitch, and whether it sounds
    like a kick. Only the file's header is read before a longer declared length is refused (413); at most
    KICK_MAX_HEAVY uploads are decoded at once."""
    data = file.file.read(MAX_UPLOAD_BYTES + 1)
    try:
        with heavy_work(request): upload = service.read_upload(data, file.filename or "upload")
    except UploadError as e: raise HTTPException(UPLOAD_STATUS[e.kind], str(e)) from None
    pitch = upload.pitch_hz if math.isfinite(upload.pitch_hz) else None
    return EncodeResponse(latent_vector=latent_to_list(upload.latent), kick_like=upload.kick_like,
                          pitch_hz=None if pitch is None else round(pitch, 2), note=None if pitch is None else hz_to_note(pitch)[0],
                          warning=upload.warning)

@router.get("/audio/{file}", name="get_audio", tags=["files"],
            responses={404: {"description": "Not a file this API issued"}, 503: ERRORS[503]})
def get_audio(service:Service, file:str=Path(description="A name from a `wavUrl` or `metadataUrl`.",
                                              examples=["kick_3f0c9d2a7b1e4c5d8e6f0a1b2c3d4e5f.wav"])):
    "A stored audio file (or its `.json` sidecar) by the name the API issued. Content-addressed, so cached forever."
    if not re.fullmatch(ISSUED_NAME, file): raise HTTPException(404, f"{file!r} is not a file name this API issued")
    try: data = service.storage.get(file)
    except FileNotFoundError: raise HTTPException(404, f"{file} is not stored (yet, or any more)") from None
    saved_as = file
    if file.endswith((".wav", ".flac")):   # saved under its readable name (kick_F1_808_s123.wav), from its sidecar
        try: saved_as = json.loads(service.storage.get(file.rsplit(".", 1)[0] + ".json")).get("download_name") or file
        except FileNotFoundError: pass
    return Response(data, media_type=content_type(file), headers={
        "Cache-Control": "public, max-age=31536000, immutable", "ETag": f'"{file.split(".")[0]}"',
        "Content-Disposition": f'{"attachment" if file.endswith(".zip") else "inline"}; filename="{saved_as}"'})
