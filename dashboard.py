"""The kick_nbdev dashboard: generate, steer, morph and explore kicks in the browser.

Run it with the API (one server, one URL: the dashboard at /, the API under /api, the docs at /docs):

    make serve                      # = python api.py --port 8000

or on its own:

    panel serve dashboard.py        # reads KICK_MODEL_PATH and the KICK_STORAGE* variables like the API

It is a thin layer over the library, used in-process: `kick_nbdev.latent` for sampling, interpolation, walks,
variations and slider ranges; `kick_nbdev.service.KickService` for decoding (one batch per operation, thread-safe)
and for the stored, recallable files behind the download buttons; `kick_nbdev.fx` for the post-processing chain (FX
tab: the decoded audio of each kick is kept, so moving an FX control re-processes it without decoding again);
`kick_nbdev.viz` for the spectrogram, the waveform strips and the PCA map. The model's controls (`service.controls`:
16_categories' category prior, 15_shape's shape directions) give the latents of category / blend kicks and of the Shape
sliders, so live moves decode through `service.decode` and store nothing; style transfer (17_style) and sample packs
(`KickService.pack`, 19_pack: built in a background thread, with a progress bar) go through the service. Sound is played
by the browser's Web Audio API (`KickPlayer`): each kick arrives as WAV bytes, is decoded once into an `AudioBuffer`,
and replays instantly without a server round trip; a sequence (a walk, steps played in time) stops at the producer's
next action.
"""
import base64, functools, io, json, logging, math, tempfile, threading, time
from collections import OrderedDict
from dataclasses import astuple, dataclass, field, replace
from pathlib import Path

import numpy as np
import panel as pn
import param
from bokeh.core.property.descriptors import UnsetValueError
from bokeh.events import Tap
from bokeh.models import ColorBar, ColumnDataSource, FixedTicker, HoverTool, LinearColorMapper, Range1d
from bokeh.palettes import Category10_10, Magma256
from bokeh.plotting import figure
from panel.custom import JSComponent
from panel.io.state import set_curdoc
from panel.theme import Fast

from kick_nbdev.categories import category_weights
from kick_nbdev.fx import FX_PRESETS, NOTE_NAMES, FxSettings, apply_fx, hz_to_note
from kick_nbdev.latent import INTERPOLATION_MODES, MAX_ABS_LATENT, MAX_SEED, check_latent, interpolate, new_seed, slider_ranges, \
    nearest_corpus_kicks, variations, walk
from kick_nbdev.preprocess import AudioFileError, load_audio, preprocess
from kick_nbdev.pack import PACK_SIZES, POOL_FACTOR, Pack
from kick_nbdev.service import MAX_BATCH, KickService, category_recall, fx_catalog, latent_to_list
from kick_nbdev.shape import SHAPE_RANGE, shape_descriptors
from kick_nbdev.storage import StorageUnavailable, encode_audio
from kick_nbdev.viz import LatentMap, log_spectrogram, minmax_envelope

log = logging.getLogger("kick_nbdev.dashboard")
pn.extension(notifications=True)
# Panel's Fast design links a Google Fonts stylesheet. The page makes no third-party requests (offline studios,
# privacy, no console errors without internet): drop it, and the template uses the system's sans-serif.
Fast._resources = {**Fast._resources, "font": {}}

SLIDER_INTERVAL_MS = 50       # at most one re-render per this while a slider is dragged (the last position always renders)
HISTORY_SIZE = 50             # kicks remembered per session
STRIP_POINTS = 96             # envelope columns per waveform strip
N_VARIATIONS = 6              # kicks in a row of variations
SPEC_TICKS_HZ = [20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000]
SPEC_FLOOR_DB = -90.0         # bottom of the spectrogram's colour scale, dBFS
MAP_PICK_PX = 10              # a click on the map this close to a kick picks it, screen pixels
ACCENT = "#f25c05"            # current kick
B_COLOUR = "#8a9bb0"          # previous kick / uploaded original (A/B overlay)
UPLOAD_TYPES = ".wav,.flac,.ogg,.aif,.aiff"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # largest upload accepted, bytes (the API's limit too)
FX_CACHE_SIZE = 16            # (kick, FX settings) -> processed audio entries kept per session
FX_SLIDER_STEPS = 200         # an FX slider moves in steps of at least its range / this, rounded down to a power of 10
NO_PRESET = "custom"          # the preset selector's entry for settings that are no preset's
ANY_CATEGORY, BLEND = "any", "blend"  # the category picker's entries besides the categories themselves
DEFAULT_BLEND_PCT = {"808": 70, "distorted": 30}  # the blend sliders' start (the producers' example), % per category
PACK_DEFAULT_SIZE = 16        # kicks in a pack unless the producer asks for another number
NO_FX, CURRENT_FX = "none", "current FX settings"  # the pack FX selector's entries besides the presets
SHAPE_UNIT_TEXT = {"pitch": "{:.1f} semitones", "decay": "×{:.2f} in decay time", "punch": "{:.1f} dB of transient over body",
                   "brightness": "×{:.2f} in spectral centroid", "sub": "{:.1f} dB of sub (< 60 Hz) energy share"}

@dataclass(frozen=True, eq=False)  # identity equality: kicks hold arrays
class Kick:
    "A kick shown on the page: its latent, its audio and where it came from."
    latent:np.ndarray                  # (D,) float32
    audio:np.ndarray                   # (n_samples,) float32 in [-1, 1], as decoded (before FX: see `KickDashboard.heard`)
    label:str                          # what the history list says, e.g. "random · seed 123"
    seed:int|None = None               # prior seed that reproduces it (random kicks only)
    original:np.ndarray|None = field(default=None, repr=False)  # (n_samples,) the preprocessed upload it reconstructs
    made:dict|None = None              # how its latent was made beyond `seed`, as recall data records it (`KickService.render`):
                                       # category, attributes (Shape sliders), style_transfer

def wav_base64(audio:np.ndarray, # (T,) float samples in [-1, 1]
               sample_rate:int   # Hz
              )->str:            # base64 of a 16-bit mono WAV
    "The kick as base64 WAV text, the form the browser player decodes."
    return base64.b64encode(encode_audio(audio, sample_rate, "wav", 16)).decode("ascii")

def pitch_text(hz:float # the ringing pitch of a kick's body (`shape_descriptors`' pitch_hz), Hz; nan if it has none
              )->str:     # e.g. "F1 +12 ct · 44.0 Hz", or "no clear pitch"
    "The note a kick's body rings at (producers tune kicks to the track's key)."
    if not np.isfinite(hz): return "no clear pitch"
    note, cents = hz_to_note(hz)
    return f"{note} {cents:+.0f} ct · {hz:.1f} Hz"

def descriptor_table(now:dict,  # `shape_descriptors` of the kick heard now (one kick: name -> (1,) array)
                     start:dict # the same of the Shape panel's starting kick
                    )->str:     # a Markdown table: each descriptor now and its change from the start, in slider units
    "What the Shape sliders moved, measured on the audio: pitch, decay, punch, brightness and sub, now and since the start."
    v, w = ({k: float(a[0]) for k, a in d.items()} for d in (now, start))
    text = lambda value, spec: spec.format(value) if np.isfinite(value) else "–"   # nan: silent, or no ringing body
    rows = [("pitch", pitch_text(v["pitch_hz"]), text(12 * np.log2(v["pitch_hz"] / w["pitch_hz"]), "{:+.1f} st")),
            ("decay", text(v["decay_ms"], "{:.0f} ms"), text(v["decay_ms"] / w["decay_ms"], "×{:.2f}")),
            ("punch", text(v["punch_db"], "{:.1f} dB"), text(v["punch_db"] - w["punch_db"], "{:+.1f} dB")),
            ("brightness", text(v["brightness_hz"], "{:.0f} Hz"), text(v["brightness_hz"] / w["brightness_hz"], "×{:.2f}")),
            ("sub", text(v["sub_db"], "{:.1f} dB"), text(v["sub_db"] - w["sub_db"], "{:+.1f} dB"))]
    return "| | heard | since the start |\n|:--|--:|--:|\n" + "\n".join(f"| {n} | {a} | {b} |" for n, a, b in rows)

