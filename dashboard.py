"""The kick_nbdev dashboard: generate, steer, morph and explore kicks in the browser.

Run it with the API (one server, one URL: the dashboard at /, the API under /api, the docs at /docs):

    make serve                      # = python api.py --port 8000

or on its own:

    panel serve dashboard.py        # reads KICK_MODEL_PATH and the KICK_STORAGE* variables like the API

The page lives in the installed package `kick_app.dashboard`: one `DashboardState` (state.py: the current kick, the
history, the FX chain heard, the sequence playing, the caches) shared by one component per mode or view (random_mode,
pack_card, control, shape, morph, explore, fx_mode, kick_view, sidebar, player + player.js); app.py composes them.
Kicks are made by `kick_nbdev.recipe` and decoded, rendered and stored by `kick_nbdev.service.KickService`, exactly
as the REST API makes them. This file is the entry point.
"""
import panel as pn

from kick_app.dashboard.app import KickDashboard, mount_dashboard, standalone_service
from kick_app.dashboard.shape import pitch_text
from kick_app.dashboard.state import wav_base64

__all__ = ["KickDashboard", "mount_dashboard", "pitch_text", "standalone_service", "wav_base64"]

if pn.state.served:
    KickDashboard(standalone_service()).servable(title="kick_nbdev")
