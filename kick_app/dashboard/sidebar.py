"The sidebar: what the current kick is (label, seed, pitch, nearest corpus kicks), downloads, upload, history."
import io, json, tempfile
from dataclasses import replace
from pathlib import Path

import panel as pn

from kick_nbdev.latent import nearest_corpus_kicks
from kick_nbdev.preprocess import AudioFileError, load_audio, preprocess
from kick_nbdev.service import MAX_UPLOAD_BYTES
from kick_nbdev.recipe import latent_recipe
from kick_nbdev.storage import StorageUnavailable
from kick_app.dashboard.shape import pitch_text
from kick_app.dashboard.state import DashboardState, Kick

UPLOAD_TYPES = ".wav,.flac,.ogg,.aif,.aiff"

def file_stem(kick:Kick)->str: # a download's name until the download names the file by its content
    if kick.seed is not None and not kick.made: return f"kick_seed{kick.seed}"
    return "kick_" + format(abs(hash(kick.latent.tobytes())) % 16**8, "08x")

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
        self.wav_download.filename, self.json_download.filename = f"{file_stem(kick)}.wav", f"{file_stem(kick)}.json"

    def _list_history(self):
        with self.state.quietly():
            self.history_select.options = {f"{i + 1:>2}. {k.label}": i for i, k in enumerate(self.state.history)}
            self.history_select.value = len(self.state.history) - 1

    def upload_kick(self, data:bytes, filename:str="upload"):
        "Encode an uploaded kick; its reconstruction becomes current, with the preprocessed original as B."
        state, label = self.state, Path(str(filename)).name[:80] or "upload"
        try:
            z = state.service.encode_upload(data, label)  # checks the size (MAX_UPLOAD_BYTES) and the file
            with tempfile.TemporaryDirectory(prefix="kick_dash_") as tmp:
                path = Path(tmp) / f"upload{Path(label).suffix.lower()[:6] or '.wav'}"
                path.write_bytes(data)
                original = preprocess(*load_audio(path), state.model.n_samples)
        except (AudioFileError, ValueError) as e:  # the library's messages name the file and say what is wrong
            return state.notify_error(f"Upload failed: {e}" if label in str(e) else f"Upload failed: {label}: {e}")
        kick = replace(state.make(latent_recipe(state.model, z, f"upload: {label}")), original=original)
        state.set_anchor(kick)
        state.show(kick)

    def _download(self, kind:str)->io.BytesIO:
        "The stored file (audio or sidecar JSON) of the current kick, through the FX chain: the same bytes the API serves."
        state = self.state
        try: stored = state.service.render_recipes([state.kick.recipe], "wav", 16, fx=state.fx)[0]
        except StorageUnavailable as e:
            state.notify_error(f"storage unavailable, try again: {e}"); raise
        except ValueError as e:  # FX that cannot apply to this kick (a tuning too far from its pitch)
            state.notify_error(f"cannot render this kick with these FX: {e}"); raise
        name = stored.name if kind == "wav" else stored.metadata_name
        (self.wav_download if kind == "wav" else self.json_download).filename = name
        return io.BytesIO(state.service.storage.get(name))

    def __panel__(self):
        return pn.Column(
            self.info, self.pitch_info, pn.Row(self.wav_download, self.json_download),
            pn.pane.Markdown(f"**Upload a kick** (WAV/FLAC/OGG/AIFF, at most {MAX_UPLOAD_BYTES // 2**20} MB): B plays the "
                             "original, A the model's reconstruction."), self.upload, self.history_select,
            pn.pane.Markdown("**Keys:** `R` a new random kick · `space` play it again (sound starts after "
                             "your first click on the page, as browsers require)."), sizing_mode="stretch_width")
