"""One producer's session: the kick on screen, its history, the FX chain heard, the sequence playing, the caches. The
components share this object: they change it through its methods and follow it through its parameters."""
import base64, contextvars, functools, logging, math, time
from contextlib import contextmanager
from dataclasses import astuple, dataclass, field

import numpy as np
import panel as pn
import param

from kick_nbdev.core import LRU
from kick_nbdev.deliver import RECALL_KEYS
from kick_nbdev.fx import hz_to_note
from kick_nbdev.recipe import category_label
from kick_nbdev.service import download_name
from kick_nbdev.fx import FxSettings, apply_fx
from kick_nbdev.latent import check_latent, new_seed, slider_ranges
from kick_nbdev.length import LENGTH_RANGE_S, fit_length
from kick_nbdev.recipe import Recipe
from kick_nbdev.service import KickService
from kick_nbdev.shape import shape_descriptors
from kick_nbdev.storage import encode_audio
from kick_nbdev.viz import LatentMap

log = logging.getLogger("kick_nbdev.dashboard")

HISTORY_SIZE = 50             # kicks remembered per session
HEARD_CACHE_SIZE = 16         # (kick, FX settings) -> processed audio / measurements kept per session

@dataclass(frozen=True, eq=False)  # identity equality: kicks hold arrays
class Kick:
    "A kick shown on the page: how it is made (its recipe), its audio, and the upload it reconstructs (if any)."
    recipe:Recipe                      # latent, seed, made, label (12a_recipe)
    audio:np.ndarray                   # (n_samples,) float32 in [-1, 1], as decoded (before FX: see `DashboardState.heard`)
    original:np.ndarray|None = field(default=None, repr=False)  # (n_samples,) the preprocessed upload it reconstructs

    latent = property(lambda self: self.recipe.latent, doc="(D,) float32")
    seed = property(lambda self: self.recipe.seed, doc="prior seed that reproduces it (random kicks only)")
    made = property(lambda self: self.recipe.made, doc="how its latent was made beyond `seed`, as recall data records it")
    label = property(lambda self: self.recipe.label, doc='what the history list says, e.g. "random · seed 123"')

def wav_base64(audio:np.ndarray, # (T,) float samples in [-1, 1]
               sample_rate:int   # Hz
              )->str:            # base64 of a 16-bit mono WAV
    "The kick as base64 WAV text, the form the browser player decodes."
    return base64.b64encode(encode_audio(audio, sample_rate, "wav", 16)).decode("ascii")

_AT_ONCE = contextvars.ContextVar("kick_at_once", default=False)

def in_document(fn):
    """Run `fn` now without a server (or inside `at_once`); on a server, in the next tick of the session's document,
    which holds the document lock (Bokeh models may only change under it) and lets what was set before go out first."""
    doc = pn.state.curdoc
    if doc is not None and doc.session_context is not None and not _AT_ONCE.get(): pn.state.execute(fn, schedule=True)
    else: fn()

@contextmanager
def at_once():
    "`in_document` runs its functions at once in this block (the caller holds the document's lock, or has no document)."
    token = _AT_ONCE.set(True)
    try: yield
    finally: _AT_ONCE.reset(token)

