"Sample packs: the most different kicks of a seeded pool, named, measured and zipped."
from fastapi import APIRouter, Request
from fastapi.responses import Response

from kick_app.api.dependencies import ERRORS, Service, client_errors, file_url, new_request_id
from kick_app.api.schemas import PackRequest, PackResponse

router = APIRouter(prefix="/api", tags=["generate"])

@router.post("/pack", response_model=PackResponse,
             responses={**ERRORS, 200: {"content": {"application/zip": {}},
                                        "description": "The manifest and the zip's URL, or (delivery `zip`) the zip itself."}})
def pack(body:PackRequest, request:Request, service:Service):
    "A sample pack of `n` kicks chosen to differ from each other, named by note and category, with a manifest, zipped."
    with client_errors():
        made = service.pack(body.n, body.seed, body.category_spec(), body.fx_settings(), body.key, body.format, body.bit_depth)
    if body.delivery == "zip":
        return Response(made.to_zip(), media_type="application/zip",
                        headers={"Content-Disposition": f'attachment; filename="{made.name}.zip"'})
    name, public_url = service.store_pack(made)
    return PackResponse(zipUrl=file_url(request, name, public_url), name=made.name, seed=made.info["pack_seed"],
                        kicks=made.kicks, info=made.info, request_id=new_request_id())
