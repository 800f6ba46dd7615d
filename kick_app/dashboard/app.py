"""The page: the components on one `DashboardState`, in Panel's FastListTemplate; served inside the API's FastAPI app
(`mount_dashboard`) or by `panel serve dashboard.py` (`standalone_service`)."""
import functools, time
from pathlib import Path

import panel as pn
import panel.reactive, panel.theme.base
from panel.io.resources import LOCAL_DIST
from panel.theme import Fast

from kick_nbdev.deliver import render_args
from kick_nbdev.latent import check_latent
from kick_nbdev.recipe import Recipe
from kick_nbdev.service import KickService
from kick_app.dashboard.control import ControlMode
from kick_app.dashboard.explore import ExploreMode
from kick_app.dashboard.fx_mode import FxMode
from kick_app.dashboard.kick_view import KickView
from kick_app.dashboard.library_panel import LibraryPanel
from kick_app.dashboard.morph import MorphMode
from kick_app.dashboard.pack_card import PackCard
from kick_app.dashboard.player import KickPlayer
from kick_app.dashboard.random_mode import RandomMode
from kick_app.dashboard.shape import ShapeCard
from kick_app.dashboard.sidebar import Sidebar
from kick_app.dashboard.state import DashboardState, at_once
from kick_app.dashboard.widgets import ACCENT, wrap_row

pn.extension(notifications=True, design="fast", theme="dark")   # also for parts added after the page loaded (`_fill_page`)
# Panel's Fast design links a Google Fonts stylesheet. The page makes no third-party requests (offline studios,
# privacy, no console errors without internet): drop it, and the template uses the system's sans-serif.
Fast._resources = {**Fast._resources, "font": {}}
# Panel points the stylesheets of models made after the page was served (the dynamic tabs' contents) at its CDN when
# the model is not yet in a document; point them at this server's copy instead (no third-party request, offline too).
panel.reactive.CDN_DIST = panel.theme.base.CDN_DIST = LOCAL_DIST
PAGE_CSS = (Path(__file__).parent / "page.css").read_text()   # the template's own page: small screens, focus
# A live dashboard costs ~8 MB and 0.3-1 s of CPU to build: a process serves a bounded number, drops pages that never
# connected (a crawler, a tab closed while loading), and closes pages nobody has touched for a long time.
MAX_LIVE_SESSIONS = 16        # dashboards one process keeps at once; the next visitor gets a short "busy" page
UNUSED_SESSION_MS = 10_000    # a session whose page never connected (or left) is dropped after this, ms
IDLE_SESSION_S = 30 * 60      # a page without a producer's action for this long is closed (its tab says so), s
IDLE_CHECK_MS = 60_000        # how often each session checks that, ms

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
        self.player = KickPlayer(state, on_random=self.random.random_kick, on_recall=self.recall_kick, sizing_mode="stretch_width")
        self.library = LibraryPanel(on_recall=self.recall_kick, sizing_mode="stretch_width")
        doc = pn.state.curdoc
        self._deferred = doc is not None and doc.session_context is not None   # served: the rest once the page connects
        if not self._deferred: self._build_parts()
        self.random.random_kick(seed)

    def _build_parts(self):
        """The views and modes (most of a session's cost), on the kick and history made so far. On a server this runs
        once the page has connected, so that the first request only makes the player and its first kick."""
        state = self.state
        self.view = KickView(state, self.player)
        self.sidebar = Sidebar(state)
        self.pack = PackCard(state, self.random.category)
        self.control = ControlMode(state)
        self.shape = ShapeCard(state)
        self.explore = ExploreMode(state)
        self.morph = MorphMode(state, self.explore.corpus_choices())
        self.fx = FxMode(state)
        if self._deferred:   # the parts catch up on the kick and history (the player has them already), at once: their
            with at_once(): state.param.trigger("kick", "history")   # widgets get values before their views exist
        self._deferred = False

    def recall_kick(self, recall:dict, # a kick's recall data, as the browser's library kept it
                    label:str):        # what the history calls it
        "Make a kick of the library current again: its latent, seed and how it was made, and its FX chain if it had one."
        try:
            args = render_args(recall)
            recipe = Recipe(check_latent(args["latents"][0], self.state.model.latent_dim), args["seeds"][0], args["made"], label)
        except (ValueError, TypeError) as e: return self.state.notify_error(f"Cannot recall {label}: {e}")
        if self._deferred: self._build_parts()   # a recall before the page was complete
        if args["fx"] is not None: self.fx.set_fx(args["fx"])
        self.state.show_recipe(recipe)

    def __panel__(self):
        if self._page is None: self._page = self._build_page()  # Bokeh figures may sit in one place only
        return self._page

    def _build_page(self):
        """The page's shell: the player with the first kick (playable as soon as the page connects) and empty places
        for the rest, which `_fill_page` builds once the browser has connected (on a server) or at once (without one)."""
        from kick_app.dashboard.kick_view import STACK_ON_PHONE
        self._spec_slot = pn.Column(width=210, align="center", margin=0)
        self._main = pn.Column(sizing_mode="stretch_width")
        self._side = pn.Column(sizing_mode="stretch_width")
        links = ("<a href='docs' target='_blank' style='color:white'>REST API docs</a> · "
                 "<a href='guide/' target='_blank' style='color:white'>Guide (the notebooks)</a>")
        page = pn.template.FastListTemplate(
            title="kick_nbdev · kick drum timbre space", sidebar=[self._side],
            main=[pn.Row(self.player, self._spec_slot, sizing_mode="stretch_width", stylesheets=STACK_ON_PHONE), self._main],
            meta_viewport="width=device-width, initial-scale=1", raw_css=[PAGE_CSS], theme_toggle=False,
            accent=ACCENT, sidebar_width=340, main_layout=None, theme="dark", header_background="#1d1f21",
            header=[pn.pane.HTML(links, margin=(10, 20))] if self.show_api_link else [])
        doc = pn.state.curdoc
        if doc is not None and doc.session_context is not None: pn.state.onload(self._fill_page)
        else: self._fill_page()
        return page

    def _fill_page(self):
        "Everything but the player: the plots and the modes' tabs, the sidebar and the library."
        if self._deferred: self._build_parts()
        self.tabs = pn.Tabs(
            pn.Column(self.random, self.pack, name="Random"),
            pn.Column(wrap_row(self.control, self.shape, sizing_mode="stretch_width"),
                      self.control.latent_json, wrap_row(self.control.copy_button, self.control.paste_button), name="Control Panel"),
            pn.Column(self.morph, name="Interpolate"), pn.Column(self.explore, name="Explore"), pn.Column(self.fx, name="FX"),
            dynamic=True, sizing_mode="stretch_width",   # a mode's widgets and figures are built when its tab opens
            stylesheets=[".bk-header, .bk-headers-wrapper, .bk-headers { flex-wrap: wrap !important; min-width: 0; }"
                         ".bk-headers-wrapper { overflow: visible !important; } .bk-tab { padding: 4px 10px; }"
                         "@media (max-width: 767.98px) { .bk-tab { padding: 4px 4px; font-size: 11px; } }"])   # a phone: all in view
        self._spec_slot[:] = [self.view.spec_choice]
        self._main[:] = [self.view.plots(), self.tabs]
        self._side[:] = [self.sidebar, self.library]

