"Building blocks the components share: colours, an immediate slider, a render throttle, waveform strips, figures."
import time

import numpy as np
import panel as pn
from bokeh.core.property.descriptors import UnsetValueError
from bokeh.models import ColumnDataSource, Range1d
from bokeh.plotting import figure

from kick_nbdev.viz import minmax_envelope

WRAP_TITLE = ".bk-slider-title { white-space: normal !important; overflow-wrap: anywhere; }"   # a long title wraps on a phone
SLIDER_INTERVAL_MS = 50       # at most one re-render per this while a slider is dragged (the last position always renders)
STRIP_POINTS = 96             # envelope columns per waveform strip
STRIP_FILL, STRIP_GAP = "#888888", 0.9  # background of a strip; width of a strip in a slot of width 1
ACCENT = "#f25c05"            # current kick
B_COLOUR = "#8a9bb0"          # previous kick / uploaded original (A/B overlay)

class ImmediateSlider(pn.widgets.FloatSlider):
    """A FloatSlider whose moves reach Python at once. Panel normally waits 50 ms to coalesce a widget's changes;
    the dashboard throttles slider renders itself (leading edge at once, then at most one per SLIDER_INTERVAL_MS),
    so the first move of a drag or a key press is heard without that wait."""
    _priority_changes = ["value", "value_throttled"]

class Throttle:
    """Renders asked for by a control being dragged: the first at once, then at most one per `interval_ms` (a timer
    runs the one held back, reading the controls' latest values), so the last position always renders."""
    def __init__(self, render,                         # called without arguments
                 interval_ms:float=SLIDER_INTERVAL_MS): # least time between two renders, ms
        self.render, self.interval_ms = render, interval_ms
        self.last = 0.0       # perf_counter of the last render, s
        self.pending = None   # True / "scheduled" while a request waits for its render

    def request(self):
        "Ask for a render."
        elapsed_ms = (time.perf_counter() - self.last) * 1000
        doc = pn.state.curdoc
        if elapsed_ms >= self.interval_ms or doc is None or doc.session_context is None:
            self.pending = True
            return self.flush()
        if self.pending == "scheduled": return
        self.pending = "scheduled"
        pn.state.add_periodic_callback(self.flush, period=max(1, int(self.interval_ms - elapsed_ms)), count=1)

    def flush(self):
        "Render now if a request waits."
        if not self.pending: return
        self.pending, self.last = None, time.perf_counter()
        self.render()

def make_figure(**kw):
    "A Bokeh figure with the dashboard's defaults."
    defaults = dict(sizing_mode="stretch_width", height=260, toolbar_location="above", tools="xpan,xwheel_zoom,reset")
    p = figure(**{**defaults, **kw})
    p.toolbar.logo = None
    return p

def drawn_size(fig, attr:str, default:int)->int: # pixels
    "The size the browser reported for `fig` (`inner_width` / `inner_height`), or `default` before it has."
    try: return max(int(getattr(fig, attr) or default), 1)
    except UnsetValueError: return default

class KickStrips:
    "A row of small waveform strips, one per kick, in one Bokeh figure; a click on a strip calls `on_pick(index)`."
    def __init__(self, title:str, # the figure's title
                 name:str,        # prefix of the sources' names ("<name>_steps", "<name>_strips"), to find them in BokehJS
                 on_pick          # called with the index of the clicked strip
                ):
        self.patches = ColumnDataSource(dict(xs=[], ys=[]), name=f"{name}_strips")
        self.boxes = ColumnDataSource(dict(left=[], right=[], label=[], fill=[]), name=f"{name}_steps")
        fig = make_figure(title=title, height=150, tools="tap", x_range=Range1d(0, 8), y_range=Range1d(-1.25, 1.1))
        fig.quad(left="left", right="right", bottom=-1.05, top=1.05, source=self.boxes, fill_color="fill", fill_alpha=0.25,
                 line_color=None, nonselection_fill_alpha=0.25, selection_fill_alpha=0.5)
        fig.patches("xs", "ys", source=self.patches, color=ACCENT, line_width=0.5)
        fig.text(x="left", y=-1.22, text="label", source=self.boxes, text_font_size="9pt", text_color="#888",
                 nonselection_text_alpha=1.0)
        fig.axis.visible, fig.grid.visible = False, False
        self.boxes.selected.on_change("indices", lambda attr, old, new: new and on_pick(new[0]))
        self.fig = fig
        # the same choice from the keyboard (and for screen readers): one button per strip
        self.keys = pn.widgets.RadioButtonGroup(label=f"{title.split(' (')[0]}: pick one", options=[], value=None,
                                                visible=False, stylesheets=[".bk-btn-group { flex-wrap: wrap !important; }"])
        self.keys.param.watch(lambda e: e.new is not None and not self._drawing and on_pick(self.keys.options.index(e.new)), "value")
        self._drawing = False

    def view(self)->pn.Column:
        "The strips and their buttons."
        return pn.Column(pn.pane.Bokeh(self.fig, sizing_mode="stretch_width"), self.keys, sizing_mode="stretch_width")

    def draw(self, audio:np.ndarray, # (n, n_samples) the kicks
             labels:list):           # n short labels under the strips
        "Replace the strips (Bokeh models: call under the document lock)."
        n = len(audio)
        lo, hi = minmax_envelope(audio, STRIP_POINTS)
        x = np.linspace(0, STRIP_GAP, STRIP_POINTS)
        with pn.io.hold():
            self.patches.data = dict(xs=[np.r_[i + x, i + x[::-1]] for i in range(n)], ys=[np.r_[h, l[::-1]] for h, l in zip(hi, lo)])
            self.boxes.selected.indices = []
            self.boxes.data = dict(left=np.arange(n) - 0.02, right=np.arange(n) + STRIP_GAP + 0.02, label=list(labels),
                                   fill=[STRIP_FILL] * n)
            self.fig.x_range.update(start=-0.1, end=n)
        self._drawing = True
        try: self.keys.param.update(options=[f"▶ {label}" for label in labels], value=None, visible=n > 0)
        finally: self._drawing = False

    def highlight(self, i:int): # the strip to mark (-1: none)
        "Mark strip `i` (the one sounding)."
        n = len(self.boxes.data["fill"])
        if n: self.boxes.patch({"fill": [(slice(0, n), [ACCENT if j == i else STRIP_FILL for j in range(n)])]})

    def follow(self, state, kind:str):
        "Light the step of a sequence of `kind` as it sounds, and nothing once that sequence stops (`DashboardState`)."
        state.param.watch(lambda e: state.sequence_kind == kind and state.in_document(lambda: self.highlight(e.new)), "step")
        state.param.watch(lambda e: e.old == kind and e.new is None and state.in_document(lambda: self.highlight(-1)),
                          "sequence_kind")

def wrap_row(*objects, **params)->pn.FlexBox:
    "A row that wraps onto the next line when the screen is too narrow (a phone), instead of running off its edge."
    return pn.FlexBox(*objects, flex_wrap="wrap", align_items="flex-end",   # an item may shrink to the screen, not past it
                      stylesheets=['div[id^="flexbox"] > div { min-width: 0; max-width: 100%; }'], **params)
