"Morph mode: kicks A and B, the path between them (strips to click, played in time), and style transfer."
from dataclasses import replace

import numpy as np
import panel as pn

from kick_nbdev.latent import INTERPOLATION_MODES
from kick_nbdev.recipe import interpolation_recipes, latent_recipe, random_recipe
from kick_nbdev.service import MAX_BATCH
from kick_nbdev.storage import StorageUnavailable
from kick_app.dashboard.state import DashboardState
from kick_app.dashboard.widgets import WRAP_TITLE, KickStrips, wrap_row

class MorphMode(pn.viewable.Viewer):
    "Interpolation from kick A to kick B, and the body of one with the character of the other."
    def __init__(self, state:DashboardState, corpus_choices:dict, # "corpus: name (category)" -> "corpus:<index>"
                 **params):
        super().__init__(**params)
        self.state, self.corpus_choices, w = state, corpus_choices, pn.widgets
        self.interpolation = []     # the kicks of the last interpolation, in path order
        # searchable pickers (type a name, a category, "history"...) instead of dropdowns of ~100 entries
        picker = lambda label: w.AutocompleteInput(label=label, search_strategy="includes", case_sensitive=False,
                                                   min_characters=0, restrict=True, sizing_mode="stretch_width")
        self.a_select, self.b_select = picker("Kick A (type to search)"), picker("Kick B (type to search)")
        self._random_a = None         # the random kick "a new random kick" stands for, drawn once per choice
        self.a_select.param.watch(lambda e: setattr(self, "_random_a", None), "value")
        self.play_a_button = w.Button(label="▶ A", description="Play kick A", width=60, align="end")
        self.play_b_button = w.Button(label="▶ B", description="Play kick B", width=60, align="end")
        self.play_a_button.on_click(lambda e: self.audition("A"))
        self.play_b_button.on_click(lambda e: self.audition("B"))
        self.set_a_button = w.Button(label="Set current as A", align="end")
        self.set_b_button = w.Button(label="Set current as B", align="end")
        self.set_a_button.on_click(lambda e: self.set_current("A"))
        self.set_b_button.on_click(lambda e: self.set_current("B"))
        self.steps_slider = w.IntSlider(label="Steps", start=2, end=min(32, MAX_BATCH), value=8)
        self.mode_select = w.RadioButtonGroup(label="Path", options=list(INTERPOLATION_MODES), value="linear")
        self.morph_button = w.Button(label="Morph A → B", color="primary")
        self.morph_button.on_click(lambda e: self.morph())
        self.bpm = w.IntSlider.from_param(state.param.bpm, name="Tempo (BPM)", width=180)
        self.play_sequence_button = w.Button(label="▶ Play the steps in time")
        self.play_sequence_button.on_click(lambda e: state.play_sequence(self.interpolation, "interpolation"))
        self.style_strength = w.FloatSlider(label="Strength (0 = the character kick, 1 = the other's pitch and decay)",
                                            start=0.0, end=1.0, step=0.05, value=1.0, sizing_mode="stretch_width", max_width=380,
                                            stylesheets=[WRAP_TITLE])
        self.style_ab_button = w.Button(label="Body of A + character of B", color="primary")
        self.style_ab_button.on_click(lambda e: self.transfer_style("A"))
        self.style_ba_button = w.Button(label="Body of B + character of A")
        self.style_ba_button.on_click(lambda e: self.transfer_style("B"))
        self.interp_strips = KickStrips("Interpolation steps (click one to make it current)", "interp",
                                        lambda i: state.show(self.interpolation[i]))
        self.interp_strips.follow(state, "interpolation")
        state.param.watch(lambda e: state.in_document(self._refresh_endpoints), "history")
        self._refresh_endpoints()

    def _refresh_endpoints(self):
        "The choices for kicks A and B: current, random, this session's history, the corpus."
        history = self.state.history
        options = {"current kick": "current", "a new random kick": "random"}
        options.update({f"history {i + 1}: {k.label}": f"history:{i}" for i, k in reversed(list(enumerate(history)))})
        options.update(self.corpus_choices)
        with self.state.quietly():
            for select, default in ((self.a_select, "history"), (self.b_select, "current")):
                value = select.value
                select.options = options
                if value in options.values(): select.value = value
                elif default == "current": select.value = "current"
                else: select.value = f"history:{len(history) - 2}" if len(history) >= 2 else "random"

    def endpoint_latent(self, key:str)->np.ndarray: # (D,) float32
        "The latent an A/B choice stands for."
        kind, _, index = key.partition(":")
        model = self.state.model
        if kind == "current": return self.state.kick.latent
        if kind == "random":   # drawn once (from the model's prior), kept until another choice: morphing twice morphs the same kick
            if self._random_a is None: self._random_a = random_recipe(model, self.state.controls).latent
            return self._random_a
        if kind == "history": return self.state.history[int(index)].latent
        if kind == "corpus": return np.asarray(model.corpus_latents[int(index)], np.float32)
        raise ValueError(f"unknown kick choice {key!r}")

    def audition(self, slot:str): # "A" or "B"
        "Play kick A or B once (the current kick stays)."
        z = self.endpoint_latent((self.a_select if slot == "A" else self.b_select).value)
        self.state.play_sequence([self.state.make(latent_recipe(self.state.model, z, f"kick {slot}"))], "audition")

    def set_current(self, slot:str): # "A" or "B"
        "Make the current kick kick A (or B), as it is now (a history entry, not 'whatever is current')."
        state = self.state
        if not any(k is state.kick for k in state.history): state.commit(state.kick)
        index = max(i for i, k in enumerate(state.history) if k is state.kick)
        self._refresh_endpoints()
        (self.a_select if slot == "A" else self.b_select).value = f"history:{index}"

    def morph(self, steps:int|None=None, mode:str|None=None):
        "Decode `steps` kicks from A to B (one batch) and draw them as strips."
        steps, mode = steps or self.steps_slider.value, mode or self.mode_select.value
        self.state.stop_sequence()
        a, b = self.endpoint_latent(self.a_select.value), self.endpoint_latent(self.b_select.value)
        self.interpolation = self.state.make_many(interpolation_recipes(self.state.model, a, b, steps, mode))
        audio = np.stack([self.state.heard(k) for k in self.interpolation])
        self.state.in_document(lambda: self.interp_strips.draw(audio, [str(i + 1) for i in range(steps)]))

    def transfer_style(self, body:str="A",        # "A": the body of kick A with the character of B; "B": the mirror
                       strength:float|None=None): # 0 = the character kick .. 1 = the body kick's pitch and decay; None: slider
        "Style transfer between the A and B kicks (`KickService.style_recipe`, 17_style); the result is stored and current."
        state = self.state
        strength = self.style_strength.value if strength is None else float(strength)
        a, b = self.endpoint_latent(self.a_select.value), self.endpoint_latent(self.b_select.value)
        (body_z, character_z), other = ((a, b), "B") if body == "A" else ((b, a), "A")
        try:
            recipe = state.service.style_recipe(body_z, character_z, strength)
            state.service.render_recipes([recipe])  # stored on a click (not a drag): a download finds the file
        except (ValueError, StorageUnavailable) as e: return state.notify_error(f"style transfer: {e}")
        kick = state.make(replace(recipe, label=f"{body} body + {other} character · strength {strength:.2f}"))
        state.set_anchor(kick)
        state.show(kick)

    def __panel__(self):
        return pn.Column(
            self.a_select, wrap_row(self.play_a_button, self.set_a_button),
            self.b_select, wrap_row(self.play_b_button, self.set_b_button),
            wrap_row(self.steps_slider, self.mode_select, self.morph_button),
            self.interp_strips.view(),
            wrap_row(self.bpm, self.play_sequence_button),
            pn.pane.Markdown("**Style transfer**: the body (pitch and decay) of one kick with the character (click, tone, "
                             "everything else) of the other."),
            wrap_row(self.style_strength, self.style_ab_button, self.style_ba_button))