def mount_dashboard(app, path:str="/", max_sessions:int=MAX_LIVE_SESSIONS, idle_s:float=IDLE_SESSION_S):
    """Serve the dashboard at `path` of a FastAPI `app` whose lifespan puts a `KickService` in `app.state.service`
    (`kick_app.api.create_app` does): one server, one URL, one model in memory."""
    from fastapi.responses import FileResponse
    from panel.io.fastapi import add_applications
    live = app.state.dashboards = {}   # session id -> KickDashboard, for the sessions alive now
    def page():
        service = getattr(app.state, "service", None)
        if service is None:
            reason = getattr(app.state, "load_error", None) or "the server is still starting"
            return pn.pane.Alert(f"**No model loaded**: {reason}. The API's /api/health says more.", alert_type="danger")
        if len(live) >= max_sessions:   # cheap: no model work, no figures
            return pn.pane.Alert(f"**Busy**: {len(live)} producers are using this server right now. Try again in a minute.",
                                 alert_type="warning")
        dash = KickDashboard(service, show_api_link=True)
        context = pn.state.curdoc.session_context if pn.state.curdoc is not None else None
        if context is not None:
            live[context.id] = dash
            pn.state.on_session_destroyed(lambda session_context: live.pop(session_context.id, None))
            pn.state.add_periodic_callback(lambda: close_if_idle(dash, context.id, live, idle_s), period=IDLE_CHECK_MS)
        return dash
    api_routes = set(map(id, app.routes))
    add_applications({path: page}, app=app, title="kick_nbdev", unused_session_lifetime_milliseconds=UNUSED_SESSION_MS,
                     check_unused_sessions_milliseconds=UNUSED_SESSION_MS // 2)
    guard_component_resources(app)
    for route in app.routes:  # the page is not part of the REST API: keep it out of the OpenAPI docs
        if id(route) not in api_routes and hasattr(route, "include_in_schema"): route.include_in_schema = False

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():  # Panel's own server serves it; bokeh-fastapi does not, and the page asks for it
        return FileResponse(Path(pn.__file__).parent / "dist" / "images" / "favicon.ico")

def guard_component_resources(app):
    """Replace Panel's `/components/{module}/{class}/{kind}/...` route: Panel's imports the module the URL names (any
    installed module) and answers a 500 with a traceback for paths it cannot resolve. Ours resolves only modules that
    are already imported (the page's components are) and answers 404 for everything else."""
    import sys
    from fastapi import HTTPException
    from fastapi.responses import FileResponse
    from panel.io.server import ComponentResourceHandler
    panel_routes = [r for r in app.router.routes if getattr(r, "path", "").endswith("/components/{path:path}")]
    for route in panel_routes: app.router.routes.remove(route)
    for route in panel_routes:
        @app.get(route.path, include_in_schema=False)
        def component_resource(path:str):
            if path.split("/", 1)[0] not in sys.modules: raise HTTPException(404, "no such component resource")
            try: resolved = Path(ComponentResourceHandler.parse_url_path(ComponentResourceHandler, path))
            except Exception: raise HTTPException(404, "no such component resource") from None  # tornado's HTTPError, mostly
            if not resolved.is_file(): raise HTTPException(404, "no such component resource")
            return FileResponse(resolved)

def close_if_idle(dash:KickDashboard, session_id:str, live:dict, idle_s:float):
    "Close a dashboard nobody has used for `idle_s`: its page says so (reload to go on), its memory is freed."
    if time.monotonic() - dash.state.last_action < idle_s: return
    live.pop(session_id, None)
    dash.player.close_page(f"Closed after {idle_s / 60:.0f} minutes without use, to free the server. Reload to go on: "
                           "your favourites and history are kept in this browser.")
    if pn.state.curdoc is not None: pn.state.curdoc.clear()   # the page's models and kicks go; the browser keeps its notice

@functools.lru_cache(maxsize=1)
def standalone_service()->KickService:
    "One service per `panel serve` process, from the same environment variables as the API."
    return KickService.from_env()
