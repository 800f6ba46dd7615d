"Making kicks: one latent, a random draw, paths (interpolation, walk), variations and style transfer."
from fastapi import APIRouter, Request

from kick_app.api.dependencies import ERRORS, Service, answer
from kick_app.api.schemas import (InterpolateRequest, KickGenerationRequest, KickGenerationResponse, KickListResponse,
                                  RandomRequest, StyleTransferRequest, VariationsRequest, WalkRequest)

router = APIRouter(prefix="/api", tags=["generate"], responses=ERRORS)

@router.post("/generate", response_model=KickGenerationResponse)
def generate(body:KickGenerationRequest, request:Request, service:Service):
    "Decode one latent vector into a kick."
    return answer(request, lambda: service.generate(body.latent_vector, body.format, body.bit_depth, body.fx_settings(),
                                                    attributes=body.attributes and body.attributes.values()))

@router.post("/random", response_model=KickGenerationResponse)
def random(request:Request, service:Service, body:RandomRequest|None=None):
    "A new kick from the prior (or a category's region of it). The same `seed` and category give the same kick again; the body may be omitted."
    body = body or RandomRequest()
    return answer(request, lambda: service.random(body.seed, body.format, body.bit_depth, body.fx_settings(),
                                                  category=body.category_spec(),
                                                  attributes=body.attributes and body.attributes.values()))

@router.post("/interpolate", response_model=KickListResponse)
def interpolate(body:InterpolateRequest, request:Request, service:Service):
    "`steps` kicks morphing from `start` to `end` (both included), decoded in one batch."
    return answer(request, lambda: service.interpolate(body.start, body.end, body.steps, body.mode, body.format,
                                                       body.bit_depth, body.fx_settings()))

@router.post("/variations", response_model=KickListResponse)
def variations(body:VariationsRequest, request:Request, service:Service):
    "`n` kicks near `latent_vector`; `intensity` sets how far (the same `seed` gives the same variations)."
    return answer(request, lambda: service.variations(body.latent_vector, body.n, body.intensity, body.seed, body.format,
                                                      body.bit_depth, body.fx_settings(), category=body.category_spec()))

@router.post("/style-transfer", response_model=KickGenerationResponse)
def style_transfer(body:StyleTransferRequest, request:Request, service:Service):
    "The pitch and decay of `body_latent` with the click, tone and everything else of `character_latent`."
    return answer(request, lambda: service.style_transfer(body.body_latent, body.character_latent, body.strength,
                                                          body.format, body.bit_depth, body.fx_settings()))

@router.post("/walk", response_model=KickListResponse)
def walk(body:WalkRequest, request:Request, service:Service):
    "A smooth random walk of `steps` kicks from `start`, staying inside the slider ranges."
    return answer(request, lambda: service.walk(body.start, body.steps, body.step_size, body.seed, body.format,
                                                body.bit_depth, body.fx_settings()))