class DashboardState(param.Parameterized):
    "What the components share. Parameters are followed (`param.watch`); methods are how components change them."
    kick = param.ClassSelector(class_=Kick, doc="the kick on screen and in the player (watchers fire on every `show`)")
    history = param.List(default=[], doc="this session's kicks, oldest first (at most HISTORY_SIZE)")
    fx = param.ClassSelector(class_=FxSettings, default=None, allow_None=True, doc="the FX chain heard; None: off")
    length_s = param.Number(default=None, allow_None=True, bounds=LENGTH_RANGE_S,
                            doc="length of every kick heard, downloaded and packed, s (14a_length); None: the model's window")
    anchor = param.Parameter(default=None, doc="(Kick, direction seed) of the variation control")
    sequence = param.List(default=[], doc="the kicks of the sequence to play in time")
    sequence_id = param.Integer(default=0, doc="incremented to play `sequence`")
    sequence_kind = param.String(default=None, allow_None=True, doc="'interpolation', 'variation' or 'walk': the sequence followed")
    step = param.Integer(default=-1, doc="(from the browser) the sequence step now sounding (watchers fire on every report)")
    bpm = param.Integer(default=120, bounds=(60, 200), doc="tempo of sequences")
    last_error = param.String(default="", doc="the last message shown as an error notification")

    def __init__(self, service:KickService, **params):
        super().__init__(**params)
        self.service, self.model = service, service.model
        self.controls = service.controls  # category prior + shape directions (once per process)
        self.lo, self.hi = slider_ranges(self.model)
        m = self.model
        self.map = LatentMap.fit(m.corpus_latents, m.latent_mean, m.latent_std)
        self._quiet = 0                              # > 0 while the code (not the user) moves widgets
        self.last_action = time.monotonic()          # when the producer last chose a kick (`show`): idle sessions close
        self._heard, self._measured = LRU(HEARD_CACHE_SIZE), LRU(HEARD_CACHE_SIZE)

    # ------------------------------------------------------------------ widgets moved by the code, not the user
    @contextmanager
    def quietly(self):
        "Move widgets inside this block: watchers wrapped by `on_user` ignore those changes (no feedback loops)."
        self._quiet += 1
        try: yield
        finally: self._quiet -= 1

    def on_user(self, fn):
        "`fn` as a watcher that runs only for the user's changes, not for those made under `quietly`."
        @functools.wraps(fn)
        def watcher(*args, **kwargs):
            if not self._quiet: return fn(*args, **kwargs)
        return watcher

    in_document = staticmethod(in_document)

    # ------------------------------------------------------------------------------------------------ kicks
    def make(self, recipe:Recipe)->Kick:
        "The kick of `recipe`, decoded (for playback: nothing is stored)."
        return self.make_many([recipe])[0]

    def make_many(self, recipes:list)->list: # `Kick`s, decoded in one batch (a latent out of bounds: ValueError)
        latents = [check_latent(r.latent, self.model.latent_dim) for r in recipes]
        return [Kick(r, y) for r, y in zip(recipes, self.decode(latents))]

    def decode(self, latents)->np.ndarray: # (B, D) -> (B, n_samples)
        return self.service.decode(np.atleast_2d(np.asarray(latents, np.float32)))

    def heard(self, kick:Kick,         # a kick of this session
              original:bool=False      # its uploaded original instead of its decoded audio
             )->np.ndarray: # (T,) float32: `kick.audio` (or `.original`) at `length_s`, through the FX chain; itself while both are off
        "What the page plays and draws for `kick`; processed once per (kick, length, settings), so replays and redraws are free."
        dry, settings, length_s = kick.original if original else kick.audio, self.fx, self.length_s
        if settings is None and length_s is None: return dry
        def process():
            sized = dry if length_s is None else fit_length(dry, self.model.sample_rate, length_s)
            if settings is None: return sized
            try: return apply_fx(sized, settings)
            except ValueError as e:  # once per kick and settings: the dry kick, and why
                self.notify_error(f"FX off for {kick.label}{' (original)' if original else ''}: {e}")
                return sized
        key = (kick, original, None if settings is None else astuple(settings), length_s)
        return self._heard.get_or_make(key, process)

    def descriptors(self, kick:Kick)->dict: # `shape_descriptors` of what is heard of `kick` (through the FX chain)
        "The measured pitch, decay, punch, brightness and sub of `kick` as heard, once per (kick, FX settings)."
        key = (kick, None if self.fx is None else astuple(self.fx), self.length_s)
        return self._measured.get_or_make(key, lambda: shape_descriptors(self.heard(kick)))

    def file_facts(self, kick:Kick)->dict: # id, name, tags, recall, key_hz
        """What the page keeps of `kick` as a file (a 16-bit WAV through the FX chain): its storage `id`, its readable
        `name` (kick_F1_808_s123.wav), `tags` (note, category), the `recall` data that makes it again, and `key_hz`."""
        key, recall = self.service.recall_of(kick.latent, kick.seed, "wav", 16, self.fx, kick.made, self.length_s)
        pitch_hz = float(self.descriptors(kick)["pitch_hz"][0])   # measured on what is heard, once per kick and FX
        note = hz_to_note(pitch_hz)[0] if math.isfinite(pitch_hz) else None
        category = (kick.made or {}).get("category")
        return dict(id=f"kick_{key}.wav", name=download_name(recall, pitch_hz, key),
                    tags=[t for t in (note, category and category_label(category)) if t],
                    recall={k: recall[k] for k in RECALL_KEYS if recall.get(k) is not None},
                    key_hz=pitch_hz if math.isfinite(pitch_hz) else None)

    def reference(self, kick:Kick)->tuple: # (audio, label) of the B side of the A/B comparison
        if kick.original is not None: return self.heard(kick, original=True), "original upload"  # through the same FX
        previous = [k for k in self.history if k is not kick]
        return self.heard(previous[-1] if previous else kick), "previous"

    # ----------------------------------------------------------------------------------------- what is shown
    def show(self, kick:Kick, commit:bool=True):
        """Make `kick` current; `commit` adds it to the history. It is the producer's choice: a sequence playing stops
        (a walk no longer moves the current kick)."""
        self.stop_sequence()
        self.last_action = time.monotonic()
        self.present(kick, commit)

    def present(self, kick:Kick, commit:bool):
        "`show` without stopping the sequence: how a walk's steps become current as they sound."
        with param.discard_events(self): self.kick = kick
        self.param.trigger("kick")   # every show, even of the same kick (an FX change re-renders it)
        if commit: self.in_document(functools.partial(self.commit, kick))

    def commit(self, kick:Kick):
        "Add `kick` to the history (unless it is the last entry already)."
        if not (self.history and self.history[-1] is kick): self.history = (self.history + [kick])[-HISTORY_SIZE:]

    def set_anchor(self, kick:Kick):
        "Make `kick` the centre of the variation control, in a new direction."
        self.anchor = (kick, new_seed())

    def show_recipe(self, recipe:Recipe, commit:bool=True):
        "Decode `recipe` and make it current (and the variations' centre); a bad latent becomes a notification."
        try: kick = self.make(recipe)
        except ValueError as e: return self.notify_error(str(e))
        self.set_anchor(kick)
        self.show(kick, commit)

    def recall(self, index:int):
        "Make history entry `index` current again."
        kick = self.history[index]
        self.set_anchor(kick)
        self.show(kick, commit=False)

    def notify_error(self, message:str):
        "Show `message` as an error notification (and keep it in `last_error`)."
        self.last_error = message
        log.warning("dashboard: %s", message)
        if pn.state.notifications is not None: pn.state.notifications.error(message, duration=8000)

    # -------------------------------------------------------------------------------------------- sequences
    def play_sequence(self, kicks:list, kind:str):
        "Play `kicks` one per beat in the browser, the components of `kind` following the steps."
        if not kicks: return self.notify_error("nothing to play yet: make the kicks first")
        self.sequence_kind, self.sequence = kind, list(kicks)
        self.sequence_id += 1

    def stop_sequence(self):
        "Stop the sequence playing (in the browser) and following it here: a producer's new action takes over."
        self.sequence_kind = None

    def report_step(self, i:int):
        "The browser's player says step `i` sounds now."
        with param.discard_events(self): self.step = i
        self.param.trigger("step")
