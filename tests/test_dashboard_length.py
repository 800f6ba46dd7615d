"""The dashboard's Length control (a number box: the browser tests' first visible slider stays the mode's own): what is
heard, drawn, downloaded and packed is that long; the model window is one click."""
import base64, io, zipfile

import numpy as np
import pytest
import soundfile as sf

from kick_nbdev.fx import FX_PRESETS
from kick_nbdev.length import fit_length
from kick_nbdev.storage import read_recall

SR = 44100


def test_length_is_heard_drawn_and_downloaded(dash, service):
    kick = dash.state.kick
    assert dash.sidebar.length.value is None                                   # the model's window to start with
    dash.sidebar.length.value = 1.25                                           # the producer types a length
    assert dash.state.length_s == 1.25 and dash.state.kick is kick             # the same kick, no new decode
    heard = dash.state.heard(kick)
    np.testing.assert_array_equal(heard, fit_length(kick.audio, SR, 1.25))
    played, sr = sf.read(io.BytesIO(base64.b64decode(dash.player.wav)), dtype="float32")
    assert (sr, played.size) == (SR, round(1.25 * SR))
    data = dash.view.wave_source.data
    assert data["a"].size == data["b"].size == data["t_ms"].size == round(1.25 * SR)
    assert dash.view.wave_fig.x_range.end == pytest.approx(1250) and dash.view.spec_source.data["dw"] == [pytest.approx(1250)]
    wav = dash.sidebar._download("wav").read()
    assert sf.info(io.BytesIO(wav)).frames == round(1.25 * SR) and read_recall(wav)["length_s"] == 1.25
    assert wav == service.storage.get(service.random(7, length_s=1.25).name)  # POST /api/random's file, byte for byte
    dash.state.fx = FX_PRESETS["short"]                                        # length first, then the FX chain
    assert dash.state.heard(kick).size == round(1.25 * SR)
    dash.state.fx = None
    dash.sidebar.window_button.clicks += 1                                     # back to the model's window
    assert dash.state.length_s is None and dash.sidebar.length.value is None
    assert dash.state.heard(kick) is kick.audio and dash.view.wave_source.data["t_ms"].size == service.model.n_samples
    assert sf.info(io.BytesIO(dash.sidebar._download("wav").read())).frames == service.model.n_samples


def test_pack_follows_the_length(dash, service):
    dash.sidebar.set_length(0.6)
    dash.pack.pack_size.value = 8
    dash.pack.start_pack(seed=5)
    dash.pack._thread.join(timeout=60)
    assert dash.pack.made.info["length_s"] == 0.6 and "0.6 s long" in dash.pack.pack_summary.object
    data = dash.pack.pack_download.callback().read()
    assert data == service.pack(8, 5, length_s=0.6).to_zip()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        wav = next(n for n in archive.namelist() if n.endswith(".wav"))
        assert sf.info(io.BytesIO(archive.read(wav))).frames == round(0.6 * SR)
