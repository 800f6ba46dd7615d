"Random mode: a category (or blend) picker, random kicks by seed, and variations of the kick heard."
import numpy as np
import panel as pn

from kick_nbdev.latent import MAX_SEED, new_seed
from kick_nbdev.recipe import random_recipe, variation_recipes
from kick_app.dashboard.state import DashboardState
from kick_app.dashboard.widgets import ImmediateSlider, KickStrips, wrap_row

N_VARIATIONS = 6              # kicks in a row of variations
ANY_CATEGORY, BLEND = "any", "blend"  # the category picker's entries besides the categories themselves
DEFAULT_BLEND_PCT = {"808": 70, "distorted": 30}  # the blend sliders' start (the producers' example), % per category

class RandomMode(pn.viewable.Viewer):
    "Random kicks (any, one category, or a blend), a variation you steer with the intensity slider, or a row of them."
    def __init__(self, state:DashboardState, **params):
        super().__init__(**params)
        self.state, w = state, pn.widgets
        self.variation_kicks = []   # the last row of variations
        categories = state.controls.categories.categories
        self.category_choice = w.RadioButtonGroup(label="Category", options=[ANY_CATEGORY, *categories, BLEND], value=ANY_CATEGORY,
                                                  color="primary", variant="outline", sizing_mode="stretch_width",
                                                  stylesheets=[":host { min-width: 0 !important; max-width: 100%; }"
                                                               ".bk-btn-group { flex-wrap: wrap !important; }"   # wraps on a phone
                                                               ".bk-btn.bk-btn-primary.bk-active { background-color: #b3420a !important; color: #fff !important; }"])  # 5.7:1
        self.blend_sliders = {c: w.IntSlider(label=f"{c} (%)", start=0, end=100, step=5, value=DEFAULT_BLEND_PCT.get(c, 0),
                                             sizing_mode="stretch_width") for c in categories}
        self.blend_row = wrap_row(*self.blend_sliders.values(), visible=False, sizing_mode="stretch_width")
        self.category_choice.param.watch(lambda e: setattr(self.blend_row, "visible", e.new == BLEND), "value")
        self.random_button = w.Button(label="Random kick  (R)", color="primary", sizing_mode="stretch_width")
        self.random_button.on_click(lambda e: self.random_kick())
        self.seed_input = w.IntInput(label="Seed (type one to recall its kick)", start=0, end=MAX_SEED, value=0)
        self.seed_input.param.watch(state.on_user(lambda e: self.random_kick(e.new)), "value")
        self.intensity = ImmediateSlider(label="Variation intensity", start=0.0, end=1.0, step=0.01, value=0.3)
        self.intensity.param.watch(state.on_user(lambda e: self.vary()), "value_throttled")
        self.direction_button = w.Button(label="Variation: new direction ↻", sizing_mode="stretch_width")
        self.direction_button.on_click(lambda e: self.vary(new_direction=True))
        self.variations_button = w.Button(label=f"{N_VARIATIONS} variations", color="primary")
        self.variations_button.on_click(lambda e: self.make_variations())
        self.play_variations_button = w.Button(label="▶ Play them in time")
        self.play_variations_button.on_click(lambda e: state.play_sequence(self.variation_kicks, "variation"))
        self.variation_strips = KickStrips("Variations of the current kick (click one to keep it)", "variation",
                                           self.pick_variation)
        self.variation_strips.follow(state, "variation")
        state.param.watch(lambda e: e.new.seed is not None and state.in_document(lambda: self._show_seed(e.new)), "kick")

    def _show_seed(self, kick):
        if kick is not self.state.kick: return
        with self.state.quietly(): self.seed_input.value = kick.seed

    def category(self)->str|dict|None: # None: any kick; a category name; or {name: weight} of a blend
        "What the category picker asks for, in the form `KickService.random(category=...)` takes."
        choice = self.category_choice.value
        if choice == ANY_CATEGORY: return None
        if choice != BLEND: return choice
        weights = {c: s.value / 100 for c, s in self.blend_sliders.items() if s.value > 0}
        if not weights: raise ValueError("the blend needs at least one category above 0 %")
        return weights

    def random_kick(self, seed:int|None=None):
        "A new kick from the prior, or from the picked category's (a fresh seed unless `seed` is given): `/api/random`'s kick."
        try: recipe = random_recipe(self.state.model, self.state.controls, seed, self.category())
        except ValueError as e: return self.state.notify_error(str(e))
        kick = self.state.make(recipe)
        self.state.set_anchor(kick)
        self.state.show(kick)

    def _variations(self, anchor, n:int, seed:int, numbered:bool=True)->list: # `Kick`s at the intensity slider's value
        recipes = variation_recipes(self.state.model, self.state.controls, anchor.recipe, n, self.intensity.value, seed,
                                    self.category(), numbered=numbered)
        return self.state.make_many(recipes)

    def vary(self, new_direction:bool=False):
        "The variation of the anchor kick at the current intensity (in a new direction when asked)."
        anchor, direction = self.state.anchor or (self.state.kick, new_seed())
        if new_direction: direction = new_seed()
        self.state.anchor = (anchor, direction)
        try: kick = self._variations(anchor, 1, direction, numbered=False)[0]
        except ValueError as e: return self.state.notify_error(str(e))
        self.state.show(kick)

    def make_variations(self, n:int|None=None): # number of kicks; N_VARIATIONS by default
        "A row of `n` kicks around the current one at the variation intensity, decoded in one batch."
        n = n or N_VARIATIONS
        self.state.stop_sequence()  # variations of the kick heard now: a walk must not move it away
        try: self.variation_kicks = self._variations(self.state.kick, n, new_seed())
        except ValueError as e: return self.state.notify_error(str(e))
        audio = np.stack([self.state.heard(k) for k in self.variation_kicks])
        self.state.in_document(lambda: self.variation_strips.draw(audio, [str(i + 1) for i in range(n)]))

    def pick_variation(self, i:int):
        "Keep variation `i`: it becomes the current kick (and the centre of the next variations)."
        kick = self.variation_kicks[i]
        self.state.set_anchor(kick)
        self.state.show(kick)

    def __panel__(self):
        return pn.Column(
            wrap_row(pn.pane.Markdown("**Category**", align="center"), self.category_choice),
            self.blend_row,
            wrap_row(self.random_button, self.seed_input, sizing_mode="stretch_width"),
            pn.pane.Markdown("**Variations** of the last random / recalled / picked kick: one in a direction you move "
                             "along with the intensity slider (a new direction with the button), or a row of them to "
                             "choose from."),
            wrap_row(self.intensity, self.direction_button, self.variations_button, self.play_variations_button,
                   sizing_mode="stretch_width"),
            self.variation_strips.view())
