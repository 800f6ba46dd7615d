"The Shape card: named sliders (pitch, decay, punch, brightness, sub) that move the kick they started from."
import functools

import numpy as np
import panel as pn

from kick_nbdev.fx import hz_to_note
from kick_nbdev.shape import PRODUCER_UNITS, SHAPE_ATTRIBUTES, SHAPE_LIMITS, brightness_db
from kick_app.dashboard.state import DashboardState, Kick
from kick_app.dashboard.widgets import ImmediateSlider, Throttle

SHAPE_STEPS = dict(pitch=0.1, decay=5.0, punch=0.1, brightness=0.1, sub=0.1)   # slider steps, in PRODUCER_UNITS
SHAPE_MEANING = {"pitch": "the ringing pitch of the body", "decay": "the decay (peak to -40 dB)",
                 "punch": "the punch (first 10 ms over the next 100 ms)", "brightness": "the level of the energy above 1 kHz",
                 "sub": "the level of the energy below 60 Hz"}

def pitch_text(hz:float # the ringing pitch of a kick's body (`shape_descriptors`' pitch_hz), Hz; nan if it has none
              )->str:     # e.g. "F1 +12 ct · 44.0 Hz", or "no clear pitch"
    "The note a kick's body rings at (producers tune kicks to the track's key)."
    if not np.isfinite(hz): return "no clear pitch"
    note, cents = hz_to_note(hz)
    return f"{note} {cents:+.0f} ct · {hz:.1f} Hz"

def descriptor_table(now:dict,  # `shape_descriptors` of the kick heard now (one kick: name -> (1,) array), and its brightness_db
                     start:dict # the same of the Shape panel's starting kick
                    )->str:     # a Markdown table: each descriptor now and its change from the start, in the sliders' units
    "What the Shape sliders moved, measured on the audio: pitch, decay, punch, brightness and sub, now and since the start."
    v, w = ({k: float(a[0]) for k, a in d.items()} for d in (now, start))
    text = lambda value, spec: spec.format(value) if np.isfinite(value) else "–"   # nan: silent, or no ringing body
    rows = [("pitch", pitch_text(v["pitch_hz"]), text(12 * np.log2(v["pitch_hz"] / w["pitch_hz"]), "{:+.1f} st")),
            ("decay", text(v["decay_ms"], "{:.0f} ms"), text(v["decay_ms"] - w["decay_ms"], "{:+.0f} ms")),
            ("punch", text(v["punch_db"], "{:.1f} dB"), text(v["punch_db"] - w["punch_db"], "{:+.1f} dB")),
            ("brightness (> 1 kHz)", text(v["brightness_db"], "{:.1f} dB"), text(v["brightness_db"] - w["brightness_db"], "{:+.1f} dB")),
            ("sub", text(v["sub_db"], "{:.1f} dB"), text(v["sub_db"] - w["sub_db"], "{:+.1f} dB"))]
    return "| | heard | since the start |\n|:--|--:|--:|\n" + "\n".join(f"| {n} | {a} | {b} |" for n, a, b in rows)

class ShapeCard(pn.viewable.Viewer):
    "One slider per named shape attribute (15_shape), in producer units: semitones, ms, dB, measured on the kick."
    def __init__(self, state:DashboardState, **params):
        super().__init__(**params)
        self.state, w = state, pn.widgets
        self.base = None          # the Kick the sliders move (the kick shown when they were last at 0)
        self._made = None         # the kick the sliders made last, while it is current
        self._throttle = Throttle(self._render)
        self.shape_sliders, self.shape_tips = {}, {}
        for name in SHAPE_ATTRIBUTES:
            unit, limit = PRODUCER_UNITS[name], SHAPE_LIMITS[name]
            self.shape_sliders[name] = s = ImmediateSlider(label=f"{name} ({unit})", start=-limit, end=limit,
                                                           step=SHAPE_STEPS[name], value=0.0, format="+0.0",
                                                           sizing_mode="stretch_width")
            s.param.watch(state.on_user(lambda e: self._throttle.request()), "value")
            s.param.watch(state.on_user(self._on_release), "value_throttled")
            held = "" if name == "pitch" else " The pitch is held."
            self.shape_tips[name] = (f"Changes {SHAPE_MEANING[name]} by this many {unit}, measured on the kick you started "
                                     f"from, as far as the model can go (±{limit:g} {unit}).{held}")
        self.shape_reset_button = w.Button(label="↺ Back to the start")
        self.shape_reset_button.on_click(lambda e: self.reset_shape())
        self.shape_keep_button = w.Button(label="Keep: start from here")
        self.shape_keep_button.on_click(lambda e: self.keep_shape())
        self.shape_info = pn.pane.Markdown(sizing_mode="stretch_width")
        state.param.watch(lambda e: state.in_document(lambda: self._follow(e.new)), "kick")

    def _follow(self, kick:Kick):
        "A kick the sliders did not make: they start again from it; then the table measures what is heard."
        if kick is not self.state.kick: return
        if kick is not self._made: self.rebase(kick)
        self._draw_table()

    def _draw_table(self):
        measured = lambda kick: dict(self.state.descriptors(kick), brightness_db=brightness_db(self.state.heard(kick)))
        self.shape_info.object = descriptor_table(measured(self.state.kick), measured(self.base))

    def shape_values(self)->dict: # slider name -> value, the sliders away from 0
        "What the sliders ask for, in producer units: the API's `attributes`."
        return {name: round(float(s.value), 2) for name, s in self.shape_sliders.items() if round(s.value, 2) != 0}  # steps of 0.1

    def rebase(self, kick:Kick):
        "Make `kick` the one the sliders move, and put them back to 0."
        self.base, self._made = kick, None
        with self.state.quietly():
            for s in self.shape_sliders.values(): s.value = 0.0

    def keep_shape(self):
        "Start the sliders again from the kick heard now (to move further than the sliders reach, or from a new place)."
        self.rebase(self.state.kick)
        self._draw_table()

    def reset_shape(self):
        "Back to the kick the sliders started from."
        self.state.show(self.base, commit=all(k is not self.base for k in self.state.history))

    def _render(self):
        """The starting kick moved by the sliders (`KickService.shaped_recipe`, measured): a start drawn from the prior
        keeps its seed and category, so the result is `/api/random` with these `attributes`; any other is
        `/api/generate` with them."""
        values = self.shape_values()
        if not values: return self.state.show(self.base, commit=False)
        kick = self.state.make(self.state.service.shaped_recipe(self.base.recipe, values))
        self._made = kick         # marked before it is shown: its views keep the sliders
        self.state.set_anchor(kick)
        self.state.show(kick, commit=False)

    def _on_release(self, event):
        self._throttle.flush()
        if self.state.kick is not self.base:  # the dragged-to kick enters the history (the start is there already)
            self.state.in_document(functools.partial(self.state.commit, self.state.kick))

    def __panel__(self):
        return pn.Card(
            pn.pane.Markdown("Changes measured on the kick you started on: pitch in semitones, decay in ms, punch, "
                             "brightness and sub in dB; the pitch is held unless you move it (a new kick starts again at 0)."),
            *[pn.Row(slider, pn.widgets.TooltipIcon(value=self.shape_tips[name], align="center"), sizing_mode="stretch_width")
              for name, slider in self.shape_sliders.items()],
            pn.Row(self.shape_reset_button, self.shape_keep_button), self.shape_info,
            title="Shape", collapsible=False, sizing_mode="stretch_width", max_width=380, min_width=260)
