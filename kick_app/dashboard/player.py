"The player: Web Audio playback in the browser (player.js), following the session's kick and sequences."
from pathlib import Path

import param
from panel.custom import JSComponent

from kick_app.dashboard.state import DashboardState, wav_base64

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

    _esm = (Path(__file__).parent / "player.js").read_text()

    def __init__(self, state:DashboardState|None=None, # the session to follow; None: a bare player
                 on_random=None,                      # called when the R key asks for a random kick
                 **params):
        super().__init__(**params)
        self._on_random, self._state = on_random, state
        if state is None: return
        self._sample_rate = state.model.sample_rate
        state.param.watch(self._on_kick, "kick")
        state.param.watch(self._on_sequence, "sequence_id")
        state.param.watch(lambda e: e.old is not None and e.new is None and self.stop_sequence(), "sequence_kind")
        self.param.watch(lambda e: state.report_step(e.new), "step")

    def _handle_msg(self, msg):
        if isinstance(msg, dict) and msg.get("action") == "random" and self._on_random: self._on_random()

    def stop_sequence(self):
        "Stop the sequence playing in the browser (its kicks' sound and its `step` reports); nothing if none plays."
        self._send_msg({"action": "stop_sequence"})

    def _on_kick(self, event):
        "The sound goes first, in a message of its own, so the browser decodes it while the server updates the views."
        state, kick = self._state, event.new
        self.wav = wav_base64(state.heard(kick), self._sample_rate)
        state.in_document(lambda: self._show_reference(kick))

    def _show_reference(self, kick):
        if kick is not self._state.kick: return  # a newer kick is current already
        audio, label = self._state.reference(kick)
        self.param.update(reference_wav=wav_base64(audio, self._sample_rate), reference_label=label)

    def _on_sequence(self, event):
        state = self._state
        self.param.update(sequence=[wav_base64(state.heard(k), self._sample_rate) for k in state.sequence],
                          bpm=float(state.bpm), sequence_id=self.sequence_id + 1)
