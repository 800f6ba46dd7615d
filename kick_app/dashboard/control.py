"Control mode: one slider per latent dimension (the kick follows while you drag), and the latent as JSON."
import functools, json

import numpy as np
import panel as pn

from kick_nbdev.latent import latent_to_list
from kick_nbdev.recipe import latent_recipe
from kick_app.dashboard.state import DashboardState, Kick
from kick_app.dashboard.widgets import ImmediateSlider, Throttle, wrap_row

class ControlMode(pn.viewable.Viewer):
    "The latent sliders, each spanning the corpus's mean ± 3 std, a reset, a dimension randomizer, and JSON in and out."
    def __init__(self, state:DashboardState, **params):
        super().__init__(**params)
        self.state, w, m = state, pn.widgets, state.model
        self._made = None          # the kick the sliders made last, until the next kick is shown (its views keep them)
        self._throttle = Throttle(self._render)
        self.sliders = []
        for i, (lo, hi) in enumerate(zip(state.lo.tolist(), state.hi.tolist())):
            s = ImmediateSlider(label=f"dimension {i}", start=lo, end=hi, step=(hi - lo) / 500, value=float(np.clip(0, lo, hi)),
                                format="0.00", sizing_mode="stretch_width")
            s.param.watch(state.on_user(lambda e: self._throttle.request()), "value")
            s.param.watch(state.on_user(self._on_release), "value_throttled")
            self.sliders.append(s)
        self.reset_button = w.Button(label="Reset to the corpus centre")
        self.reset_button.on_click(lambda e: state.show_recipe(latent_recipe(m, m.latent_mean, "centre of the corpus")))
        self.dim_select = w.Select(label="Dimension", options={f"dimension {i}": i for i in range(m.latent_dim)}, width=140)
        self.randomize_dim_button = w.Button(label="Randomize this dimension")
        self.randomize_dim_button.on_click(lambda e: self.randomize_dimension(self.dim_select.value))
        self.latent_json = w.TextAreaInput(label="Latent as JSON (the body of POST /api/generate)", height=110,
                                           sizing_mode="stretch_width")
        self.copy_button = w.Button(label="Copy")
        self.copy_button.js_on_click(args={"area": self.latent_json}, code="navigator.clipboard.writeText(area.value)")
        self.paste_button = w.Button(label="Apply pasted JSON", color="primary")
        self.paste_button.on_click(lambda e: self.apply_json(self.latent_json.value))
        state.param.watch(self._on_kick, "kick")

    def _on_kick(self, event):
        kick, made, self._made = event.new, self._made, None
        self.state.in_document(lambda: self._show(kick, own=kick is made))

    def _show(self, kick:Kick, own:bool):
        if kick is not self.state.kick: return
        with self.state.quietly():
            if not own:  # moving a slider the user holds would fight the drag
                for s, v, lo, hi in zip(self.sliders, kick.latent.tolist(), self.state.lo.tolist(), self.state.hi.tolist()):
                    s.param.update(start=min(lo, v), end=max(hi, v), value=v)  # a kick outside the corpus range widens its slider
            self.latent_json.value = json.dumps({"latent_vector": latent_to_list(kick.latent), "format": "wav"})

    def slider_latent(self)->np.ndarray: # (D,) float32
        "The latent the sliders show."
        return np.array([s.value for s in self.sliders], np.float32)

    def _render(self):
        "Live slider moves: the kick at the sliders' latent, labelled with the dimensions moved."
        kick, z = self.state.kick, self.slider_latent()
        moved = np.flatnonzero(~np.isclose(z, kick.latent, rtol=0, atol=1e-6))
        base = kick.label.split(" · edited")[0]
        label = f"{base} · edited dim {', '.join(map(str, moved))}" if len(moved) else kick.label
        try: made = self.state.make(latent_recipe(self.state.model, z, label))
        except ValueError as e: return self.state.notify_error(str(e))
        self._made = made          # marked before it is shown: its views leave the sliders alone
        self.state.set_anchor(made)
        self.state.show(made, commit=False)

    def _on_release(self, event):
        self._throttle.flush()
        self.state.in_document(functools.partial(self.state.commit, self.state.kick))  # B stays the kick before the drag

    def randomize_dimension(self, i:int):
        "Set dimension `i` to a random value within its slider range."
        z = self.state.kick.latent.copy()
        z[i] = np.random.default_rng().uniform(self.state.lo[i], self.state.hi[i])
        self.state.show_recipe(latent_recipe(self.state.model, z, f"dimension {i} randomized"))

    def apply_json(self, text:str):
        "Make current the latent in `text`: a JSON list, or an object with `latent_vector` (a /api/generate body)."
        try:
            data = json.loads(text)
            z = data.get("latent_vector") if isinstance(data, dict) else data
            if z is None: raise ValueError("the JSON object has no 'latent_vector'")
            recipe = latent_recipe(self.state.model, z, "pasted latent", "latent_vector")
        except (ValueError, TypeError) as e: return self.state.notify_error(f"cannot use that JSON: {e}")
        self.state.show_recipe(recipe)

    def __panel__(self):
        return pn.Column(
            pn.pane.Markdown("One slider per latent dimension, each spanning the training corpus's mean ± 3 std. "
                             "The kick follows while you drag."),
            pn.GridBox(*self.sliders, ncols=2, sizing_mode="stretch_width", stylesheets=["@media (max-width: 767.98px) { .bk-GridBox, :host { grid-template-columns: minmax(0, 1fr) !important; } }"]),
            wrap_row(self.reset_button, self.dim_select, self.randomize_dim_button), sizing_mode="stretch_width")
