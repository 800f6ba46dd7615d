"The Make pack card: size, key and FX of a sample pack, built in a background thread with a progress bar, then a zip."
import functools, io, logging, threading, time
from dataclasses import replace

import panel as pn
from panel.io.state import set_curdoc

from kick_nbdev.fx import FX_PRESETS, NOTE_NAMES
from kick_nbdev.latent import resolve_seed
from kick_nbdev.pack import PACK_SIZES, POOL_FACTOR, Pack
from kick_nbdev.recipe import category_label
from kick_app.dashboard.widgets import wrap_row
from kick_app.dashboard.state import DashboardState

log = logging.getLogger("kick_nbdev.dashboard")

PACK_DEFAULT_SIZE = 16        # kicks in a pack unless the producer asks for another number
NO_FX, CURRENT_FX = "none", "current FX settings"  # the pack FX selector's entries besides the presets

class PackCard(pn.viewable.Viewer):
    "A cohesive, varied pack from the category picked in Random mode (`KickService.pack`, 19_pack)."
    def __init__(self, state:DashboardState,
                 category,                 # callable: the category picked (None, a name or a blend), as `RandomMode.category`
                 **params):
        super().__init__(**params)
        self.state, self.category, w = state, category, pn.widgets
        self.made:Pack|None = None        # the last pack made
        self._zip = b""                   # ... as a zip file
        self._thread = None               # the thread building a pack
        self.pack_size = w.IntSlider(label="Kicks", start=PACK_SIZES[0], end=PACK_SIZES[1], value=PACK_DEFAULT_SIZE, width=220)
        self.pack_key = w.Select(label="Key (tune every kick)", options=["off", *NOTE_NAMES], value="off", width=150)
        self.pack_fx = w.Select(label="FX", options=[NO_FX, *FX_PRESETS, CURRENT_FX], value=NO_FX, width=180)
        self.pack_button = w.Button(label="Make pack", color="primary", align="end")
        self.pack_button.on_click(lambda e: self.start_pack())
        self.pack_progress = pn.indicators.Progress(value=0, max=100, visible=False, sizing_mode="stretch_width",
                                                    bar_color="success")
        self.pack_download = w.FileDownload(callback=lambda: io.BytesIO(self._zip), filename="kick_pack.zip",
                                            label="⬇ Pack (zip)", color="success", visible=False, width=220)
        self.pack_summary = pn.pane.Markdown(sizing_mode="stretch_width")

    def pack_settings(self)->dict: # `KickService.pack`'s fx (settings, a preset name or None) and key
        """The FX and key the card asks for. With the FX tab's settings, their tuning is the pack's key (`make_pack` reads
        an fx tune_note as the key) unless the card sets one: the card's key wins."""
        key = None if self.pack_key.value == "off" else self.pack_key.value
        if self.pack_fx.value != CURRENT_FX: return dict(fx=None if self.pack_fx.value == NO_FX else self.pack_fx.value, key=key)
        settings = self.state.fx
        if settings is not None and key is not None: settings = replace(settings, tune_note=None)
        return dict(fx=settings, key=key)

    def start_pack(self, n:int|None=None, seed:int|None=None):
        "Build a pack in a background thread (the server keeps serving), the progress bar following, then offer its zip."
        if self._thread is not None and self._thread.is_alive(): return self.state.notify_error("a pack is being made: wait for it")
        try: category, settings, seed = self.category(), self.pack_settings(), resolve_seed(seed)
        except ValueError as e: return self.state.notify_error(f"pack: {e}")
        n = int(n or self.pack_size.value)
        self.pack_button.disabled, self.pack_download.visible = True, False
        self.pack_progress.param.update(value=0, visible=True)
        self.pack_summary.object = f"making {n} kicks…"
        work = functools.partial(self._work, pn.state.curdoc, n, seed, category, settings)
        self._thread = threading.Thread(target=work, name="kick-pack", daemon=True)
        self._thread.start()

    def _work(self, doc, n, seed, category, settings):
        "The pack thread: widgets change only in the session's next ticks (under the document lock)."
        in_document = self.state.in_document
        with set_curdoc(doc):  # so that `in_document` finds the session from this thread
            progress = lambda done, total: in_document(functools.partial(setattr, self.pack_progress, "value", 100 * done // total))
            start = time.perf_counter()
            try:
                pack = self.state.service.pack(n, seed, category, progress=progress, length_s=self.state.length_s, **settings)
                data, elapsed_s = pack.to_zip(), time.perf_counter() - start
            except Exception as e:  # the thread's end: the card must come back whatever went wrong
                log.exception("pack of %d kicks (seed %d) failed", n, seed)
                return in_document(functools.partial(self._failed, f"pack: {e}"))
            in_document(functools.partial(self._done, pack, data, category, elapsed_s))

    def _failed(self, message:str):
        self.pack_button.disabled, self.pack_progress.visible = False, False
        self.pack_summary.object = ""
        self.state.notify_error(message)

    def _done(self, pack:Pack, data:bytes, category, elapsed_s:float):
        info, kicks = pack.info, pack.kicks
        self.made, self._zip = pack, data
        self.pack_progress.value, self.pack_button.disabled = 100, False
        self.pack_download.param.update(filename=f"{pack.name}.zip", visible=True)
        fx = info["fx_preset"] or ("custom FX" if info["fx"] else "no FX")
        self.pack_summary.object = (
            f"**{info['n']} kicks** ({'any category' if category is None else category_label(category)}), "
            f"notes {kicks[0]['note']}–{kicks[-1]['note']}" + (f", tuned to {info['key']}" if info["key"] else "") +
            f", {fx}" + (f", {info['length_s']:g} s long" if info.get("length_s") else "") + f" · seed {info['pack_seed']} · made in {elapsed_s:.1f} s · {len(data) / 1e6:.1f} MB")

    def __panel__(self):
        return pn.Card(
            pn.pane.Markdown("A cohesive, varied pack from the category picked above: the kicks farthest apart among "
                             f"{POOL_FACTOR} candidates each, ordered by pitch, with a manifest (CSV + JSON) of their note, "
                             "decay and loudness. A key tunes every kick to that pitch class (kicks that will not tune are "
                             "replaced); with the current FX settings, their tuning is the key unless one is picked here. The kicks "
                             "are as long as the sidebar's Length."),
            wrap_row(self.pack_size, self.pack_key, self.pack_fx, self.pack_button),
            self.pack_progress, wrap_row(self.pack_download, self.pack_summary, sizing_mode="stretch_width"),
            title="Sample pack", collapsed=False, sizing_mode="stretch_width")
