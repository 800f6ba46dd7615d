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
| `KICK_STORAGE_MAX_MB`, `KICK_STORAGE_TTL_DAYS`, `KICK_STORAGE_MIN_FREE_MB`, `KICK_S3_TIMEOUT_S` | 2048, 30, 64, 2 | storage retention and health (see `kick_nbdev.storage.storage_from_env`) |
| `KICK_CORS_ORIGINS` | none (same origin only) | comma-separated origins allowed by CORS (and to POST and open the dashboard's websocket), or `*` |
| `KICK_PUBLIC_URL` | none | the server's public base URL, e.g. `https://kicks.example.com`: file URLs are built from it, never from the request's `Host` |
| `KICK_ALLOWED_HOSTS` | loopback names (+ `KICK_PUBLIC_URL`'s host) | more `Host` header names to accept (comma-separated, or `*`); others get a 400 |
| `KICK_MAX_HEAVY` | `2` | heavy requests (packs, uploads, paths of more than 16 kicks) running at once; more get a 503 with `Retry-After` |
| `KICK_HEADER_TIMEOUT_S` | `10` | `python api.py`: a connection whose request headers take longer is closed (read by `kick_app.api.serving`) |
| `KICK_TORCH_THREADS` | `1` | torch intra-op threads (decodes are serialised: one thread each keeps latency steady on a shared machine) |
| `KICK_DOCS_DIR` | `_docs` (in the working directory) | the notebooks as HTML (`make docs`), served at `/guide/` |

The library reads two more, outside the server: `KICK_NBDEV_CACHE` (where `kick_data` keeps downloads and the corpus)
and `KICK_DATA` (used by the data notebook). `Settings.from_env()` is called once by `create_app()`; a test or an
embedding program may build a `Settings` itself instead."""
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

PREFIX = "KICK_"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")  # Host names always accepted

@dataclass(frozen=True)
class Settings:
    "What the server is configured with (see the module's table)."
    env:dict = field(default_factory=dict)  # every KICK_* variable as given: `KickService.from_env` reads the model/storage ones
    cors_origins:tuple = ()                 # origins allowed by CORS; () = same-origin only
    torch_threads:int = 1                   # torch intra-op threads
    docs_dir:Path = Path("_docs")           # the rendered notebooks (`make docs`), served at /guide/
    public_url:str|None = None              # base URL of file URLs (no trailing slash); None: the request's own
    allowed_hosts:tuple = LOOPBACK_HOSTS    # Host header names accepted ("*": any)
    max_heavy:int = 2                       # heavy requests at once

    @classmethod
    def from_env(cls, environ:dict|None=None # variables to read; `os.environ` by default
                )->"Settings":
        "The settings in the environment (read once)."
        environ = os.environ if environ is None else environ
        env = {k: v for k, v in environ.items() if k.startswith(PREFIX)}
        origins = tuple(o.strip() for o in env.get("KICK_CORS_ORIGINS", "").split(",") if o.strip())
        positive = lambda key, default: _positive_int(env, key, default)
        public_url = env.get("KICK_PUBLIC_URL", "").strip().rstrip("/") or None
        if public_url is not None and (urlsplit(public_url).scheme not in ("http", "https") or not urlsplit(public_url).hostname):
            raise ValueError(f"KICK_PUBLIC_URL must be an http(s) URL such as https://kicks.example.com, got {public_url!r}")
        hosts = LOOPBACK_HOSTS + ((urlsplit(public_url).hostname,) if public_url else ()) + tuple(
            h.strip().lower() for h in env.get("KICK_ALLOWED_HOSTS", "").split(",") if h.strip())
        return cls(env=env, cors_origins=origins, torch_threads=positive("KICK_TORCH_THREADS", 1), public_url=public_url,
                   allowed_hosts=hosts, max_heavy=positive("KICK_MAX_HEAVY", 2),
                   docs_dir=Path(env.get("KICK_DOCS_DIR", "_docs")))

def _positive_int(env:dict, key:str, default:int)->int:
    value = env.get(key, str(default))
    if not value.strip().isdigit() or int(value) < 1: raise ValueError(f"{key} must be a positive integer, got {value!r}")
    return int(value)
