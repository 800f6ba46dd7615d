"The player: Web Audio playback in the browser (player.js), following the session's kick and sequences."
from pathlib import Path

import param
from panel.custom import JSComponent

from kick_app.dashboard.state import DashboardState, wav_base64
from kick_app.web import ASSET_PREFIX, assets_version

class KickPlayer(JSComponent):
    """Web Audio playback. Each new `wav` is decoded once with `AudioContext.decodeAudioData` into an `AudioBuffer`
    (its duration comes back in `duration`); space replays it, R asks for a random kick, and every new kick plays
    by itself once the page has had a user gesture (browsers refuse sound before one). `sequence` + `sequence_id`
    play several kicks in time at `bpm`, reporting the step that sounds in `step`; `stop_sequence()` stops them.
    Built on a `DashboardState`, it plays the session's current kick (B: the reference) and its sequences."""
    wav = param.String(default="", doc="base64 WAV of the current kick")
    reference_wav = param.String(default="", doc="base64 WAV of the B kick (previous kick, or the uploaded original)")
    reference_label = param.String(default="previous")
    autoplay = param.Boolean(default=True, doc="play each new kick after the first user gesture")
    sequence = param.List(default=[], doc="base64 WAVs to play in time")
    sequence_id = param.Integer(default=0, doc="incremented to start playing `sequence`")
    bpm = param.Number(default=120.0, bounds=(30, 300))
    step = param.Integer(default=-1, doc="(from the browser) index of the sequence step now sounding, -1 when none")
    duration = param.Number(default=0.0, doc="(from the browser) duration of the decoded AudioBuffer, seconds")
    serial = param.Integer(default=0, doc="incremented with every new `wav`: the deck pairs a sound with its `kick_info`")
    kick_info = param.Dict(default={}, doc="the current kick for the deck: serial, id, name, label, tags, recall, key_hz")
    assets = param.String(default=f"{ASSET_PREFIX}/{assets_version()}/", doc="where the page's JS modules are served")

    _esm = (Path(__file__).parent / "player.js").read_text()
    _stylesheets = [(Path(__file__).parent / "deck.css").read_text()]

    def __init__(self, state:DashboardState|None=None, # the session to follow; None: a bare player
                 on_random=None,                      # called when the R key asks for a random kick
                 on_recall=None,                      # called with (recall data, label) when a kick of the library is picked
                 **params):
        super().__init__(**params)
        self._on_random, self._on_recall, self._state = on_random, on_recall, state
        if state is None: return
        self._sample_rate = state.model.sample_rate
        state.param.watch(self._on_kick, "kick")
        state.param.watch(self._on_sequence, "sequence_id")
        state.param.watch(lambda e: e.old is not None and e.new is None and self.stop_sequence(), "sequence_kind")
        self.param.watch(lambda e: state.report_step(e.new), "step")

    def _handle_msg(self, msg):
        if not isinstance(msg, dict): return
        if msg.get("action") == "random" and self._on_random: self._on_random()
        if msg.get("action") == "recall" and self._on_recall and isinstance(msg.get("recall"), dict):
            self._on_recall(msg["recall"], str(msg.get("label") or "recalled")[:80])

    def close_page(self, notice:str):
        "Tell the browser that the server closed this page (an idle session): it shows `notice` over the page."
        self._send_msg({"action": "closed", "notice": notice})

    def stop_sequence(self):
        "Stop the sequence playing in the browser (its kicks' sound and its `step` reports); nothing if none plays."
        self._send_msg({"action": "stop_sequence"})

    def _on_kick(self, event):
        "The sound goes first, in a message of its own, so the browser decodes it while the server updates the views."
        state, kick = self._state, event.new
        wav = wav_base64(state.heard(kick), self._sample_rate)
        if wav != self.wav:   # the same sound again (the page's parts catching up on the kick): nothing new to hear
            self.param.update(wav=wav, serial=self.serial + 1)
            serial = self.serial
            state.in_document(lambda: self._describe(kick, serial))
        state.in_document(lambda: self._show_reference(kick))

    def _describe(self, kick, serial:int):
        "The deck's facts of the kick heard: its readable file name, the recall data that makes it again, note and category."
        if kick is not self._state.kick or serial != self.serial: return  # a newer kick is current already
        self.kick_info = dict(serial=serial, label=kick.label, **self._state.file_facts(kick))

    def _show_reference(self, kick):
        if kick is not self._state.kick: return  # a newer kick is current already
        audio, label = self._state.reference(kick)
        self.param.update(reference_wav=wav_base64(audio, self._sample_rate), reference_label=label)

    def _on_sequence(self, event):
        state = self._state
        self.param.update(sequence=[wav_base64(state.heard(k), self._sample_rate) for k in state.sequence],
                          bpm=float(state.bpm), sequence_id=self.sequence_id + 1)

