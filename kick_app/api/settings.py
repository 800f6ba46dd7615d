"""The server's settings: every `KICK_*` environment variable, read once per application.

| variable | default | meaning |
|---|---|---|
| `KICK_MODEL_PATH` | the shipped `kick_nbdev/weights/kick_vae.pt` | checkpoint to serve |
| `KICK_CONTROLS_PATH` | beside the checkpoint (`*.controls.json`) | the model's category prior and shape directions |
| `KICK_STORAGE` | `local` | `local` or `s3` |
| `KICK_STORAGE_DIR` | `./generated` | local storage directory |
| `KICK_S3_BUCKET` | (none; needed for s3) | S3-compatible bucket; credentials through boto3's usual `AWS_*` variables |
| `KICK_S3_PREFIX` | `kicks/` | key prefix in the bucket |
| `KICK_S3_ENDPOINT_URL` | AWS | endpoint of an S3-compatible store (MinIO, moto, ...) |
| `KICK_S3_REGION` | boto3's | region name |
| `KICK_S3_URL_EXPIRES_S` | `3600` | lifetime of presigned download URLs, seconds |
| `KICK_CORS_ORIGINS` | none (same origin only) | comma-separated origins allowed by CORS, or `*` |
| `KICK_TORCH_THREADS` | `1` | torch intra-op threads (decodes are serialised: one thread each keeps latency steady on a shared machine) |

The library reads two more, outside the server: `KICK_NBDEV_CACHE` (where `kick_data` keeps downloads and the corpus)
and `KICK_DATA` (used by the data notebook). `Settings.from_env()` is called once by `create_app()`; a test or an
embedding program may build a `Settings` itself instead."""
import os
from dataclasses import dataclass, field

PREFIX = "KICK_"

@dataclass(frozen=True)
class Settings:
    "What the server is configured with (see the module's table)."
    env:dict = field(default_factory=dict)  # every KICK_* variable as given: `KickService.from_env` reads the model/storage ones
    cors_origins:tuple = ()                 # origins allowed by CORS; () = same-origin only
    torch_threads:int = 1                   # torch intra-op threads

    @classmethod
    def from_env(cls, environ:dict|None=None # variables to read; `os.environ` by default
                )->"Settings":
        "The settings in the environment (read once)."
        environ = os.environ if environ is None else environ
        env = {k: v for k, v in environ.items() if k.startswith(PREFIX)}
        origins = tuple(o.strip() for o in env.get("KICK_CORS_ORIGINS", "").split(",") if o.strip())
        threads = env.get("KICK_TORCH_THREADS", "1")
        if not threads.strip().isdigit() or int(threads) < 1:
            raise ValueError(f"KICK_TORCH_THREADS must be a positive integer, got {threads!r}")
        return cls(env=env, cors_origins=origins, torch_threads=int(threads))
