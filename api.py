"""The kick_nbdev REST API: generate, morph, walk, vary and encode kicks over HTTP.

Run it with either of

    python api.py --host 127.0.0.1 --port 8000
    uvicorn api:create_app --factory --host 127.0.0.1 --port 8000

Endpoints (OpenAPI with examples at /docs):

    POST /api/generate      {"latent_vector": [...], "format": "wav"}              -> KickGenerationResponse
    POST /api/random        {"format": "wav", "seed": 123}                         -> KickGenerationResponse
    POST /api/interpolate   {"start": [...], "end": [...], "steps": 8, "mode": "linear"} -> {"items": [...]}
    POST /api/variations    {"latent_vector": [...], "n": 4, "intensity": 0.3}     -> {"items": [...]}
    POST /api/walk          {"start": [...], "steps": 16, "step_size": 0.05}       -> {"items": [...]}
    POST /api/style-transfer {"body_latent": [...], "character_latent": [...], "strength": 1.0} -> KickGenerationResponse
    POST /api/pack          {"n": 16, "category": "808", "key": "F", "fx": {...}, "delivery": "url"} -> PackResponse or a zip
    POST /api/encode        multipart upload "file" (<= 10 MB)                     -> {"latent_vector": [...]}
    GET  /api/audio/{file}  a stored audio file or its sidecar JSON
    GET  /api/fx            the FX chain's settings (bounds, units, defaults, meanings), notes and presets
    GET  /api/model         the model and the limits a client needs
    GET  /api/health        liveness, model and storage status

Every POST that makes kicks (generate, random, interpolate, variations, walk) also takes an optional "fx" object:
the post-processing chain applied after decoding, e.g. {"preset": "punchy", "tune_note": "F1", "drive_db": 6}
(a preset's values, overridden by the fields given; GET /api/fx lists every field with its bounds). The settings
are recorded in the sidecar JSON and the file's metadata, and name the file: the same request gives the same file.

Named controls: /api/random and /api/variations take "category" ("808", "acoustic", "electronic", "distorted") or
"category_weights" (a blend, e.g. {"808": 0.7, "distorted": 0.3}); /api/generate and /api/random take "attributes",
the shape sliders {"pitch", "decay", "punch", "brightness", "sub"}, each within ±3 (standard deviations of that
descriptor across the model's kicks; GET /api/model says what one unit is).

Configuration: the KICK_* environment variables, documented in kick_app/api/settings.py:

    KICK_MODEL_PATH, KICK_CONTROLS_PATH, KICK_STORAGE, KICK_STORAGE_DIR, KICK_S3_*, KICK_CORS_ORIGINS, KICK_TORCH_THREADS

The application lives in the installed package `kick_app.api` (settings, schemas, dependencies, middleware, one router
per resource); this file is its entry point.
"""
from kick_app.api import create_app, main

__all__ = ["create_app", "main"]

if __name__ == "__main__":
    main()
