"The kick view: waveform (A = current, B = the reference) and spectrogram of A or B."
import numpy as np
import panel as pn
from bokeh.models import ColorBar, ColumnDataSource, FixedTicker, HoverTool, LinearColorMapper, Range1d
from bokeh.palettes import Magma256

from kick_nbdev.viz import log_spectrogram
from kick_app.dashboard.state import DashboardState
from kick_app.dashboard.widgets import ACCENT, B_COLOUR, make_figure

SPEC_TICKS_HZ = [20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000]
SPEC_FLOOR_DB = -90.0         # bottom of the spectrogram's colour scale, dBFS
STACK_ON_PHONE = ["@media (max-width: 767.98px) { :host { flex-direction: column !important; } }"]   # a row's items, stacked

class KickView(pn.viewable.Viewer):
    "Waveform and spectrogram of the current kick, with the player above them."
    def __init__(self, state:DashboardState, player, **params):
        super().__init__(**params)
        self.state, self.player, m = state, player, state.model
        self.spec_choice = pn.widgets.RadioButtonGroup(options={"Spectrogram of A": "A", "of B": "B"}, value="A", width=210,
                                                       align="center")
        self.spec_choice.param.watch(lambda e: state.in_document(self._draw_spectrogram), "value")
        t_ms = np.arange(m.n_samples, dtype=np.float32) * 1000 / m.sample_rate
        duration_ms = m.n_samples * 1000 / m.sample_rate
        self.wave_source = ColumnDataSource(dict(t_ms=t_ms, a=np.zeros_like(t_ms), b=np.zeros_like(t_ms)), name="waveform")
        p = make_figure(title="Waveform (A = current, B = previous)", x_axis_label="time (ms)", y_range=Range1d(-1.05, 1.05),
                        x_range=Range1d(0, duration_ms, bounds=(0, duration_ms)))
        p.line("t_ms", "b", source=self.wave_source, color=B_COLOUR, alpha=0.8, legend_label="B", name="wave_b")
        p.line("t_ms", "a", source=self.wave_source, color=ACCENT, legend_label="A", name="wave_a")
        p.legend.location, p.legend.orientation, p.legend.background_fill_alpha = "top_right", "horizontal", 0.5
        self.wave_fig = p

        image, freqs_hz, _ = log_spectrogram(np.zeros(m.n_samples, np.float32), m.sample_rate, floor_db=SPEC_FLOOR_DB)
        self.spec_source = ColumnDataSource(dict(image=[image], x=[0.0], y=[freqs_hz[0]], dw=[duration_ms],
                                                 dh=[freqs_hz[-1] - freqs_hz[0]]), name="spectrogram")
        mapper = LinearColorMapper(palette=Magma256, low=SPEC_FLOOR_DB, high=0.0)
        s = make_figure(title="Spectrogram (log frequency)", x_axis_label="time (ms)", y_axis_label="Hz", y_axis_type="log",
                        x_range=self.wave_fig.x_range, y_range=Range1d(float(freqs_hz[0]), float(freqs_hz[-1])))
        s.image("image", x="x", y="y", dw="dw", dh="dh", source=self.spec_source, color_mapper=mapper, name="spec_image")
        s.yaxis.ticker = FixedTicker(ticks=SPEC_TICKS_HZ)
        s.yaxis.major_label_overrides = {f: (f"{f // 1000}k" if f >= 1000 else str(f)) for f in SPEC_TICKS_HZ}
        s.add_layout(ColorBar(color_mapper=mapper, title="dBFS", width=10), "right")
        s.add_tools(HoverTool(tooltips=[("time", "$x{0.0} ms"), ("freq", "$y{0} Hz"), ("level", "@image{0.0} dBFS")]))
        self.spec_fig = s
        state.param.watch(lambda e: state.in_document(lambda: self._draw(e.new)), "kick")

    def _draw(self, kick):
        if kick is not self.state.kick: return  # a newer kick is current already
        ref_audio, ref_label = self.state.reference(kick)
        a, b = self.state.heard(kick), np.asarray(ref_audio, np.float32)
        with pn.io.hold():
            if a.size != len(self.wave_source.data["t_ms"]): self._set_duration(a, b)   # the Length changed
            else: self.wave_source.data.update(a=a, b=b)  # sends only the changed columns (not the time axis)
            self.wave_fig.title.text = f"Waveform (A = current, B = {ref_label})"
            self._draw_spectrogram()

    def _set_duration(self, a:np.ndarray, b:np.ndarray): # (T,) A and B at the sidebar's Length
        "A new time axis (and x range, and spectrogram width) for kicks of another length."
        sr = self.state.model.sample_rate
        duration_ms = a.size * 1000 / sr
        self.wave_source.data = dict(t_ms=np.arange(a.size, dtype=np.float32) * 1000 / sr, a=a, b=b)
        self.wave_fig.x_range.update(start=0, end=duration_ms, bounds=(0, duration_ms))
        self.spec_source.data = dict(self.spec_source.data, dw=[duration_ms])

    def _draw_spectrogram(self):
        "The spectrogram of A or B, as the A/B switch says."
        kick, show_b = self.state.kick, self.spec_choice.value == "B"
        audio = self.state.reference(kick)[0] if show_b else self.state.heard(kick)
        image = log_spectrogram(audio, self.state.model.sample_rate, floor_db=SPEC_FLOOR_DB)[0]
        self.spec_source.data = dict(self.spec_source.data, image=[image])
        self.spec_fig.title.text = f"Spectrogram of {'B' if show_b else 'A'} (log frequency)"

    def plots(self):
        "The waveform and the spectrogram: side by side on a desktop, stacked on a phone (< 768 px)."
        return pn.Row(pn.pane.Bokeh(self.wave_fig, sizing_mode="stretch_width"),
                      pn.pane.Bokeh(self.spec_fig, sizing_mode="stretch_width"), sizing_mode="stretch_width",
                      stylesheets=STACK_ON_PHONE)

    def __panel__(self):
        return pn.Column(pn.Row(self.player, self.spec_choice, sizing_mode="stretch_width", stylesheets=STACK_ON_PHONE),
                         self.plots(), sizing_mode="stretch_width")
