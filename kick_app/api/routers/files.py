"Files in and out: an uploaded kick's latent, and the stored files (audio, sidecar JSON, pack zips) by name."
import re

from fastapi import APIRouter, File, HTTPException, Path, UploadFile
from fastapi.responses import Response

from kick_nbdev.preprocess import AudioFileError
from kick_nbdev.service import MAX_UPLOAD_BYTES, latent_to_list
from kick_nbdev.storage import content_type
from kick_app.api.dependencies import ERRORS, Service
from kick_app.api.schemas import EncodeResponse

ISSUED_NAME = r"^(kick_[0-9a-f]{32}\.(wav|flac|json)|pack_[0-9a-f]{32}\.zip)$"  # the only file names this API hands out
UPLOAD_MB = MAX_UPLOAD_BYTES // 2**20

router = APIRouter(prefix="/api")

@router.post("/encode", response_model=EncodeResponse, tags=["analyse"],
             responses={**ERRORS, 415: {"description": "The upload is not a readable audio file"}})
def encode(service:Service, file:UploadFile=File(description=f"A kick: WAV, FLAC, OGG or AIFF, any rate, mono or stereo, <= {UPLOAD_MB} MB.")):
    "The latent of an uploaded kick (preprocessed exactly like the training corpus)."
    data = file.file.read(MAX_UPLOAD_BYTES + 1)
    name = file.filename or "upload"
    if len(data) > MAX_UPLOAD_BYTES: raise HTTPException(413, f"{name}: the upload is larger than {MAX_UPLOAD_BYTES} bytes ({UPLOAD_MB} MB)")
    if not data: raise HTTPException(422, f"{name}: the upload is empty (0 bytes)")
    try: z = service.encode_upload(data, name)
    except AudioFileError as e: raise HTTPException(415, f"not a readable audio file: {e}") from None
    except ValueError as e: raise HTTPException(422, f"{name}: {e}") from None
    return EncodeResponse(latent_vector=latent_to_list(z))

@router.get("/audio/{file}", name="get_audio", tags=["files"],
            responses={404: {"description": "Not a file this API issued"}, 503: ERRORS[503]})
def get_audio(service:Service, file:str=Path(description="A name from a `wavUrl` or `metadataUrl`.",
                                              examples=["kick_3f0c9d2a7b1e4c5d8e6f0a1b2c3d4e5f.wav"])):
    "A stored audio file (or its `.json` sidecar) by the name the API issued. Content-addressed, so cached forever."
    if not re.fullmatch(ISSUED_NAME, file): raise HTTPException(404, f"{file!r} is not a file name this API issued")
    try: data = service.storage.get(file)
    except FileNotFoundError: raise HTTPException(404, f"{file} is not stored (yet, or any more)") from None
    return Response(data, media_type=content_type(file), headers={
        "Cache-Control": "public, max-age=31536000, immutable", "ETag": f'"{file.split(".")[0]}"',
        "Content-Disposition": f'{"attachment" if file.endswith(".zip") else "inline"}; filename="{file}"'})
