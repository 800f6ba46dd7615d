"What a client needs to know: the FX settings, the model and its limits, and whether the server is healthy."
from fastapi import APIRouter, Request

from kick_nbdev.storage import StorageUnavailable
from kick_app.api.dependencies import ERRORS, Service
from kick_app.api.schemas import FX_CATALOG, FxResponse, HealthResponse, ModelResponse

router = APIRouter(prefix="/api", tags=["info"])

@router.get("/fx", response_model=FxResponse)
def fx_info():
    "The settings of the `fx` object (bounds, unit, default, meaning), the notes `tune_note` accepts, and the presets."
    return FX_CATALOG

@router.get("/model", response_model=ModelResponse, responses={503: ERRORS[503]})
def model_info(service:Service):
    "The model, the slider range of each latent dimension, and the request limits."
    return ModelResponse(**service.info())

@router.get("/health", response_model=HealthResponse)
def health(request:Request):
    "Liveness, whether the model is loaded, and whether storage answers."
    service = getattr(request.app.state, "service", None)
    if service is None:
        return HealthResponse(status="degraded", model_loaded=False, model_version=None, storage=None, storage_ok=False,
                              detail=getattr(request.app.state, "load_error", None))
    try: service.storage.check(); problem = None
    except StorageUnavailable as e: problem = str(e)
    return HealthResponse(status="degraded" if problem else "ok", model_loaded=True, model_version=service.model.version,
                          storage=service.storage.kind, storage_ok=problem is None, detail=problem)
