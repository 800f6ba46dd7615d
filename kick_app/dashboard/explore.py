"Explore mode: the timbre map (corpus kicks by category, this session's kicks, the current one) and walks on it."
import numpy as np
import panel as pn
from bokeh.events import MouseMove, Pan, Tap
from bokeh.models import ColumnDataSource, HoverTool, Range1d
from bokeh.palettes import Category10_10

from kick_nbdev.latent import resolve_seed
from kick_nbdev.recipe import corpus_recipe, map_recipe, walk_recipes
from kick_nbdev.service import MAX_BATCH
from kick_app.dashboard.state import DashboardState
from kick_app.dashboard.widgets import ACCENT, Throttle, drawn_size, make_figure, wrap_row

MAP_PICK_PX = 10              # a click on the map this close to a kick picks it, screen pixels
HOVER_INTERVAL_MS = 150       # hovering or dragging over the map auditions at most one point per this, ms

def category_colours(categories:list)->list: # one Category10 colour per distinct category
    order = sorted(set(categories))
    return [Category10_10[order.index(c) % 10] for c in categories]

class ExploreMode(pn.viewable.Viewer):
    "A click on the map plays the kick under it (or the latent at that spot); a walk plays a path, the map following."
    def __init__(self, state:DashboardState, **params):
        super().__init__(**params)
        self.state, w, m = state, pn.widgets, state.model
        self.walk_kicks = []        # the kicks of the last walk, in path order
        self.walk_steps = w.IntSlider(label="Walk steps", start=4, end=min(32, MAX_BATCH), value=16, width=180)
        self.walk_step_size = w.FloatSlider(label="Step size (× each range)", start=0.01, end=0.2, step=0.01, value=0.05, width=180)
        self.walk_button = w.Button(label="Walk from the current kick", color="primary")
        self.walk_button.on_click(lambda e: self.start_walk())
        self.bpm = w.IntSlider.from_param(state.param.bpm, name="Tempo (BPM)", width=180)
        corpus_xy = state.map.project(m.corpus_latents) if len(m.corpus_latents) else np.zeros((0, 2))
        meta = [dict(m.corpus_meta[i]) if i < len(m.corpus_meta) else {} for i in range(len(corpus_xy))]
        categories = [str(d.get("category", "?")) for d in meta]
        self.corpus_source = ColumnDataSource(dict(
            x=corpus_xy[:, 0], y=corpus_xy[:, 1], index=list(range(len(corpus_xy))),
            name=[d.get("name", f"kick {i}") for i, d in enumerate(meta)], category=categories,
            kit=[str(d.get("kit", "")) for d in meta], colour=category_colours(categories)), name="corpus_points")
        self.generated_source = ColumnDataSource(dict(x=[], y=[], name=[], category=[], kit=[]), name="generated_points")
        self.current_source = ColumnDataSource(dict(x=[0.0], y=[0.0]), name="current_point")
        self.trail_source = ColumnDataSource(dict(x=[], y=[]), name="walk_trail")
        self.map_fig = self._figure(corpus_xy)
        # the map from the keyboard: find any corpus kick by name or category (it plays and is marked on the map)
        self.find = w.AutocompleteInput(label="Find a kick on the map (type a name or a category)", options=self.corpus_choices(),
                                        search_strategy="includes", case_sensitive=False, min_characters=1, restrict=True,
                                        sizing_mode="stretch_width")
        self.find.param.watch(state.on_user(lambda e: e.new and self.state.show_recipe(
            corpus_recipe(self.state.model, int(e.new.split(":")[1])))), "value")
        self.hover_audition = True   # hovering / dragging over the map plays what is under the pointer (as XO and Atlas do)
        self._hover_xy, self._hover = None, Throttle(self._audition_hover, HOVER_INTERVAL_MS)
        self.auditions = 0           # points auditioned by hovering (tests, and a producer's curiosity)
        state.param.watch(lambda e: state.in_document(lambda: self._mark(e.new)), "kick")
        state.param.watch(lambda e: state.in_document(self._plot_history), "history")
        state.param.watch(self._follow_walk, "step")

    def corpus_choices(self)->dict: # "corpus: name (category)" -> "corpus:<index>", for the A/B pickers
        data = self.corpus_source.data
        return {f"corpus: {n} ({c})": f"corpus:{i}" for i, n, c in zip(data["index"], data["name"], data["category"])}

    def _figure(self, corpus_xy):
        extent = max(3.0, float(np.abs(corpus_xy).max()) * 1.15 if len(corpus_xy) else 3.0)
        ex = self.state.map.explained
        axis_label = lambda i: (f"latent dimension {i} (standardised)" if np.isnan(ex[i]) else
                                f"PC{i + 1} ({ex[i]:.0%} of the corpus's variance)")
        mp = make_figure(title="Timbre space: click or hover to hear", height=460,
                         tools="pan,wheel_zoom,reset", x_range=Range1d(-extent, extent), y_range=Range1d(-extent, extent),
                         x_axis_label=axis_label(0), y_axis_label=axis_label(1))
        corpus_r = mp.scatter("x", "y", source=self.corpus_source, color="colour", size=9, alpha=0.8, legend_field="category")
        gen_r = mp.scatter("x", "y", source=self.generated_source, marker="diamond", color="#dddddd", line_color="#333",
                           size=11, legend_label="generated")
        mp.line("x", "y", source=self.trail_source, color=ACCENT, line_width=2, alpha=0.7)
        mp.scatter("x", "y", source=self.current_source, size=22, fill_alpha=0, line_color=ACCENT, line_width=3)
        mp.add_tools(HoverTool(renderers=[corpus_r, gen_r], tooltips=[("", "@name"), ("category", "@category"), ("kit", "@kit")]))
        mp.legend.background_fill_alpha, mp.legend.label_text_font_size = 0.5, "9pt"
        mp.add_layout(mp.legend[0], "right")  # outside the map: no kick hidden under it
        mp.on_event(Tap, lambda e: self.map_click(e.x, e.y))
        mp.on_event(MouseMove, self._on_hover)
        mp.on_event(Pan, self._on_hover)
        return mp

    def _on_hover(self, event):
        "The pointer moved over the map (hovering or dragging): audition that point, throttled."
        if not self.hover_audition or event.x is None: return
        self._hover_xy = (event.x, event.y)
        self._hover.request()

    def _audition_hover(self):
        "Play the kick under the pointer once: the current kick stays (a click makes it current)."
        x, y = self._hover_xy
        kind, j = self.pick(x, y)
        recipe = (map_recipe(self.state.map, x, y) if kind is None else corpus_recipe(self.state.model, self.corpus_source.data["index"][j])
                  if kind == "corpus" else self.state.history[j].recipe)
        try: kick = self.state.make(recipe)
        except ValueError: return   # a point outside the latent bound: nothing to hear there
        self.auditions += 1
        self.state.play_sequence([kick], "audition")

    def _mark(self, kick):
        if kick is not self.state.kick: return
        x, y = self.state.map.project(kick.latent)[0]
        self.current_source.data = dict(x=[x], y=[y])

    def _plot_history(self):
        history = self.state.history
        xy = self.state.map.project(np.stack([k.latent for k in history])) if history else np.zeros((0, 2))
        self.generated_source.data = dict(x=xy[:, 0], y=xy[:, 1], name=[k.label for k in history],
                                          category=["generated"] * len(xy), kit=[""] * len(xy))

    def pick(self, x:float, y:float)->tuple: # (None, None) for empty space, or ("corpus" | "history", index)
        "What lies under map point (x, y): the nearest kick within MAP_PICK_PX screen pixels, if any."
        scale = np.array([(r.end - r.start) / drawn_size(self.map_fig, attr, default)  # map units per screen pixel
                          for r, attr, default in ((self.map_fig.x_range, "inner_width", 600),
                                                   (self.map_fig.y_range, "inner_height", 400))])
        best = None
        for source, kind in ((self.corpus_source, "corpus"), (self.generated_source, "history")):
            if not len(source.data["x"]): continue
            d = np.linalg.norm((np.c_[source.data["x"], source.data["y"]] - [x, y]) / scale, axis=1)
            j = int(d.argmin())
            if d[j] <= MAP_PICK_PX and (best is None or d[j] < best[0]): best = (d[j], kind, j)
        return (None, None) if best is None else best[1:]

    def map_click(self, x:float, y:float):
        "A click on the map: the kick under it (corpus or generated), else the latent at that spot."
        kind, j = self.pick(x, y)
        if kind is None: return self.state.show_recipe(map_recipe(self.state.map, x, y))
        if kind == "history": return self.state.recall(j)
        self.state.show_recipe(corpus_recipe(self.state.model, self.corpus_source.data["index"][j]))

    def start_walk(self, steps:int|None=None, step_size:float|None=None, seed:int|None=None):
        "A smooth random walk from the current kick, decoded in one batch, played in time with the map following."
        steps, step_size = steps or self.walk_steps.value, step_size or self.walk_step_size.value
        recipes = walk_recipes(self.state.model, self.state.kick.latent, steps, step_size, resolve_seed(seed))
        self.walk_kicks = self.state.make_many(recipes)
        xy = self.state.map.project(np.stack([k.latent for k in self.walk_kicks]))
        self.state.in_document(lambda: setattr(self.trail_source, "data", dict(x=xy[:, 0], y=xy[:, 1])))
        self.state.play_sequence(self.walk_kicks, "walk")

    def _follow_walk(self, event):
        "Step `i` of the walk sounds: it becomes current (the last one enters the history)."
        i, kicks = event.new, self.walk_kicks
        if self.state.sequence_kind == "walk" and 0 <= i < len(kicks):
            self.state.in_document(lambda: self.state.sequence_kind == "walk" and self.state.present(kicks[i], commit=(i == len(kicks) - 1)))

    def __panel__(self):
        m = self.state.model
        corpus_note = (f"{len(m.corpus_latents)} corpus kicks, coloured by category; ◆ = kicks made in this session. "
                       "Axes: the two principal directions of the corpus's standardised latents (a linear map, so any "
                       "point decodes back to a latent)." if len(m.corpus_latents) >= 3 else
                       "This model carries no corpus latents: the map shows latent dimensions 0 and 1 (standardised).")
        return pn.Column(pn.pane.Markdown(corpus_note), wrap_row(self.walk_button, self.walk_steps, self.walk_step_size, self.bpm),
                         self.find, pn.pane.Bokeh(self.map_fig, sizing_mode="stretch_width"))
