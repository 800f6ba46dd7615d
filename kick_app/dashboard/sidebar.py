"The sidebar: what the current kick is (label, seed, pitch, nearest corpus kicks), downloads, upload, history."
import io
from dataclasses import replace

import panel as pn

from kick_nbdev.latent import nearest_corpus_kicks
from kick_nbdev.length import LENGTH_RANGE_S
from kick_nbdev.service import MAX_UPLOAD_BYTES, UploadError
from kick_nbdev.recipe import latent_recipe
from kick_nbdev.storage import StorageUnavailable
from kick_app.dashboard.shape import pitch_text
from kick_app.dashboard.widgets import wrap_row
from kick_app.dashboard.state import DashboardState, Kick

UPLOAD_TYPES = ".wav,.flac,.ogg,.aif,.aiff,.mp3"

class Sidebar(pn.viewable.Viewer):
    "The current kick's facts and files, the upload, and the history (a click recalls an entry)."
    def __init__(self, state:DashboardState, **params):
        super().__init__(**params)
        self.state, w = state, pn.widgets
        self.info = pn.pane.Markdown(sizing_mode="stretch_width")
        self.pitch_info = pn.pane.Markdown(sizing_mode="stretch_width", margin=(0, 10))
        self.wav_download = w.FileDownload(callback=lambda: self._download("wav"), filename="kick.wav",
                                           label="⬇ WAV", color="success", sizing_mode="stretch_width")
        self.json_download = w.FileDownload(callback=lambda: self._download("json"), filename="kick.json",
                                            label="⬇ Recall JSON", sizing_mode="stretch_width")
        window_s = round(state.model.n_samples / state.model.sample_rate, 2)
        self.length = w.FloatInput(label=f"Length (s, {LENGTH_RANGE_S[0]:g}-{LENGTH_RANGE_S[1]:g})", value=None,
                                   start=LENGTH_RANGE_S[0], end=LENGTH_RANGE_S[1], step=0.05,
                                   placeholder=f"model window ({window_s:g} s)", sizing_mode="stretch_width")
        self.length.param.watch(state.on_user(lambda e: self.set_length(e.new)), "value")
        self.window_button = w.Button(label=f"model window ({window_s:g} s)", align="end", width=150)
        self.window_button.on_click(lambda e: self.set_length(None))
        self.upload = w.FileInput(accept=UPLOAD_TYPES, multiple=False, sizing_mode="stretch_width")
        self.upload.param.watch(lambda e: e.new and self.upload_kick(e.new, self.upload.filename or "upload"), "value")
        self.history_select = w.Select(label="History (click to recall)", size=10, sizing_mode="stretch_width")
        self.history_select.param.watch(state.on_user(lambda e: e.new is None or state.recall(e.new)), "value")
        state.param.watch(lambda e: state.in_document(lambda: self._describe(e.new)), "kick")
        state.param.watch(lambda e: state.in_document(self._list_history), "history")

    def _describe(self, kick:Kick):
        if kick is not self.state.kick: return
        model, state = self.state.model, self.state
        self.pitch_info.object = f"Pitch **{pitch_text(state.descriptors(kick)['pitch_hz'][0])}**" + (" (after FX)" if state.fx else "")
        near = nearest_corpus_kicks(model, kick.latent, 3) if len(model.corpus_latents) else []
        nearest = "".join(f"\n- {n.get('name', n['index'])} ({n.get('category', '?')}), distance {n['distance']:.2f}" for n in near)
        self.info.object = (f"### {kick.label}\n" + (f"seed **{kick.seed}**\n\n" if kick.seed is not None else "\n")
                            + (f"Closest corpus kicks:{nearest}" if nearest else ""))
        name = state.file_facts(kick)["name"]
        self.wav_download.filename, self.json_download.filename = name, name.replace(".wav", ".json")

    def set_length(self, length_s:float|None # seconds within LENGTH_RANGE_S; None: the model's window
                  ):
        "Every kick heard, downloaded and packed from now on is `length_s` long; the current kick is heard again at it."
        state = self.state
        state.length_s = None if length_s is None else float(length_s)
        with state.quietly(): self.length.value = state.length_s
        if state.kick is not None: state.show(state.kick, commit=False)

    def _list_history(self):
        with self.state.quietly():
            self.history_select.options = {f"{i + 1:>2}. {k.label}": i for i, k in enumerate(self.state.history)}
            self.history_select.value = len(self.state.history) - 1

    def upload_kick(self, data:bytes, filename:str="upload"):
        "Encode an uploaded kick; its reconstruction becomes current, with the preprocessed original as B."
        state = self.state
        try: upload = state.service.read_upload(data, filename)   # decoded once; the size and the sound checked
        except UploadError as e: return state.notify_error(f"Upload failed: {e}")   # in a producer's words, naming the file
        if upload.warning:
            state.last_error = upload.warning
            if pn.state.notifications is not None: pn.state.notifications.warning(upload.warning, duration=10000)
        kick = replace(state.make(latent_recipe(state.model, upload.latent, f"upload: {upload.label}")), original=upload.original)
        state.set_anchor(kick)
        state.show(kick)

    def _download(self, kind:str)->io.BytesIO:
        "The stored file (audio or sidecar JSON) of the current kick, through the FX chain: the same bytes the API serves."
        state = self.state
        try: stored = state.service.render_recipes([state.kick.recipe], "wav", 16, fx=state.fx, length_s=state.length_s)[0]
        except StorageUnavailable as e:
            state.notify_error(f"storage unavailable, try again: {e}"); raise
        except ValueError as e:  # FX that cannot apply to this kick (a tuning too far from its pitch)
            state.notify_error(f"cannot render this kick with these FX: {e}"); raise
        (self.wav_download if kind == "wav" else self.json_download).filename = (
            stored.download_name if kind == "wav" else stored.download_name.replace(".wav", ".json"))
        return io.BytesIO(state.service.storage.get(stored.name if kind == "wav" else stored.metadata_name))

    def __panel__(self):
        return pn.Column(
            self.info, self.pitch_info, wrap_row(self.length, self.window_button, sizing_mode="stretch_width"),
            wrap_row(self.wav_download, self.json_download),
            pn.pane.Markdown(f"**Upload a kick** (WAV/AIFF/FLAC/OGG/MP3, at most {MAX_UPLOAD_BYTES // 2**20} MB): B plays the "
                             "original, A the model's reconstruction."), self.upload, self.history_select,
            pn.pane.Markdown("**Keys:** `R` a new random kick · `space` play it again (sound starts after "
                             "your first click on the page, as browsers require)."), sizing_mode="stretch_width")