class KickPlayer(JSComponent):
    """Web Audio playback. Each new `wav` is decoded once with `AudioContext.decodeAudioData` into an `AudioBuffer`
    (its duration comes back in `duration`); space replays it, R asks for a random kick, and every new kick plays
    by itself once the page has had a user gesture (browsers refuse sound before one). `sequence` + `sequence_id`
    play several kicks in time at `bpm`, reporting the step that sounds in `step`; `stop_sequence()` stops them."""
    wav = param.String(default="", doc="base64 WAV of the current kick")
    reference_wav = param.String(default="", doc="base64 WAV of the B kick (previous kick, or the uploaded original)")
    reference_label = param.String(default="previous")
    autoplay = param.Boolean(default=True, doc="play each new kick after the first user gesture")
    sequence = param.List(default=[], doc="base64 WAVs to play in time")
    sequence_id = param.Integer(default=0, doc="incremented to start playing `sequence`")
    bpm = param.Number(default=120.0, bounds=(30, 300))
    step = param.Integer(default=-1, doc="(from the browser) index of the sequence step now sounding, -1 when none")
    duration = param.Number(default=0.0, doc="(from the browser) duration of the decoded AudioBuffer, seconds")

    _esm = """
    export function render({ model, el }) {
      const ctx = new (window.AudioContext || window.webkitAudioContext)();
      const state = window.kickPlayer = window.kickPlayer || {decodes: 0};
      let current = null, reference = null, sources = [], timers = [], gestured = false, token = 0, sequenceToken = 0,
          sequencePlaying = false;
      const bar = document.createElement("div");
      bar.style.cssText = "display:flex;gap:8px;align-items:center;flex-wrap:wrap;font:13px sans-serif";
      const button = (text, title) => {
        const b = document.createElement("button"); b.textContent = text; b.title = title;
        b.style.cssText = "padding:6px 14px;border-radius:4px;border:1px solid #888;background:#f25c05;color:white;cursor:pointer;font-weight:600";
        bar.appendChild(b); return b;
      };
      const playA = button("▶ Play (space)", "play the current kick"); playA.className = "kick-play";
      const playB = button("▶ B", "play the previous kick (A/B)"); playB.style.background = "#8a9bb0"; playB.className = "kick-play-b";
      const status = document.createElement("span"); status.className = "kick-status"; bar.appendChild(status);
      el.appendChild(bar);

      const decode = async (b64) => {
        if (!b64) return null;
        const bin = atob(b64), bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        return await ctx.decodeAudioData(bytes.buffer);
      };
      const stop = () => { sources.forEach(s => { try { s.stop(); } catch (e) {} }); sources = [];
                           timers.forEach(clearTimeout); timers = [];
                           if (sequencePlaying) { sequencePlaying = false; model.step = -1; } };  // cut short: no step sounds
      const start = (buffer, when) => { const s = ctx.createBufferSource(); s.buffer = buffer;
                                        s.connect(ctx.destination); s.start(when); sources.push(s); };
      const playNow = (buffer) => { if (!buffer) return; if (ctx.state !== "running") ctx.resume(); stop(); start(buffer, 0);
                                    state.plays = (state.plays || 0) + 1; };
      const gesture = () => {
        gestured = true;
        if (ctx.state !== "running") ctx.resume().then(() => { status.textContent = status.textContent.replace("click anywhere to enable sound", "ready"); });
      };

      async function loadCurrent() {
        const mine = ++token;
        state.receivedAt = performance.now();
        const buffer = await decode(model.wav);
        if (mine !== token || !buffer) return;       // a newer kick arrived while this one decoded
        current = buffer;
        state.decodes += 1; state.duration = buffer.duration; state.length = buffer.length;
        state.sampleRate = buffer.sampleRate; state.decodedAt = performance.now();
        state.checksum = buffer.getChannelData(0).reduce((sum, v) => sum + Math.abs(v), 0);  // tells kicks apart in tests
        if (model.duration !== buffer.duration) model.duration = buffer.duration;
        status.textContent = `${(buffer.duration * 1000).toFixed(0)} ms · ${buffer.sampleRate} Hz · ${ctx.state === "running" ? "ready" : "click anywhere to enable sound"}`;
        if (model.autoplay && gestured && !sequencePlaying) playNow(current);
      }
      async function loadReference() { reference = await decode(model.reference_wav); playB.textContent = `▶ B: ${model.reference_label}`; }
      async function playSequence() {
        const mine = ++sequenceToken;
        const buffers = await Promise.all(model.sequence.map(decode));
        if (mine !== sequenceToken || !buffers.length) return;   // stopped (or replaced) while it decoded
        gesture(); stop(); sequencePlaying = true;
        const beat = 60 / model.bpm, lead = 0.05, t0 = ctx.currentTime + lead;
        buffers.forEach((b, i) => {
          start(b, t0 + i * beat);
          timers.push(setTimeout(() => { model.step = i; }, (lead + i * beat) * 1000));
        });
        timers.push(setTimeout(() => { sequencePlaying = false; model.step = -1; }, (lead + buffers.length * beat) * 1000));
      }
      playA.onclick = () => { gesture(); playNow(current); };
      playB.onclick = () => { gesture(); playNow(reference); };
      const typing = (e) => { const t = e.composedPath()[0];
        return t && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName)); };
      const onKeyDown = (e) => {
        if (typing(e) || e.ctrlKey || e.metaKey || e.altKey) return;
        if (e.code === "Space") { e.preventDefault(); e.stopPropagation(); gesture(); playNow(current); }
        else if (e.key === "r" || e.key === "R") { e.preventDefault(); gesture(); model.send_msg({action: "random"}); }
      };
      const onKeyUp = (e) => { if (e.code === "Space" && !typing(e)) { e.preventDefault(); e.stopPropagation(); } };  // no button "click" on space
      document.addEventListener("keydown", onKeyDown, true);
      document.addEventListener("keyup", onKeyUp, true);
      document.addEventListener("pointerdown", gesture, true);
      model.on("wav", loadCurrent);
      model.on("reference_wav", loadReference);
      model.on("reference_label", loadReference);
      model.on("sequence_id", playSequence);
      model.on("msg:custom", (msg) => {   // sent before the kick that replaces the sequence: that kick then plays
        if (msg.action === "stop_sequence") { sequenceToken += 1; if (sequencePlaying) stop(); }
      });
      model.on("remove", () => {
        document.removeEventListener("keydown", onKeyDown, true); document.removeEventListener("keyup", onKeyUp, true);
        document.removeEventListener("pointerdown", gesture, true); sequencePlaying = false; stop(); ctx.close();
      });
      loadCurrent(); loadReference();
    }
    """

    def __init__(self, on_random=None, **params):
        super().__init__(**params)
        self._on_random = on_random

    def _handle_msg(self, msg):
        if isinstance(msg, dict) and msg.get("action") == "random" and self._on_random: self._on_random()

    def stop_sequence(self):
        "Stop the sequence playing in the browser (its kicks' sound and its `step` reports); nothing if none plays."
        self._send_msg({"action": "stop_sequence"})

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

STRIP_FILL, STRIP_GAP = "#888888", 0.9  # background of a strip; width of a strip in a slot of width 1

class KickStrips:
    "A row of small waveform strips, one per kick, in one Bokeh figure; a click on a strip calls `on_pick(index)`."
    def __init__(self, title:str, # the figure's title
                 name:str,        # prefix of the sources' names ("<name>_steps", "<name>_strips"), to find them in BokehJS
                 on_pick          # called with the index of the clicked strip
                ):
        self.patches = ColumnDataSource(dict(xs=[], ys=[]), name=f"{name}_strips")
        self.boxes = ColumnDataSource(dict(left=[], right=[], label=[], fill=[]), name=f"{name}_steps")
        fig = _fig(title=title, height=150, tools="tap", x_range=Range1d(0, 8), y_range=Range1d(-1.25, 1.1))
        fig.quad(left="left", right="right", bottom=-1.05, top=1.05, source=self.boxes, fill_color="fill", fill_alpha=0.25,
                 line_color=None, nonselection_fill_alpha=0.25, selection_fill_alpha=0.5)
        fig.patches("xs", "ys", source=self.patches, color=ACCENT, line_width=0.5)
        fig.text(x="left", y=-1.22, text="label", source=self.boxes, text_font_size="9pt", text_color="#888",
                 nonselection_text_alpha=1.0)
        fig.axis.visible, fig.grid.visible = False, False
        self.boxes.selected.on_change("indices", lambda attr, old, new: new and on_pick(new[0]))
        self.fig = fig

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

    def highlight(self, i:int): # the strip to mark (-1: none)
        "Mark strip `i` (the one sounding)."
        n = len(self.boxes.data["fill"])
        if n: self.boxes.patch({"fill": [(slice(0, n), [ACCENT if j == i else STRIP_FILL for j in range(n)])]})

def _drawn_size(fig, attr:str, default:int)->int: # pixels
    "The size the browser reported for `fig` (`inner_width` / `inner_height`), or `default` before it has."
    try: return max(int(getattr(fig, attr) or default), 1)
    except UnsetValueError: return default

def _fig(**kw):
    "A Bokeh figure with the dashboard's defaults."
    defaults = dict(sizing_mode="stretch_width", height=260, toolbar_location="above", tools="xpan,xwheel_zoom,reset")
    p = figure(**{**defaults, **kw})
    p.toolbar.logo = None
    return p

