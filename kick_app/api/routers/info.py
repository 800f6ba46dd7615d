"What a client needs to know: the FX settings, the model and its limits, and whether the server is healthy."
import logging, threading
from concurrent.futures import ThreadPoolExecutor, TimeoutError as FutureTimeout

from fastapi import APIRouter, Request

from kick_nbdev.storage import StorageFull, StorageUnavailable
from kick_app.api.dependencies import ERRORS, Service
from kick_app.api.schemas import FX_CATALOG, FxResponse, HealthResponse, ModelResponse

router = APIRouter(prefix="/api", tags=["info"])
log = logging.getLogger("kick_nbdev.api")

HEALTH_DEADLINE_S = 1.0   # /api/health answers within this even when the storage hangs, s
_check_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="storage-check")  # a hung store holds one thread
_check_lock = threading.Lock()
_checks = {}              # storage -> its check in flight: concurrent health requests wait for the same one

def storage_problem(storage)->str|None:
    "What is wrong with `storage` in words a client may see (None: a real write just worked), within HEALTH_DEADLINE_S."
    with _check_lock:
        future = _checks.get(id(storage))
        if future is None or future.done(): future = _checks[id(storage)] = _check_thread.submit(storage.check)
    try: future.result(timeout=HEALTH_DEADLINE_S); return None
    except FutureTimeout: return f"storage did not answer within {HEALTH_DEADLINE_S:g} s"
    except StorageUnavailable as e:
        log.warning("health: %s", e)   # the path, bucket or endpoint: for the operator only
        return "storage is (nearly) full" if isinstance(e, StorageFull) else "storage cannot be written (the server log says why)"

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
    """Liveness, whether the model is loaded, and whether storage takes a real write (with room to spare), answered
    within 1 s even when the storage hangs."""
    service = getattr(request.app.state, "service", None)
    if service is None:
        failed = getattr(request.app.state, "load_error", None) is not None
        return HealthResponse(status="degraded", model_loaded=False, model_version=None, storage=None, storage_ok=False,
                              detail="model not loaded: " + ("it failed to load (the server log says why)" if failed else "starting up"))
    problem = storage_problem(service.storage)
    return HealthResponse(status="degraded" if problem else "ok", model_loaded=True, model_version=service.model.version,
                          storage=service.storage.kind, storage_ok=problem is None, detail=problem)
