"FX mode: the post-processing chain's controls, built from `fx_catalog()` (the same bounds, units and meanings as GET /api/fx)."
import math
from dataclasses import replace

import panel as pn

from kick_nbdev.fx import FX_PRESETS, FxSettings, fx_catalog
from kick_app.dashboard.state import DashboardState
from kick_app.dashboard.widgets import WRAP_TITLE, ImmediateSlider, Throttle, wrap_row

FX_SLIDER_STEPS = 200         # an FX slider moves in steps of at least its range / this, rounded down to a power of 10
NO_PRESET = "custom"          # the preset selector's entry for settings that are no preset's

class FxMode(pn.viewable.Viewer):
    """Every kick heard goes through the chain these controls describe (the decoded audio is kept, so moving a control
    re-processes it without decoding again); downloads carry it."""
    def __init__(self, state:DashboardState, **params):
        super().__init__(**params)
        self.state, w = state, pn.widgets
        self.catalog = catalog = fx_catalog()
        self._throttle = Throttle(self._render)
        self.fx_switch = w.Switch(value=False, width=50, align="center")
        self.fx_preset = w.Select(label="Preset", options=[NO_PRESET, *FX_PRESETS], value=NO_PRESET, width=160)
        tune = catalog["tune_note"]
        self.fx_tune = w.Select(label="Tune to note", value="off", width=200, description=tune["description"], options={
            "off": "off", **{f"{p} (nearest octave)": p for p in tune["pitch_classes"]}, **{n: n for n in tune["notes"]}})
        self.fx_sliders, self.fx_enabled = {}, {}  # setting -> slider; nullable setting -> its on/off checkbox
        for name, p in catalog["settings"].items():
            label = name.replace("_", " ") if p["unit"] == "ratio" else f"{name.rsplit('_', 1)[0].replace('_', ' ')} ({p['unit']})"
            step = 10.0 ** math.floor(math.log10((p["high"] - p["low"]) / FX_SLIDER_STEPS))
            self.fx_sliders[name] = ImmediateSlider(  # a nullable setting starts at its gentlest end (no cut, longest decay)
                label=label, start=p["low"], end=p["high"], step=step, value=p["high"] if p["default"] is None else p["default"],
                sizing_mode="stretch_width", stylesheets=[WRAP_TITLE])
            if p["nullable"]: self.fx_enabled[name] = w.Checkbox(label="on", value=False, width=40, align="end")
        for control in [self.fx_tune, *self.fx_sliders.values(), *self.fx_enabled.values()]:
            control.param.watch(state.on_user(self._on_control), "value")
        self.fx_switch.param.watch(state.on_user(lambda e: self._throttle.request()), "value")
        self.fx_preset.param.watch(state.on_user(lambda e: e.new == NO_PRESET or self.load_preset(e.new)), "value")

    def fx_settings(self)->FxSettings|None:
        "The FX chain the controls describe; None while the switch is off."
        if not self.fx_switch.value: return None
        values = {name: None if name in self.fx_enabled and not self.fx_enabled[name].value else slider.value
                  for name, slider in self.fx_sliders.items()}
        return FxSettings(tune_note=None if self.fx_tune.value == "off" else self.fx_tune.value, **values)

    def set_fx(self, settings:FxSettings, # what the controls should show (its tune_note must be an option of the tune select)
               preset:str=NO_PRESET):     # what the preset selector should show
        "Show `settings` on the controls, switch the chain on, and re-render the current kick."
        with self.state.quietly():
            for name, slider in self.fx_sliders.items():
                value = getattr(settings, name)
                if name in self.fx_enabled: self.fx_enabled[name].value = value is not None
                if value is not None: slider.value = float(value)
            self.fx_tune.value = "off" if settings.tune_note is None else settings.tune_note
            self.fx_preset.value, self.fx_switch.value = preset, True
        self._throttle.request()

    def load_preset(self, name:str): # a key of FX_PRESETS
        "Put the controls on preset `name`, keeping the tuning (it belongs to the track's key, not to the sound)."
        tune = None if self.fx_tune.value == "off" else self.fx_tune.value
        self.set_fx(replace(FX_PRESETS[name], tune_note=tune), name)

    def _on_control(self, event):
        "A setting moved: it is no preset's any more, the chain is on, and the kick follows (throttled)."
        with self.state.quietly(): self.fx_preset.value, self.fx_switch.value = NO_PRESET, True
        self._throttle.request()

    def _render(self):
        "The current kick again, through the chain the controls now describe (no decoding: `Kick.audio` is kept)."
        settings = self.fx_settings()
        try: settings and settings.validate()
        except ValueError as e: return self.state.notify_error(f"FX: {e}")  # e.g. sustain more than 18 dB above attack
        self.state.fx = settings
        self.state.show(self.state.kick, commit=False)

    def __panel__(self):
        cells = [wrap_row(*([self.fx_enabled[name]] if name in self.fx_enabled else []), slider,
                        pn.widgets.TooltipIcon(value=self.catalog["settings"][name]["description"], align="center"),
                        sizing_mode="stretch_width") for name, slider in self.fx_sliders.items()]
        return pn.Column(
            pn.pane.Markdown("Post-processing of every kick you hear, in this order: tune, compressor, drive, EQ, sub "
                             "(a sine an octave below the body), transient shaper, decay; the peak is set back to -1 dBFS. "
                             "Downloads carry it, with its settings in the recall JSON; the REST API takes the same "
                             "settings as its `fx` object (GET /api/fx)."),
            wrap_row(pn.pane.Markdown("**FX**", align="center"), self.fx_switch, self.fx_preset, self.fx_tune),
            pn.GridBox(*cells, ncols=3, sizing_mode="stretch_width",   # one column on a phone
                       stylesheets=["@media (max-width: 767.98px) { .bk-GridBox, :host { grid-template-columns: minmax(0, 1fr) !important; } }"]))