class KickDashboard(pn.viewable.Viewer):
    "One producer's session: the current kick, its history, and the four ways of moving through the timbre space."
    kick = param.ClassSelector(class_=Kick, doc="the kick on screen and in the player")
    history = param.List(default=[], doc="this session's kicks, oldest first (at most HISTORY_SIZE)")
    interpolation = param.List(default=[], doc="the kicks of the last interpolation, in path order")
    walk_kicks = param.List(default=[], doc="the kicks of the last walk, in path order")
    variation_kicks = param.List(default=[], doc="the last row of variations")
    pack = param.ClassSelector(class_=Pack, doc="the last sample pack made")
    last_error = param.String(default="", doc="the last message shown as an error notification")

    def __init__(self, service:KickService, # the generation service (model + storage), shared with the API
                 seed:int|None=None,            # seed of the first kick; None = a new one
                 show_api_link:bool=False,      # link the API's docs in the header (when served with the API)
                 **params):
        super().__init__(**params)
        self.show_api_link, self._page = show_api_link, None
        self.service, self.model = service, service.model
        self.controls = service.controls  # category prior + shape directions, from the model's controls file (once per process)
        m = self.model
        self.lo, self.hi = slider_ranges(m)
        self.map = LatentMap.fit(m.corpus_latents, m.latent_mean, m.latent_std)
        self._syncing = False             # True while the code (not the user) moves widgets
        self._slider_throttle = Throttle(self._render_slider)  # latent sliders being dragged
        self._fx_throttle = Throttle(self._render_fx)          # FX controls being dragged
        self._shape_throttle = Throttle(self._render_shape)    # Shape sliders being dragged
        self._shape_base = None           # the Kick the Shape sliders move (the kick shown when they were last at 0)
        self._shape_kick = None           # the kick the Shape sliders made last, while it is current
        self._descriptors = OrderedDict() # (kick, astuple(FxSettings) or None) -> shape_descriptors of what is heard, LRU
        self._pack_zip = b""              # the last pack as a zip file
        self._pack_thread = None          # the thread building a pack
        self._fx_cache = OrderedDict()    # (kick, original?, astuple(FxSettings)) -> processed audio, LRU
        self._slider_kick = None          # the last kick made by the sliders (its views leave the sliders alone)
        self._variation = None            # (anchor Kick, direction seed) of the variation control
        self._sequence_kind = None        # "interpolation", "variation" or "walk": the sequence followed; None: none
        self.player = KickPlayer(on_random=self.random_kick, sizing_mode="stretch_width", height=40)
        self.player.param.watch(self._on_step, "step")
        self._build_widgets()
        self._build_plots()
        self.random_kick(seed)

    # ------------------------------------------------------------------------------------------------ widgets
    def _build_widgets(self):
        m, w = self.model, pn.widgets
        self.random_button = w.Button(label="Random kick  (R)", color="primary", sizing_mode="stretch_width")
        self.random_button.on_click(lambda e: self.random_kick())
        self.seed_input = w.IntInput(label="Seed (type one to recall its kick)", start=0, end=MAX_SEED, value=0)
        self.seed_input.param.watch(lambda e: self._syncing or self.random_kick(e.new), "value")
        self.intensity = ImmediateSlider(label="Variation intensity", start=0.0, end=1.0, step=0.01, value=0.3)
        self.intensity.param.watch(self._on_intensity, "value_throttled")
        self.direction_button = w.Button(label="Variation: new direction ↻", sizing_mode="stretch_width")
        self.direction_button.on_click(lambda e: self.vary(new_direction=True))
        self.variations_button = w.Button(label=f"{N_VARIATIONS} variations", color="primary")
        self.variations_button.on_click(lambda e: self.make_variations())
        self.play_variations_button = w.Button(label="▶ Play them in time")
        self.play_variations_button.on_click(lambda e: self.play_sequence(self.variation_kicks, "variation"))

        self.sliders = []
        for i in range(m.latent_dim):
            lo, hi = float(self.lo[i]), float(self.hi[i])
            s = ImmediateSlider(label=f"dimension {i}", start=lo, end=hi, step=(hi - lo) / 500, value=float(np.clip(0, lo, hi)),
                              format="0.00", sizing_mode="stretch_width")
            s.param.watch(self._on_slider, "value")
            s.param.watch(self._on_slider_release, "value_throttled")
            self.sliders.append(s)
        self.reset_button = w.Button(label="Reset to the corpus centre")
        self.reset_button.on_click(lambda e: self.set_latent(self.model.latent_mean, "centre of the corpus"))
        self.dim_select = w.Select(label="Dimension", options={f"dimension {i}": i for i in range(m.latent_dim)}, width=140)
        self.randomize_dim_button = w.Button(label="Randomize this dimension")
        self.randomize_dim_button.on_click(lambda e: self.randomize_dimension(self.dim_select.value))
        self.latent_json = w.TextAreaInput(label="Latent as JSON (the body of POST /api/generate)", height=110,
                                           sizing_mode="stretch_width")
        self.copy_button = w.Button(label="Copy")
        self.copy_button.js_on_click(args={"area": self.latent_json}, code="navigator.clipboard.writeText(area.value)")
        self.paste_button = w.Button(label="Apply pasted JSON", color="primary")
        self.paste_button.on_click(lambda e: self.apply_json(self.latent_json.value))

        self.a_select = w.Select(label="Kick A", sizing_mode="stretch_width")
        self.b_select = w.Select(label="Kick B", sizing_mode="stretch_width")
        self.steps_slider = w.IntSlider(label="Steps", start=2, end=min(32, MAX_BATCH), value=8)
        self.mode_select = w.RadioButtonGroup(label="Path", options=list(INTERPOLATION_MODES), value="linear")
        self.morph_button = w.Button(label="Morph A → B", color="primary")
        self.morph_button.on_click(lambda e: self.morph())
        self.bpm = w.IntSlider(label="Tempo (BPM)", start=60, end=200, value=120, width=180)
        self.play_sequence_button = w.Button(label="▶ Play the steps in time")
        self.play_sequence_button.on_click(lambda e: self.play_sequence(self.interpolation, "interpolation"))
        self.style_strength = w.FloatSlider(label="Strength (0 = the character kick, 1 = the other's pitch and decay)",
                                            start=0.0, end=1.0, step=0.05, value=1.0, width=380)
        self.style_ab_button = w.Button(label="Body of A + character of B", color="primary")
        self.style_ab_button.on_click(lambda e: self.transfer_style("A"))
        self.style_ba_button = w.Button(label="Body of B + character of A")
        self.style_ba_button.on_click(lambda e: self.transfer_style("B"))

        self.walk_steps = w.IntSlider(label="Walk steps", start=4, end=min(32, MAX_BATCH), value=16, width=180)
        self.walk_step_size = w.FloatSlider(label="Step size (× each range)", start=0.01, end=0.2, step=0.01, value=0.05, width=180)
        self.walk_button = w.Button(label="Walk from the current kick", color="primary")
        self.walk_button.on_click(lambda e: self.start_walk())

        self.upload = w.FileInput(accept=UPLOAD_TYPES, multiple=False, sizing_mode="stretch_width")
        self.upload.param.watch(lambda e: e.new and self.upload_kick(e.new, self.upload.filename or "upload"), "value")
        self.history_select = w.Select(label="History (click to recall)", size=10, sizing_mode="stretch_width")
        self.history_select.param.watch(lambda e: self._syncing or e.new is None or self.recall(e.new), "value")
        self.wav_download = w.FileDownload(callback=lambda: self._download("wav"), filename="kick.wav",
                                           label="⬇ WAV", color="success", sizing_mode="stretch_width")
        self.json_download = w.FileDownload(callback=lambda: self._download("json"), filename="kick.json",
                                            label="⬇ Recall JSON", sizing_mode="stretch_width")
        self.info = pn.pane.Markdown(sizing_mode="stretch_width")
        self.spec_choice = w.RadioButtonGroup(options={"Spectrogram of A": "A", "of B": "B"}, value="A", width=210, align="center")
        self.spec_choice.param.watch(lambda e: self._in_document(self._draw_spectrogram), "value")
        self.pitch_info = pn.pane.Markdown(sizing_mode="stretch_width", margin=(0, 10))
        self._build_category_widgets()
        self._build_shape_widgets()
        self._build_pack_widgets()
        self._build_fx_widgets()

    def _build_category_widgets(self):
        "The category picker of Random mode: any kick, one category, or a blend with a weight per category."
        w, categories = pn.widgets, self.controls.categories.categories
        self.category_choice = w.RadioButtonGroup(label="Category", options=[ANY_CATEGORY, *categories, BLEND], value=ANY_CATEGORY,
                                                  color="primary", variant="outline")
        self.blend_sliders = {c: w.IntSlider(label=f"{c} (%)", start=0, end=100, step=5, value=DEFAULT_BLEND_PCT.get(c, 0),
                                             sizing_mode="stretch_width") for c in categories}
        self.blend_row = pn.Row(*self.blend_sliders.values(), visible=False, sizing_mode="stretch_width")
        self.category_choice.param.watch(lambda e: setattr(self.blend_row, "visible", e.new == BLEND), "value")

    def _build_shape_widgets(self):
        "The Shape panel: one slider per named shape attribute (15_shape), each unit explained by the fitted model's spread."
        w = pn.widgets
        self.shape_sliders, self.shape_tips = {}, {}
        for name, (size, _) in self.controls.shape.units().items():
            self.shape_sliders[name] = s = ImmediateSlider(label=name, start=-SHAPE_RANGE, end=SHAPE_RANGE, step=0.1, value=0.0,
                                                           format="+0.0", sizing_mode="stretch_width")
            s.param.watch(self._on_shape, "value")
            s.param.watch(self._on_shape_release, "value_throttled")
            self.shape_tips[name] = (f"1.0 on this slider = {SHAPE_UNIT_TEXT[name].format(size)}: one standard deviation "
                                     f"of {name} over this model's kicks. The other four attributes move as little as the "
                                     "model allows.")
        self.shape_reset_button = w.Button(label="↺ Back to the start")
        self.shape_reset_button.on_click(lambda e: self.reset_shape())
        self.shape_keep_button = w.Button(label="Keep: start from here")
        self.shape_keep_button.on_click(lambda e: self.keep_shape())
        self.shape_info = pn.pane.Markdown(sizing_mode="stretch_width")

    def _build_pack_widgets(self):
        "The Make pack card: size, key, FX, a progress bar, then the zip to download."
        w = pn.widgets
        self.pack_size = w.IntSlider(label="Kicks", start=PACK_SIZES[0], end=PACK_SIZES[1], value=PACK_DEFAULT_SIZE, width=220)
        self.pack_key = w.Select(label="Key (tune every kick)", options=["off", *NOTE_NAMES], value="off", width=150)
        self.pack_fx = w.Select(label="FX", options=[NO_FX, *FX_PRESETS, CURRENT_FX], value=NO_FX, width=180)
        self.pack_button = w.Button(label="Make pack", color="primary", align="end")
        self.pack_button.on_click(lambda e: self.start_pack())
        self.pack_progress = pn.indicators.Progress(value=0, max=100, visible=False,
                                                    sizing_mode="stretch_width", bar_color="success")
        self.pack_download = w.FileDownload(callback=lambda: io.BytesIO(self._pack_zip), filename="kick_pack.zip",
                                            label="⬇ Pack (zip)", color="success", visible=False, width=220)
        self.pack_summary = pn.pane.Markdown(sizing_mode="stretch_width")

    def _build_fx_widgets(self):
        "The FX tab's controls, built from `fx_catalog()` (the same bounds, units and meanings as GET /api/fx)."
        w = pn.widgets
        catalog = self.fx_catalog = fx_catalog()
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
                sizing_mode="stretch_width")
            if p["nullable"]: self.fx_enabled[name] = w.Checkbox(label="on", value=False, width=40, align="end")
        for control in [self.fx_tune, *self.fx_sliders.values(), *self.fx_enabled.values()]:
            control.param.watch(self._on_fx_control, "value")
        self.fx_switch.param.watch(lambda e: self._syncing or self._fx_throttle.request(), "value")
        self.fx_preset.param.watch(lambda e: self._syncing or e.new == NO_PRESET or self.load_preset(e.new), "value")

    # -------------------------------------------------------------------------------------------------- plots
    def _build_plots(self):
        m = self.model
        t_ms = np.arange(m.n_samples, dtype=np.float32) * 1000 / m.sample_rate
        duration_ms = m.n_samples * 1000 / m.sample_rate
        self.wave_source = ColumnDataSource(dict(t_ms=t_ms, a=np.zeros_like(t_ms), b=np.zeros_like(t_ms)), name="waveform")
        p = _fig(title="Waveform (A = current, B = previous)", x_axis_label="time (ms)", y_range=Range1d(-1.05, 1.05),
                 x_range=Range1d(0, duration_ms, bounds=(0, duration_ms)))
        p.line("t_ms", "b", source=self.wave_source, color=B_COLOUR, alpha=0.8, legend_label="B", name="wave_b")
        p.line("t_ms", "a", source=self.wave_source, color=ACCENT, legend_label="A", name="wave_a")
        p.legend.location, p.legend.orientation, p.legend.background_fill_alpha = "top_right", "horizontal", 0.5
        self.wave_fig = p

        image, freqs_hz, times_ms = log_spectrogram(np.zeros(m.n_samples, np.float32), m.sample_rate, floor_db=SPEC_FLOOR_DB)
        self._spec_extent = (float(freqs_hz[0]), float(freqs_hz[-1]))
        self.spec_source = ColumnDataSource(dict(image=[image], x=[0.0], y=[freqs_hz[0]], dw=[duration_ms],
                                                 dh=[freqs_hz[-1] - freqs_hz[0]]), name="spectrogram")
        mapper = LinearColorMapper(palette=Magma256, low=SPEC_FLOOR_DB, high=0.0)
        s = _fig(title="Spectrogram (log frequency)", x_axis_label="time (ms)", y_axis_label="Hz", y_axis_type="log",
                 x_range=self.wave_fig.x_range, y_range=Range1d(*self._spec_extent))
        s.image("image", x="x", y="y", dw="dw", dh="dh", source=self.spec_source, color_mapper=mapper, name="spec_image")
        s.yaxis.ticker = FixedTicker(ticks=SPEC_TICKS_HZ)
        s.yaxis.major_label_overrides = {f: (f"{f // 1000}k" if f >= 1000 else str(f)) for f in SPEC_TICKS_HZ}
        s.add_layout(ColorBar(color_mapper=mapper, title="dBFS", width=10), "right")
        s.add_tools(HoverTool(tooltips=[("time", "$x{0.0} ms"), ("freq", "$y{0} Hz"), ("level", "@image{0.0} dBFS")]))
        self.spec_fig = s

        self.interp_strips = KickStrips("Interpolation steps (click one to make it current)", "interp", self.pick_step)
        self.variation_strips = KickStrips("Variations of the current kick (click one to keep it)", "variation",
                                           self.pick_variation)

        corpus_xy = self.map.project(m.corpus_latents) if len(m.corpus_latents) else np.zeros((0, 2))
        meta = [dict(m.corpus_meta[i]) if i < len(m.corpus_meta) else {} for i in range(len(corpus_xy))]
        self.corpus_source = ColumnDataSource(dict(
            x=corpus_xy[:, 0], y=corpus_xy[:, 1], index=list(range(len(corpus_xy))),
            name=[d.get("name", f"kick {i}") for i, d in enumerate(meta)],
            category=[str(d.get("category", "?")) for d in meta], kit=[str(d.get("kit", "")) for d in meta],
            colour=self._category_colours([str(d.get("category", "?")) for d in meta])), name="corpus_points")
        self.generated_source = ColumnDataSource(dict(x=[], y=[], name=[], category=[], kit=[]), name="generated_points")
        self.current_source = ColumnDataSource(dict(x=[0.0], y=[0.0]), name="current_point")
        self.trail_source = ColumnDataSource(dict(x=[], y=[]), name="walk_trail")
        extent = max(3.0, float(np.abs(corpus_xy).max()) * 1.15 if len(corpus_xy) else 3.0)
        ex = self.map.explained
        axis_label = lambda i: (f"latent dimension {i} (standardised)" if np.isnan(ex[i]) else
                                f"PC{i + 1} ({ex[i]:.0%} of the corpus's variance)")
        mp = _fig(title="Timbre space (click a kick to play it, click empty space to hear that spot)", height=460,
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
        self.map_fig = mp

    @staticmethod
    def _category_colours(categories:list)->list:
        order = sorted(set(categories))
        return [Category10_10[order.index(c) % 10] for c in categories]

    # ------------------------------------------------------------------------------------------------- layout
    def __panel__(self):
        if self._page is None: self._page = self._build_page()  # Bokeh figures may sit in one place only
        return self._page

    def _build_page(self):
        m = self.model
        kick_view = pn.Column(
            pn.Row(self.player, self.spec_choice, sizing_mode="stretch_width", height=50),
            pn.Row(pn.pane.Bokeh(self.wave_fig, sizing_mode="stretch_width"),
                   pn.pane.Bokeh(self.spec_fig, sizing_mode="stretch_width"), sizing_mode="stretch_width"),
            sizing_mode="stretch_width")
        pack_card = pn.Card(
            pn.pane.Markdown("A cohesive, varied pack from the category picked above: the kicks farthest apart among "
                             f"{POOL_FACTOR} candidates each, ordered by pitch, with a manifest (CSV + JSON) of their note, "
                             "decay and loudness. A key tunes every kick to that pitch class (kicks that will not tune are "
                             "replaced); with the current FX settings, their tuning is the key unless one is picked here."),
            pn.Row(self.pack_size, self.pack_key, self.pack_fx, self.pack_button),
            self.pack_progress, pn.Row(self.pack_download, self.pack_summary, sizing_mode="stretch_width"),
            title="Sample pack", collapsed=False, sizing_mode="stretch_width")
        random_tab = pn.Column(
            pn.Row(pn.pane.Markdown("**Category**", align="center"), self.category_choice),
            self.blend_row,
            pn.Row(self.random_button, self.seed_input, sizing_mode="stretch_width"),
            pn.pane.Markdown("**Variations** of the last random / recalled / picked kick: one in a direction you move "
                             "along with the intensity slider (a new direction with the button), or a row of them to "
                             "choose from."),
            pn.Row(self.intensity, self.direction_button, self.variations_button, self.play_variations_button,
                   sizing_mode="stretch_width"),
            pn.pane.Bokeh(self.variation_strips.fig, sizing_mode="stretch_width"), pack_card, name="Random")
        shape_card = pn.Card(
            pn.pane.Markdown(f"Named directions, ±{SHAPE_RANGE:g} standard deviations of each attribute over this model's "
                             "kicks, from the kick you started on (a new kick starts again at 0)."),
            *[pn.Row(slider, pn.widgets.TooltipIcon(value=self.shape_tips[name], align="center"), sizing_mode="stretch_width")
              for name, slider in self.shape_sliders.items()],
            pn.Row(self.shape_reset_button, self.shape_keep_button), self.shape_info,
            title="Shape", collapsible=False, width=380)
        control_tab = pn.Column(
            pn.Row(pn.Column(
                pn.pane.Markdown("One slider per latent dimension, each spanning the training corpus's mean ± 3 std. "
                                 "The kick follows while you drag."),
                pn.GridBox(*self.sliders, ncols=2, sizing_mode="stretch_width"),
                pn.Row(self.reset_button, self.dim_select, self.randomize_dim_button), sizing_mode="stretch_width"),
                shape_card, sizing_mode="stretch_width"),
            self.latent_json, pn.Row(self.copy_button, self.paste_button), name="Control Panel")
        interp_tab = pn.Column(
            pn.Row(self.a_select, self.b_select, sizing_mode="stretch_width"),
            pn.Row(self.steps_slider, self.mode_select, self.morph_button),
            pn.pane.Bokeh(self.interp_strips.fig, sizing_mode="stretch_width"),
            pn.Row(self.bpm, self.play_sequence_button),
            pn.pane.Markdown("**Style transfer**: the body (pitch and decay) of one kick with the character (click, tone, "
                             "everything else) of the other."),
            pn.Row(self.style_strength, self.style_ab_button, self.style_ba_button), name="Interpolate")
        corpus_note = (f"{len(m.corpus_latents)} corpus kicks, coloured by category; ◆ = kicks made in this session. "
                       "Axes: the two principal directions of the corpus's standardised latents (a linear map, so any "
                       "point decodes back to a latent)." if len(m.corpus_latents) >= 3 else
                       "This model carries no corpus latents: the map shows latent dimensions 0 and 1 (standardised).")
        explore_tab = pn.Column(pn.pane.Markdown(corpus_note), pn.Row(self.walk_button, self.walk_steps, self.walk_step_size, self.bpm),
                                pn.pane.Bokeh(self.map_fig, sizing_mode="stretch_width"), name="Explore")
        fx_cells = [pn.Row(*([self.fx_enabled[name]] if name in self.fx_enabled else []), slider,
                           pn.widgets.TooltipIcon(value=self.fx_catalog["settings"][name]["description"], align="center"),
                           sizing_mode="stretch_width") for name, slider in self.fx_sliders.items()]
        fx_tab = pn.Column(
            pn.pane.Markdown("Post-processing of every kick you hear, in this order: tune, compressor, drive, EQ, sub "
                             "(a sine an octave below the body), transient shaper, decay; the peak is set back to -1 dBFS. "
                             "Downloads carry it, with its settings in the recall JSON; the REST API takes the same "
                             "settings as its `fx` object (GET /api/fx)."),
            pn.Row(pn.pane.Markdown("**FX**", align="center"), self.fx_switch, self.fx_preset, self.fx_tune),
            pn.GridBox(*fx_cells, ncols=3, sizing_mode="stretch_width"), name="FX")
        self.tabs = pn.Tabs(random_tab, control_tab, interp_tab, explore_tab, fx_tab, dynamic=False, sizing_mode="stretch_width")
        sidebar = [self.info, self.pitch_info, pn.Row(self.wav_download, self.json_download),
                   pn.pane.Markdown("**Upload a kick** (WAV/FLAC/OGG/AIFF): B plays the original, A the model's "
                                    "reconstruction."), self.upload, self.history_select,
                   pn.pane.Markdown("**Keys:** `R` a new random kick · `space` play it again (sound starts after "
                                    "your first click on the page, as browsers require).")]
        api_link = pn.pane.HTML("<a href='docs' target='_blank' style='color:white'>REST API docs</a>", margin=(10, 20))
        return pn.template.FastListTemplate(
            title="kick_nbdev · kick drum timbre space", sidebar=sidebar, main=[kick_view, self.tabs],
            accent=ACCENT, sidebar_width=340, main_layout=None,
            theme="dark", header_background="#1d1f21", header=[api_link] if self.show_api_link else [])

    # ------------------------------------------------------------------------------------------ showing a kick
    def _decode(self, latents:np.ndarray)->np.ndarray: # (B, D) -> (B, n_samples)
        return self.service.decode(np.atleast_2d(np.asarray(latents, np.float32)))

    def _make(self, z, label:str, seed=None, made=None)->Kick:
        z = check_latent(z, self.model.latent_dim)
        return Kick(z, self._decode(z)[0], label, seed, made=made)

    def _reference(self, kick:Kick)->tuple: # (audio, label) of the B side of the A/B comparison
        if kick.original is not None: return self.heard(kick, original=True), "original upload"  # through the same FX
        previous = [k for k in self.history if k is not kick]
        return self.heard(previous[-1] if previous else kick), "previous"

    def show(self, kick:Kick, commit:bool=True):
        """Make `kick` current; `commit` adds it to the history. It is the producer's choice: a sequence playing stops
        (a walk no longer moves the current kick). The sound goes first, in a message of its own, so the browser
        decodes it while the server updates the views (on a server session, in the next tick)."""
        self.stop_sequence()
        self._show(kick, commit)

    def _show(self, kick:Kick, commit:bool):
        "`show` without stopping the sequence: how a walk's steps become current as they sound."
        self.kick, self._slider_kick = kick, None  # `_render_slider` marks its own kicks after this
        self.player.wav = wav_base64(self.heard(kick), self.model.sample_rate)
        self._in_document(functools.partial(self._update_views, kick, commit))

    @staticmethod
    def _in_document(fn):
        """Run `fn` now without a server; on a server, in the next tick of the session's document, which holds the
        document lock (Bokeh models may only change under it) and lets what was set before go out first."""
        doc = pn.state.curdoc
        if doc is not None and doc.session_context is not None: pn.state.execute(fn, schedule=True)
        else: fn()

    def _update_views(self, kick:Kick, commit:bool):
        "Plots, B sound, sliders, map, info of `kick` (skipped when a newer kick is already current)."
        with pn.io.hold():
            if commit: self._commit(kick)
            if kick is not self.kick: return
            ref_audio, ref_label = self._reference(kick)
            sr = self.model.sample_rate
            self.player.param.update(reference_wav=wav_base64(ref_audio, sr), reference_label=ref_label)
            # .data.update sends only the changed columns (not the time axis)
            audio = self.heard(kick)
            self.wave_source.data.update(a=audio, b=np.asarray(ref_audio, np.float32))
            self.wave_fig.title.text = f"Waveform (A = current, B = {ref_label})"
            self._draw_spectrogram()
            if kick is not self._shape_kick: self.rebase_shape(kick)  # a kick the Shape sliders did not make: they start again
            self._draw_measurements()
            x, y = self.map.project(kick.latent)[0]
            self.current_source.data = dict(x=[x], y=[y])
            self._sync_widgets(kick)

    def _draw_measurements(self):
        "The pitch (sidebar) and the Shape panel's descriptors of the current kick as heard."
        measured = self.descriptors(self.kick)
        self.pitch_info.object = f"Pitch **{pitch_text(measured['pitch_hz'][0])}**" + (" (after FX)" if self.fx_settings() else "")
        self.shape_info.object = descriptor_table(measured, self.descriptors(self._shape_base))

    def _draw_spectrogram(self):
        "The spectrogram of A or B, as the A/B switch says."
        show_b = self.spec_choice.value == "B"
        audio = self._reference(self.kick)[0] if show_b else self.heard(self.kick)
        image = log_spectrogram(audio, self.model.sample_rate, floor_db=SPEC_FLOOR_DB)[0]
        self.spec_source.data = dict(self.spec_source.data, image=[image])
        self.spec_fig.title.text = f"Spectrogram of {'B' if show_b else 'A'} (log frequency)"

    def _commit(self, kick:Kick):
        if self.history and self.history[-1] is kick: return
        self.history = (self.history + [kick])[-HISTORY_SIZE:]
        xy = self.map.project(np.stack([k.latent for k in self.history]))
        self.generated_source.data = dict(x=xy[:, 0], y=xy[:, 1], name=[k.label for k in self.history],
                                          category=["generated"] * len(xy), kit=[""] * len(xy))
        self._syncing = True
        try:
            self.history_select.options = {f"{i + 1:>2}. {k.label}": i for i, k in enumerate(self.history)}
            self.history_select.value = len(self.history) - 1
            self._refresh_endpoints()
        finally: self._syncing = False

    def _sync_widgets(self, kick:Kick):
        self._syncing = True
        try:
            if kick is not self._slider_kick:  # moving a slider the user holds would fight the drag
                for s, v, lo, hi in zip(self.sliders, kick.latent.tolist(), self.lo.tolist(), self.hi.tolist()):
                    s.param.update(start=min(lo, v), end=max(hi, v), value=v)  # a kick outside the corpus range widens its slider
            if kick.seed is not None: self.seed_input.value = kick.seed
            self.latent_json.value = json.dumps({"latent_vector": latent_to_list(kick.latent), "format": "wav"})
            near = nearest_corpus_kicks(self.model, kick.latent, 3) if len(self.model.corpus_latents) else []
            nearest = "".join(f"\n- {n.get('name', n['index'])} ({n.get('category', '?')}), distance {n['distance']:.2f}"
                              for n in near)
            self.info.object = (f"### {kick.label}\n" + (f"seed **{kick.seed}**\n\n" if kick.seed is not None else "\n")
                                + (f"Closest corpus kicks:{nearest}" if nearest else ""))
            self.wav_download.filename = f"{self._file_stem(kick)}.wav"
            self.json_download.filename = f"{self._file_stem(kick)}.json"
        finally: self._syncing = False

    @staticmethod
    def _file_stem(kick:Kick)->str:  # until a download names the file by its content
        if kick.seed is not None and not kick.made: return f"kick_seed{kick.seed}"
        return "kick_" + format(abs(hash(kick.latent.tobytes())) % 16**8, "08x")

    def notify_error(self, message:str):
        "Show `message` as an error notification (and keep it in `last_error`)."
        self.last_error = message
        log.warning("dashboard: %s", message)
        if pn.state.notifications is not None: pn.state.notifications.error(message, duration=8000)

    # ----------------------------------------------------------------------------------- random + variations
    def category(self)->str|dict|None: # None: any kick; a category name; or {name: weight} of a blend
        "What the category picker asks for, in the form `KickService.random(category=...)` takes."
        choice = self.category_choice.value
        if choice == ANY_CATEGORY: return None
        if choice != BLEND: return choice
        weights = {c: s.value / 100 for c, s in self.blend_sliders.items() if s.value > 0}
        if not weights: raise ValueError("the blend needs at least one category above 0 %")
        return weights

    def category_text(self, category)->str: # e.g. "808" or "70 % 808 + 30 % distorted" (largest first)
        "How labels name a category or blend (weights normalised, as the prior uses them)."
        if isinstance(category, str): return category
        weights = category_weights(category, self.controls.categories.categories)
        order = sorted(((w, c) for c, w in zip(self.controls.categories.categories, weights) if w > 0), reverse=True)
        return " + ".join(f"{round(100 * w)} % {c}" for w, c in order)

    def random_kick(self, seed:int|None=None):
        "A new kick from the prior, or from the picked category's (a fresh seed unless `seed` is given): `/api/random`'s kick."
        seed = new_seed() if seed is None else int(seed)
        if not 0 <= seed <= MAX_SEED: return self.notify_error(f"seed must be an integer in [0, {MAX_SEED}], got {seed}")
        try: category = self.category()
        except ValueError as e: return self.notify_error(str(e))
        if category is None: kick = self._make(self.model.sample(1, seed=seed)[0], f"random · seed {seed}", seed)
        else: kick = self._make(self.controls.categories.sample(1, category, seed)[0][0],
                                f"random {self.category_text(category)} · seed {seed}", seed,
                                made=dict(category=category_recall(category)))
        self._variation = (kick, new_seed())
        self.show(kick)

    def _near(self, z:np.ndarray, # (D,) the kick to vary
              n:int, seed:int     # number of variations; seed of their directions (or of the category kicks they lean to)
             )->tuple:            # ((n, D) latents, label suffix, `made` of the variations)
        """Variations at the intensity slider's value, by `KickService.variations`' maths: random directions, or, with a
        category picked, `intensity` of the way from `z` to kicks drawn from that category's prior."""
        intensity, category = self.intensity.value, self.category()
        if category is None: near, towards, made = variations(z, n, intensity, self.model.latent_std, seed), "", None
        else:
            near = z + intensity * (self.controls.categories.sample(n, category, seed)[0] - z)
            towards, made = f" → {self.category_text(category)}", dict(category=category_recall(category))
        return np.clip(near, -MAX_ABS_LATENT, MAX_ABS_LATENT).astype(np.float32), towards, made

    def vary(self, new_direction:bool=False):
        "The variation of the anchor kick at the current intensity (in a new direction when asked)."
        anchor, direction = self._variation or (self.kick, new_seed())
        if new_direction: direction = new_seed()
        self._variation = (anchor, direction)
        try: near, towards, made = self._near(anchor.latent, 1, direction)
        except ValueError as e: return self.notify_error(str(e))
        self.show(self._make(near[0], self._variation_label(anchor) + towards, made=made))

    def _variation_label(self, anchor:Kick, i:int|None=None)->str:
        return f"{anchor.label.split(' ~ ')[0]} ~ var{'' if i is None else f' {i + 1}'} @{self.intensity.value:.2f}"

    def make_variations(self, n:int=None): # number of kicks; N_VARIATIONS by default
        "A row of `n` kicks around the current one at the variation intensity, decoded in one batch."
        n = n or N_VARIATIONS
        self.stop_sequence()  # variations of the kick heard now: a walk must not move it away
        try: near, towards, made = self._near(self.kick.latent, n, new_seed())
        except ValueError as e: return self.notify_error(str(e))
        self.variation_kicks = [Kick(z, y, self._variation_label(self.kick, i) + towards, made=made)
                                for i, (z, y) in enumerate(zip(near, self._decode(near)))]
        self._in_document(functools.partial(self.variation_strips.draw, np.stack([self.heard(k) for k in self.variation_kicks]),
                                            [str(i + 1) for i in range(n)]))

    def pick_variation(self, i:int):
        "Keep variation `i`: it becomes the current kick (and the centre of the next variations)."
        kick = self.variation_kicks[i]
        self._variation = (kick, new_seed())
        self.show(kick)

    def _on_intensity(self, event):
        if not self._syncing: self.vary()

    # ------------------------------------------------------------------------------------------- control panel
    def slider_latent(self)->np.ndarray: # (D,) float32
        "The latent the sliders show."
        return np.array([s.value for s in self.sliders], np.float32)

    def set_latent(self, z, label:str="edited", commit:bool=True):
        "Make the kick at latent `z` current."
        try: kick = self._make(z, label)
        except ValueError as e: return self.notify_error(str(e))
        self._variation = (kick, new_seed())
        self.show(kick, commit)

    def _on_slider(self, event):
        "Live slider moves: render at most once per SLIDER_INTERVAL_MS, and always the last position."
        if not self._syncing: self._slider_throttle.request()

    def _render_slider(self):
        z = self.slider_latent()
        moved = np.flatnonzero(~np.isclose(z, self.kick.latent, rtol=0, atol=1e-6))
        base = self.kick.label.split(" · edited")[0]
        self.set_latent(z, f"{base} · edited dim {', '.join(map(str, moved))}" if len(moved) else self.kick.label, commit=False)
        self._slider_kick = self.kick

    def _on_slider_release(self, event):
        if self._syncing: return
        self._slider_throttle.flush()
        self._in_document(functools.partial(self._commit, self.kick))  # the dragged-to kick enters the history; B stays the kick before the drag

    def randomize_dimension(self, i:int):
        "Set dimension `i` to a random value within its slider range."
        z = self.kick.latent.copy()
        z[i] = np.random.default_rng().uniform(self.lo[i], self.hi[i])
        self.set_latent(z, f"dimension {i} randomized")

    def apply_json(self, text:str):
        "Make current the latent in `text`: a JSON list, or an object with `latent_vector` (a /api/generate body)."
        try:
            data = json.loads(text)
            z = data.get("latent_vector") if isinstance(data, dict) else data
            if z is None: raise ValueError("the JSON object has no 'latent_vector'")
            z = check_latent(z, self.model.latent_dim, "latent_vector")
        except (ValueError, TypeError) as e: return self.notify_error(f"cannot use that JSON: {e}")
        self.set_latent(z, "pasted latent")

    # ------------------------------------------------------------------------------------------------- shape
    def shape_values(self)->dict: # Shape slider name -> value, the sliders away from 0
        "What the Shape sliders ask for, in the form `ShapeControls.apply` (and the API's `attributes`) takes."
        return {name: round(float(s.value), 2) for name, s in self.shape_sliders.items() if round(s.value, 2) != 0}  # steps of 0.1

    def rebase_shape(self, kick:Kick):
        "Make `kick` the one the Shape sliders move, and put them back to 0."
        self._shape_base, self._shape_kick = kick, None
        self._syncing = True
        try:
            for s in self.shape_sliders.values(): s.value = 0.0
        finally: self._syncing = False

    def keep_shape(self):
        "Start the Shape sliders again from the kick heard now (to move further than ±SHAPE_RANGE, or from a new place)."
        self.rebase_shape(self.kick)
        self._draw_measurements()

    def reset_shape(self):
        "Back to the kick the Shape sliders started from."
        base = self._shape_base
        self.show(base, commit=all(k is not base for k in self.history))

    def _on_shape(self, event):
        if not self._syncing: self._shape_throttle.request()

    def _render_shape(self):
        """The starting kick moved by the Shape sliders (`ShapeControls.apply`). A start drawn from the prior keeps its seed
        and category: the result is `/api/random` with these `attributes`; any other is `/api/generate` with them."""
        base, values = self._shape_base, self.shape_values()
        if not values: return self.show(base, commit=False)
        z = self.controls.shape.apply(base.latent, values)
        moved = ", ".join(f"{name} {value:+.1f}" for name, value in values.items())
        drawn = base.seed is not None and "attributes" not in (base.made or {})
        seed, made = (base.seed, {**(base.made or {}), "attributes": values}) if drawn else (None, {"attributes": values})
        kick = self._make(z, f"{base.label} · shape {moved}", seed, made=made)
        self._shape_kick, self._variation = kick, (kick, new_seed())  # marked before it is shown: its views keep the sliders
        self.show(kick, commit=False)

    def _on_shape_release(self, event):
        if self._syncing: return
        self._shape_throttle.flush()
        if self.kick is not self._shape_base:  # the dragged-to kick enters the history (the start is there already)
            self._in_document(functools.partial(self._commit, self.kick))

    def descriptors(self, kick:Kick)->dict: # `shape_descriptors` of what is heard of `kick` (through the FX chain)
        "The measured pitch, decay, punch, brightness and sub of `kick` as heard, once per (kick, FX settings)."
        settings = self.fx_settings()
        key = (kick, None if settings is None else astuple(settings))
        if key not in self._descriptors:
            self._descriptors[key] = shape_descriptors(self.heard(kick))
            while len(self._descriptors) > FX_CACHE_SIZE: self._descriptors.popitem(last=False)
        self._descriptors.move_to_end(key)
        return self._descriptors[key]

    # ------------------------------------------------------------------------------------------ interpolation
    def _refresh_endpoints(self):
        "The choices for kicks A and B: current, random, this session's history, the corpus."
        options = {"current kick": "current", "a new random kick": "random"}
        options.update({f"history {i + 1}: {k.label}": f"history:{i}" for i, k in reversed(list(enumerate(self.history)))})
        options.update({f"corpus: {n} ({c})": f"corpus:{i}" for i, n, c in zip(
            self.corpus_source.data["index"], self.corpus_source.data["name"], self.corpus_source.data["category"])})
        for select, default in ((self.a_select, "history"), (self.b_select, "current")):
            value = select.value
            select.options = options
            if value in options.values(): select.value = value
            elif default == "current": select.value = "current"
            else: select.value = f"history:{len(self.history) - 2}" if len(self.history) >= 2 else "random"

    def endpoint_latent(self, key:str)->np.ndarray: # (D,) float32
        "The latent an A/B choice stands for."
        kind, _, index = key.partition(":")
        if kind == "current": return self.kick.latent
        if kind == "random": return self.model.sample(1, seed=new_seed())[0]
        if kind == "history": return self.history[int(index)].latent
        if kind == "corpus": return np.asarray(self.model.corpus_latents[int(index)], np.float32)
        raise ValueError(f"unknown kick choice {key!r}")

    def morph(self, steps:int|None=None, mode:str|None=None):
        "Decode `steps` kicks from A to B (one batch) and draw them as strips."
        steps, mode = steps or self.steps_slider.value, mode or self.mode_select.value
        self.stop_sequence()
        a, b = self.endpoint_latent(self.a_select.value), self.endpoint_latent(self.b_select.value)
        path = interpolate(a, b, steps, mode)
        audio = self._decode(path)
        self.interpolation = [Kick(z, y, f"step {i + 1}/{steps} ({mode})") for i, (z, y) in enumerate(zip(path, audio))]
        self._in_document(functools.partial(self.interp_strips.draw, np.stack([self.heard(k) for k in self.interpolation]),
                                            [str(i + 1) for i in range(steps)]))

    def pick_step(self, i:int):
        "Make interpolation step `i` the current kick."
        self.show(self.interpolation[i])

    def play_sequence(self, kicks:list, kind:str, bpm:float|None=None):
        "Play `kicks` one per beat in the browser."
        if not kicks: return self.notify_error("nothing to play yet: make the kicks first")
        self._sequence_kind = kind
        sr = self.model.sample_rate
        self.player.param.update(sequence=[wav_base64(self.heard(k), sr) for k in kicks], bpm=float(bpm or self.bpm.value),
                                 sequence_id=self.player.sequence_id + 1)

    def stop_sequence(self):
        "Stop the sequence playing (in the browser) and following it here: a producer's new action takes over."
        kind, self._sequence_kind = self._sequence_kind, None
        if kind is None: return
        self.player.stop_sequence()
        strips = self._sequence_strips(kind)
        if strips is not None: self._in_document(functools.partial(strips.highlight, -1))

    def _sequence_strips(self, kind:str|None)->KickStrips|None: # the strips a sequence of `kind` highlights, if any
        return {"interpolation": self.interp_strips, "variation": self.variation_strips}.get(kind)

    def _on_step(self, event): # from the browser's player: the sequence step now sounding
        self._in_document(functools.partial(self._follow_sequence, event.new))

    def _follow_sequence(self, i:int):
        "Step `i` of the sequence sounds (the strips light it, a walk makes it current); nothing once it was stopped."
        strips = self._sequence_strips(self._sequence_kind)
        if strips is not None: strips.highlight(i)
        elif self._sequence_kind == "walk" and 0 <= i < len(self.walk_kicks):
            self._show(self.walk_kicks[i], commit=(i == len(self.walk_kicks) - 1))

    def transfer_style(self, body:str="A",        # "A": the body of kick A with the character of B; "B": the mirror
                       strength:float|None=None): # 0 = the character kick .. 1 = the body kick's pitch and decay; None: slider
        "Style transfer between the A and B kicks (`KickService.style_transfer`, 17_style); the result becomes current."
        strength = self.style_strength.value if strength is None else float(strength)
        a, b = self.endpoint_latent(self.a_select.value), self.endpoint_latent(self.b_select.value)
        (body_z, character_z), other = ((a, b), "B") if body == "A" else ((b, a), "A")
        try: stored = self.service.style_transfer(body_z, character_z, strength)  # stores it: a click, not a drag
        except (ValueError, StorageUnavailable) as e: return self.notify_error(f"style transfer: {e}")
        made = dict(style_transfer=dict(body_latent=latent_to_list(body_z), character_latent=latent_to_list(character_z),
                                        strength=strength))  # as the service records it: a download finds the stored file
        kick = self._make(stored.latent, f"{body} body + {other} character · strength {strength:.2f}", made=made)
        self._variation = (kick, new_seed())
        self.show(kick)

    # ----------------------------------------------------------------------------------------------------- pack
    def pack_settings(self)->dict: # `KickService.pack`'s fx (settings, a preset name or None) and key
        """The FX and key the Make pack card asks for. With the FX tab's settings, their tuning is the pack's key
        (`make_pack` reads an fx tune_note as the key) unless the card sets one: the card's key wins."""
        key = None if self.pack_key.value == "off" else self.pack_key.value
        if self.pack_fx.value != CURRENT_FX: return dict(fx=None if self.pack_fx.value == NO_FX else self.pack_fx.value, key=key)
        settings = self.fx_settings()
        if settings is not None and key is not None: settings = replace(settings, tune_note=None)
        return dict(fx=settings, key=key)

    def start_pack(self, n:int|None=None, seed:int|None=None):
        "Build a pack in a background thread (the server keeps serving), the progress bar following, then offer its zip."
        if self._pack_thread is not None and self._pack_thread.is_alive():
            return self.notify_error("a pack is being made: wait for it")
        try: category, settings = self.category(), self.pack_settings()
        except ValueError as e: return self.notify_error(f"pack: {e}")
        n, seed = int(n or self.pack_size.value), new_seed() if seed is None else int(seed)
        self.pack_button.disabled, self.pack_download.visible = True, False
        self.pack_progress.param.update(value=0, visible=True)
        self.pack_summary.object = f"making {n} kicks…"
        work = functools.partial(self._pack_worker, pn.state.curdoc, n, seed, category, settings)
        self._pack_thread = threading.Thread(target=work, name="kick-pack", daemon=True)
        self._pack_thread.start()

    def _pack_worker(self, doc, n, seed, category, settings):
        "The pack thread: widgets change only in the session's next ticks (under the document lock)."
        with set_curdoc(doc):  # so that `_in_document` finds the session from this thread
            progress = lambda done, total: self._in_document(
                functools.partial(setattr, self.pack_progress, "value", 100 * done // total))
            start = time.perf_counter()
            try:
                pack = self.service.pack(n, seed, category, progress=progress, **settings)
                data, elapsed_s = pack.to_zip(), time.perf_counter() - start
            except Exception as e:  # the thread's end: the card must come back whatever went wrong
                log.exception("pack of %d kicks (seed %d) failed", n, seed)
                return self._in_document(functools.partial(self._pack_failed, f"pack: {e}"))
            self._in_document(functools.partial(self._pack_done, pack, data, category, elapsed_s))

    def _pack_failed(self, message:str):
        self.pack_button.disabled, self.pack_progress.visible = False, False
        self.pack_summary.object = ""
        self.notify_error(message)

    def _pack_done(self, pack:Pack, data:bytes, category, elapsed_s:float):
        info, kicks = pack.info, pack.kicks
        self.pack, self._pack_zip = pack, data
        self.pack_progress.value, self.pack_button.disabled = 100, False
        self.pack_download.param.update(filename=f"{pack.name}.zip", visible=True)
        fx = info["fx_preset"] or ("custom FX" if info["fx"] else "no FX")
        self.pack_summary.object = (
            f"**{info['n']} kicks** ({'any category' if category is None else self.category_text(category)}), "
            f"notes {kicks[0]['note']}–{kicks[-1]['note']}" + (f", tuned to {info['key']}" if info["key"] else "") +
            f", {fx} · seed {info['pack_seed']} · made in {elapsed_s:.1f} s · {len(data) / 1e6:.1f} MB")

    # -------------------------------------------------------------------------------------------------- explore
    def map_click(self, x:float, y:float):
        "A click on the map: the kick under it (corpus or generated), else the latent at that spot."
        scale = np.array([(r.end - r.start) / _drawn_size(self.map_fig, attr, default)  # map units per screen pixel
                          for r, attr, default in ((self.map_fig.x_range, "inner_width", 600),
                                                   (self.map_fig.y_range, "inner_height", 400))])
        best = None
        for source, kind in ((self.corpus_source, "corpus"), (self.generated_source, "history")):
            pts = np.c_[source.data["x"], source.data["y"]] if len(source.data["x"]) else np.zeros((0, 2))
            if not len(pts): continue
            d = np.linalg.norm((pts - [x, y]) / scale, axis=1)
            j = int(d.argmin())
            if d[j] <= MAP_PICK_PX and (best is None or d[j] < best[0]): best = (d[j], kind, j)
        if best is None: return self.set_latent(np.clip(self.map.unproject([x, y])[0], -MAX_ABS_LATENT, MAX_ABS_LATENT), f"map point ({x:.2f}, {y:.2f})")
        _, kind, j = best
        if kind == "history": return self.recall(j)
        i = self.corpus_source.data["index"][j]
        self.set_latent(self.model.corpus_latents[i], f"corpus: {self.corpus_source.data['name'][j]}")

    def start_walk(self, steps:int|None=None, step_size:float|None=None, seed:int|None=None):
        "A smooth random walk from the current kick, decoded in one batch, played in time with the map following."
        steps, step_size = steps or self.walk_steps.value, step_size or self.walk_step_size.value
        path = walk(np.clip(self.kick.latent, self.lo, self.hi), steps, self.lo, self.hi, step_size, seed=seed)
        audio = self._decode(path)
        self.walk_kicks = [Kick(z, y, f"walk step {i + 1}/{steps}") for i, (z, y) in enumerate(zip(path, audio))]
        xy = self.map.project(path)
        self._in_document(lambda: setattr(self.trail_source, "data", dict(x=xy[:, 0], y=xy[:, 1])))
        self.play_sequence(self.walk_kicks, "walk", bpm=self.bpm.value)

    # ----------------------------------------------------------------------------------------------------- FX
    def fx_settings(self)->FxSettings|None:
        "The FX chain the controls describe; None while the switch is off."
        if not self.fx_switch.value: return None
        values = {name: None if name in self.fx_enabled and not self.fx_enabled[name].value else slider.value
                  for name, slider in self.fx_sliders.items()}
        return FxSettings(tune_note=None if self.fx_tune.value == "off" else self.fx_tune.value, **values)

    def set_fx(self, settings:FxSettings, # what the controls should show (its tune_note must be an option of the tune select)
               preset:str=NO_PRESET):     # what the preset selector should show
        "Show `settings` on the FX controls, switch the chain on, and re-render the current kick."
        self._syncing = True
        try:
            for name, slider in self.fx_sliders.items():
                value = getattr(settings, name)
                if name in self.fx_enabled: self.fx_enabled[name].value = value is not None
                if value is not None: slider.value = float(value)
            self.fx_tune.value = "off" if settings.tune_note is None else settings.tune_note
            self.fx_preset.value, self.fx_switch.value = preset, True
        finally: self._syncing = False
        self._fx_throttle.request()

    def load_preset(self, name:str): # a key of FX_PRESETS
        "Put the FX controls on preset `name`, keeping the tuning (it belongs to the track's key, not to the sound)."
        tune = None if self.fx_tune.value == "off" else self.fx_tune.value
        self.set_fx(replace(FX_PRESETS[name], tune_note=tune), name)

    def _on_fx_control(self, event):
        "A setting moved: it is no preset's any more, the chain is on, and the kick follows (throttled)."
        if self._syncing: return
        self._syncing = True
        try: self.fx_preset.value, self.fx_switch.value = NO_PRESET, True
        finally: self._syncing = False
        self._fx_throttle.request()

    def _render_fx(self):
        "The current kick again, through the chain the controls now describe (no decoding: `Kick.audio` is kept)."
        settings = self.fx_settings()
        try: settings and settings.validate()
        except ValueError as e: return self.notify_error(f"FX: {e}")  # e.g. sustain more than 18 dB above attack
        self.show(self.kick, commit=False)

    def heard(self, kick:Kick,         # a kick of this session
              original:bool=False      # its uploaded original instead of its decoded audio
             )->np.ndarray: # (n_samples,) float32: `kick.audio` (or `.original`) through the FX chain; itself while it is off
        "What the page plays and draws for `kick`; processed once per (kick, settings), so replays and redraws are free."
        dry, settings = kick.original if original else kick.audio, self.fx_settings()
        if settings is None: return dry
        key = (kick, original, astuple(settings))
        if key not in self._fx_cache:
            try: self._fx_cache[key] = apply_fx(dry, settings)
            except ValueError as e:  # once per kick and settings: the dry kick, and why
                self.notify_error(f"FX off for {kick.label}{' (original)' if original else ''}: {e}")
                self._fx_cache[key] = dry
            while len(self._fx_cache) > FX_CACHE_SIZE: self._fx_cache.popitem(last=False)
        self._fx_cache.move_to_end(key)
        return self._fx_cache[key]

    # ------------------------------------------------------------------------------------ upload, history, files
    def upload_kick(self, data:bytes, filename:str="upload"):
        "Encode an uploaded kick; its reconstruction becomes current, with the preprocessed original as B."
        label = Path(str(filename)).name[:80] or "upload"
        if len(data) > MAX_UPLOAD_BYTES: return self.notify_error(f"Upload failed: {label} is larger than 10 MB")
        try:
            z = self.service.encode_upload(data, label)
            with tempfile.TemporaryDirectory(prefix="kick_dash_") as tmp:
                path = Path(tmp) / f"upload{Path(label).suffix.lower()[:6] or '.wav'}"
                path.write_bytes(data)
                original = preprocess(*load_audio(path), self.model.n_samples)
        except (AudioFileError, ValueError) as e:  # the library's messages name the file and say what is wrong
            return self.notify_error(f"Upload failed: {e}" if label in str(e) else f"Upload failed: {label}: {e}")
        kick = replace(self._make(z, f"upload: {label}"), original=original)
        self._variation = (kick, new_seed())
        self.show(kick)

    def recall(self, index:int):
        "Make history entry `index` current again."
        kick = self.history[index]
        self._variation = (kick, new_seed())
        self.show(kick, commit=False)

    def _download(self, kind:str)->io.BytesIO:
        "The stored file (audio or sidecar JSON) of the current kick, through the FX chain: the same bytes the API serves."
        try: stored = self.service.render([self.kick.latent], "wav", 16, seeds=[self.kick.seed], fx=self.fx_settings(),
                                          made=self.kick.made)[0]
        except StorageUnavailable as e:
            self.notify_error(f"storage unavailable, try again: {e}"); raise
        except ValueError as e:  # FX that cannot apply to this kick (a tuning too far from its pitch)
            self.notify_error(f"cannot render this kick with these FX: {e}"); raise
        name = stored.name if kind == "wav" else stored.metadata_name
        (self.wav_download if kind == "wav" else self.json_download).filename = name
        return io.BytesIO(self.service.storage.get(name))

# ---------------------------------------------------------------------------------------------- serving it
def mount_dashboard(app, path:str="/"):
    """Serve the dashboard at `path` of a FastAPI `app` whose lifespan puts a `KickService` in `app.state.service`
    (api.py's `create_app` does): one server, one URL, one model in memory."""
    from fastapi.responses import FileResponse
    from panel.io.fastapi import add_applications
    def page():
        service = getattr(app.state, "service", None)
        if service is None:
            reason = getattr(app.state, "load_error", None) or "the server is still starting"
            return pn.pane.Alert(f"**No model loaded**: {reason}. The API's /api/health says more.", alert_type="danger")
        return KickDashboard(service, show_api_link=True)
    api_routes = set(map(id, app.routes))
    add_applications({path: page}, app=app, title="kick_nbdev")
    for route in app.routes:  # the page is not part of the REST API: keep it out of the OpenAPI docs
        if id(route) not in api_routes and hasattr(route, "include_in_schema"): route.include_in_schema = False

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():  # Panel's own server serves it; bokeh-fastapi does not, and the page asks for it
        return FileResponse(Path(pn.__file__).parent / "dist" / "images" / "favicon.ico")

@functools.lru_cache(maxsize=1)
def standalone_service()->KickService:
    "One service per `panel serve` process, from the same environment variables as the API."
    return KickService.from_env()

if pn.state.served:
    KickDashboard(standalone_service()).servable(title="kick_nbdev")
