"""The page: the components on one `DashboardState`, in Panel's FastListTemplate; served inside the API's FastAPI app
(`mount_dashboard`) or by `panel serve dashboard.py` (`standalone_service`)."""
import functools
from pathlib import Path

import panel as pn
from panel.theme import Fast

from kick_nbdev.service import KickService
from kick_app.dashboard.control import ControlMode
from kick_app.dashboard.explore import ExploreMode
from kick_app.dashboard.fx_mode import FxMode
from kick_app.dashboard.kick_view import KickView
from kick_app.dashboard.morph import MorphMode
from kick_app.dashboard.pack_card import PackCard
from kick_app.dashboard.player import KickPlayer
from kick_app.dashboard.random_mode import RandomMode
from kick_app.dashboard.shape import ShapeCard
from kick_app.dashboard.sidebar import Sidebar
from kick_app.dashboard.state import DashboardState
from kick_app.dashboard.widgets import ACCENT

pn.extension(notifications=True)
# Panel's Fast design links a Google Fonts stylesheet. The page makes no third-party requests (offline studios,
# privacy, no console errors without internet): drop it, and the template uses the system's sans-serif.
Fast._resources = {**Fast._resources, "font": {}}

class KickDashboard(pn.viewable.Viewer):
    "One producer's session: the state, and one component per mode or view; the template only composes them."
    def __init__(self, service:KickService,     # the generation service (model + storage), shared with the API
                 seed:int|None=None,            # seed of the first kick; None = a new one
                 show_api_link:bool=False,      # link the API's docs and the guide in the header (when served with the API)
                 **params):
        super().__init__(**params)
        self.show_api_link, self._page = show_api_link, None
        self.state = state = DashboardState(service)
        self.random = RandomMode(state)
        self.player = KickPlayer(state, on_random=self.random.random_kick, sizing_mode="stretch_width", height=40)
        self.view = KickView(state, self.player)
        self.sidebar = Sidebar(state)
        self.pack = PackCard(state, self.random.category)
        self.control = ControlMode(state)
        self.shape = ShapeCard(state)
        self.explore = ExploreMode(state)
        self.morph = MorphMode(state, self.explore.corpus_choices())
        self.fx = FxMode(state)
        self.random.random_kick(seed)

    def __panel__(self):
        if self._page is None: self._page = self._build_page()  # Bokeh figures may sit in one place only
        return self._page

    def _build_page(self):
        self.tabs = pn.Tabs(
            pn.Column(self.random, self.pack, name="Random"),
            pn.Column(pn.Row(self.control, self.shape, sizing_mode="stretch_width"),
                      self.control.latent_json, pn.Row(self.control.copy_button, self.control.paste_button), name="Control Panel"),
            pn.Column(self.morph, name="Interpolate"), pn.Column(self.explore, name="Explore"), pn.Column(self.fx, name="FX"),
            dynamic=False, sizing_mode="stretch_width")
        links = ("<a href='docs' target='_blank' style='color:white'>REST API docs</a> · "
                 "<a href='guide/' target='_blank' style='color:white'>Guide (the notebooks)</a>")
        return pn.template.FastListTemplate(
            title="kick_nbdev · kick drum timbre space", sidebar=[self.sidebar], main=[self.view, self.tabs],
            accent=ACCENT, sidebar_width=340, main_layout=None, theme="dark", header_background="#1d1f21",
            header=[pn.pane.HTML(links, margin=(10, 20))] if self.show_api_link else [])

def mount_dashboard(app, path:str="/"):
    """Serve the dashboard at `path` of a FastAPI `app` whose lifespan puts a `KickService` in `app.state.service`
    (`kick_app.api.create_app` does): one server, one URL, one model in memory."""
    from fastapi.responses import FileResponse
    from panel.io.fastapi import add_applications
    def page():
        service = getattr(app.state, "service", None)
        if service is None:
            reason = getattr(app.state, "load_error", None) or "the server is still starting"
            return pn.pane.Alert(f"**No model loaded**: {reason}. The API's /api/health says more.", alert_type="danger")
        return KickDashboard(service, show_api_link=True)
    api_routes = set(map(id, app.routes))
    add_applications({path: page}, app=app, title="kick_nbdev")
    for route in app.routes:  # the page is not part of the REST API: keep it out of the OpenAPI docs
        if id(route) not in api_routes and hasattr(route, "include_in_schema"): route.include_in_schema = False

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():  # Panel's own server serves it; bokeh-fastapi does not, and the page asks for it
        return FileResponse(Path(pn.__file__).parent / "dist" / "images" / "favicon.ico")

@functools.lru_cache(maxsize=1)
def standalone_service()->KickService:
    "One service per `panel serve` process, from the same environment variables as the API."
    return KickService.from_env()
