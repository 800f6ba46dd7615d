"The REST API: `create_app()` builds the FastAPI application (see `kick_app.api.app`)."
from kick_app.api.app import create_app, main

__all__ = ["create_app", "main"]
