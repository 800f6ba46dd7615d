"The dashboard's state object without a browser: widgets driven through param, Bokeh models checked in a Document."
import base64, io, json, re, sys, zipfile
from dataclasses import replace

import httpx
import numpy as np
import pytest
import soundfile as sf
from bokeh.document import Document
from fastapi import FastAPI
from fastapi.testclient import TestClient

import dashboard
from dashboard import pitch_text, wav_base64
from kick_app.dashboard import random_mode
from kick_app.dashboard.app import close_if_idle
from kick_app.dashboard.widgets import ACCENT
from kick_nbdev.service import MAX_UPLOAD_BYTES
from kick_nbdev.controls import load_controls
from kick_nbdev.fx import FX_PRESETS, FxSettings, apply_fx, hz_to_note, ringing_pitch_hz
from kick_nbdev.model import load_model
from kick_nbdev.service import fx_recall
from kick_nbdev.shape import shape_descriptors
from kick_nbdev.storage import encode_audio, read_recall
from kick_nbdev.style import style_transfer
from kick_nbdev.viz import log_spectrogram
from kick_nbdev.core import N_SAMPLES


def decode_b64_wav(b64):
    audio, sr = sf.read(io.BytesIO(base64.b64decode(b64)), dtype="float32")
    return audio, sr


def test_first_kick_is_shown_everywhere(dash, service):
    m = service.model
    k = dash.state.kick
    assert (k.seed, k.label) == (7, "random · seed 7")
    np.testing.assert_array_equal(k.latent, m.sample(1, seed=7)[0])
    audio, sr = decode_b64_wav(dash.player.wav)                       # the player gets a 16-bit WAV of the kick
    assert (sr, audio.size) == (44100, m.n_samples)
    np.testing.assert_allclose(audio, k.audio, atol=2 / 2**15)
    np.testing.assert_array_equal(dash.view.wave_source.data["a"], k.audio)
    np.testing.assert_array_equal(dash.view.spec_source.data["image"][0], log_spectrogram(k.audio, floor_db=-90)[0])
    assert dash.random.seed_input.value == 7
    assert json.loads(dash.control.latent_json.value) == {"latent_vector": pytest.approx(k.latent.tolist(), abs=1e-6), "format": "wav"}
    np.testing.assert_allclose(dash.control.slider_latent(), k.latent, atol=1e-6)       # sliders widen to kicks outside the corpus range
    assert "Closest corpus kicks" in dash.sidebar.info.object and "seed **7**" in dash.sidebar.info.object
    assert len(dash.state.history) == 1 and dash.sidebar.history_select.value == 0


def test_random_button_r_key_and_typed_seed(dash, service):
    first = dash.state.kick
    dash.random.random_button.param.trigger("clicks")
    assert dash.state.kick is not first and dash.state.kick.seed is not None and len(dash.state.history) == 2
    np.testing.assert_array_equal(dash.view.wave_source.data["b"], first.audio)      # A/B: B is the previous kick
    assert dash.player.reference_label == "previous"
    dash.player._handle_msg({"action": "random"})                               # the R key, sent by the browser
    assert len(dash.state.history) == 3
    dash.random.seed_input.value = 7                                                   # typing a seed recalls its kick
    np.testing.assert_array_equal(dash.state.kick.audio, first.audio)
    assert dash.state.kick.seed == 7


def test_variation_intensity_and_new_direction(dash, service):
    anchor = dash.state.kick
    dash.random.intensity.value = 0.0
    dash.random.intensity.param.trigger("value_throttled")
    np.testing.assert_allclose(dash.state.kick.latent, anchor.latent, atol=1e-6)       # intensity 0 = the same kick
    dash.random.intensity.value = 0.5
    dash.random.intensity.param.trigger("value_throttled")
    step = (dash.state.kick.latent - anchor.latent) / service.model.latent_std
    assert np.linalg.norm(step) == pytest.approx(0.5 * np.sqrt(8), rel=1e-4)
    before = dash.state.kick.latent.copy()
    dash.random.direction_button.param.trigger("clicks")
    after = dash.state.kick.latent
    assert not np.allclose(before, after)                                       # new direction, same distance from the anchor
    assert np.linalg.norm((after - anchor.latent) / service.model.latent_std) == pytest.approx(0.5 * np.sqrt(8), rel=1e-4)
    assert dash.state.kick.label == "random · seed 7 ~ var @0.50"
    centre = dash.state.kick
    dash.random.variations_button.param.trigger("clicks")                              # a row of variations around the current kick
    assert len(dash.random.variation_kicks) == 6 and len(dash.random.variation_strips.boxes.data["left"]) == 6
    for k in dash.random.variation_kicks:
        assert np.linalg.norm((k.latent - centre.latent) / service.model.latent_std) == pytest.approx(0.5 * np.sqrt(8), rel=1e-4)
    dash.random.variation_strips.boxes.selected.indices = [4]                          # keep the fifth
    assert dash.state.kick is dash.random.variation_kicks[4] and dash.state.history[-1] is dash.state.kick
    assert dash.state.kick.label == "random · seed 7 ~ var 5 @0.50"
    dash.random.play_variations_button.param.trigger("clicks")
    assert len(dash.player.sequence) == 6


def test_sliders_follow_while_dragging_and_commit_on_release(dash):
    start = dash.state.kick
    s = dash.control.sliders[3]
    for v in np.linspace(s.start, s.end, 5)[1:]:                                # no server: every move renders at once
        s.value = float(v)
        assert dash.state.kick.latent[3] == pytest.approx(v, abs=1e-6)
    assert len(dash.state.history) == 1                                               # dragging does not fill the history
    np.testing.assert_array_equal(dash.view.wave_source.data["b"], start.audio)      # B stays the kick before the drag
    assert dash.state.kick.label == "random · seed 7 · edited dim 3"
    dash.control.sliders[0].value = dash.control.sliders[0].start                               # the views of slider kicks leave the sliders alone
    assert dash.control.sliders[3].value == pytest.approx(np.linspace(s.start, s.end, 5)[-1])
    s.param.trigger("value_throttled")                                          # release
    assert len(dash.state.history) == 2 and dash.state.history[-1] is dash.state.kick
    assert dash.view.wave_fig.title.text == "Waveform (A = current, B = previous)"
    dash.view.spec_choice.value = "B"                                                # the spectrogram of B
    np.testing.assert_array_equal(dash.view.spec_source.data["image"][0], log_spectrogram(start.audio, floor_db=-90)[0])
    dash.view.spec_choice.value = "A"
    dash.control.reset_button.param.trigger("clicks")
    np.testing.assert_allclose(dash.state.kick.latent, dash.state.model.latent_mean, atol=1e-6)
    dash.control.randomize_dimension(2)
    changed = ~np.isclose(dash.state.kick.latent, dash.state.model.latent_mean, atol=1e-6)
    assert np.flatnonzero(changed).tolist() == [2] and dash.state.kick.label == "dimension 2 randomized"  # it, and only it, moved
    assert dash.state.lo[2] <= dash.state.kick.latent[2] <= dash.state.hi[2]


def test_latent_json_paste(dash):
    z = [0.25] * 8
    dash.control.latent_json.value = json.dumps({"latent_vector": z, "format": "wav"})
    dash.control.paste_button.param.trigger("clicks")
    np.testing.assert_allclose(dash.state.kick.latent, z)
    dash.control.apply_json(json.dumps(z[::-1]))                                        # a bare list works too
    for bad, message in [("[1, 2]", "exactly 8 values"), ("{oops", "cannot use that JSON"), ('{"x": 1}', "no 'latent_vector'"),
                         (json.dumps([100.0] * 8), "within ±10")]:
        kick = dash.state.kick
        dash.control.apply_json(bad)
        assert message in dash.state.last_error and dash.state.kick is kick                 # a clear message; the kick stays


def test_interpolation_steps_pick_and_play(dash, service):
    dash.random.random_kick(11)
    a_key, b_key = "history:0", "current"
    dash.morph.a_select.value, dash.morph.b_select.value = a_key, b_key
    dash.morph.steps_slider.value = 5
    dash.morph.mode_select.value = "slerp"
    dash.morph.morph_button.param.trigger("clicks")
    strips = dash.morph.interp_strips
    assert len(dash.morph.interpolation) == 5 and len(strips.boxes.data["left"]) == 5 and len(strips.patches.data["xs"]) == 5
    np.testing.assert_allclose(dash.morph.interpolation[0].latent, dash.state.history[0].latent, atol=1e-6)
    np.testing.assert_allclose(dash.morph.interpolation[-1].latent, dash.state.kick.latent, atol=1e-6)
    strips.boxes.selected.indices = [2]                                         # a click on step 3
    assert dash.state.kick is dash.morph.interpolation[2] and dash.state.history[-1] is dash.morph.interpolation[2]
    sequence_id = dash.player.sequence_id
    dash.morph.play_sequence_button.param.trigger("clicks")
    assert dash.player.sequence_id == sequence_id + 1 and len(dash.player.sequence) == 5 and dash.player.bpm == 120
    dash.player.step = 1                                                        # the browser reports the sounding step
    assert strips.boxes.data["fill"][1] == ACCENT and strips.boxes.data["fill"][0] != ACCENT
    corpus_keys = [v for v in dash.morph.a_select.options.values() if v.startswith("corpus:")]
    assert len(corpus_keys) == len(service.model.corpus_latents)
    np.testing.assert_array_equal(dash.morph.endpoint_latent(corpus_keys[3]), service.model.corpus_latents[3])


def test_map_walk_and_clicks(dash, service):
    m = service.model
    xy = dash.state.map.project(m.corpus_latents)
    np.testing.assert_allclose(np.c_[dash.explore.corpus_source.data["x"], dash.explore.corpus_source.data["y"]], xy)
    assert len(set(dash.explore.corpus_source.data["colour"])) == 4                     # one colour per category
    dash.explore.map_click(*xy[5])                                                      # on a corpus kick: that kick
    assert dash.state.kick.label == "corpus: synth " + m.corpus_meta[5]["category"] + " 5"
    np.testing.assert_allclose(dash.state.kick.latent, m.corpus_latents[5], atol=1e-6)
    far = xy.max(0) + 1.0
    dash.explore.map_click(*far)                                                        # on empty space: the latent there
    np.testing.assert_allclose(dash.state.kick.latent, np.clip(dash.state.map.unproject(far)[0], -10, 10), atol=1e-5)
    np.testing.assert_allclose(dash.explore.current_source.data["x"][0], far[0], atol=1e-4)
    dash.explore.walk_steps.value = 6
    dash.explore.walk_button.param.trigger("clicks")
    assert len(dash.explore.walk_kicks) == 6 and len(dash.explore.trail_source.data["x"]) == 6 and len(dash.player.sequence) == 6
    path = np.stack([k.latent for k in dash.explore.walk_kicks])
    assert (path >= dash.state.lo - 1e-6).all() and (path <= dash.state.hi + 1e-6).all()
    dash.player.step = 2                                                        # the map follows the walk as it plays
    assert dash.state.kick is dash.explore.walk_kicks[2]
    dash.player.step = 5
    assert dash.state.history[-1] is dash.explore.walk_kicks[5]                               # the walk's end is kept


def test_upload_shows_reconstruction_against_original(dash, kick_wav_bytes):
    dash.sidebar.upload_kick(kick_wav_bytes, "my kick.wav")
    assert dash.state.kick.label == "upload: my kick.wav" and dash.player.reference_label == "original upload"
    np.testing.assert_array_equal(dash.view.wave_source.data["b"], dash.state.kick.original)
    assert dash.view.wave_fig.title.text == "Waveform (A = current, B = original upload)"
    assert dash.state.kick.original.shape == (N_SAMPLES,) and 0.85 < np.abs(dash.state.kick.original).max() < 0.9  # preprocessed: -1 dBFS
    kick = dash.state.kick
    dash.fx.fx_preset.value = "warm"                                               # A/B through the same FX
    np.testing.assert_array_equal(dash.view.wave_source.data["b"], apply_fx(kick.original, FX_PRESETS["warm"]))
    np.testing.assert_array_equal(dash.view.wave_source.data["a"], apply_fx(kick.audio, FX_PRESETS["warm"]))
    for data, name, message in [(b"not audio at all", "x.wav", "Upload failed: x.wav: "),
                                (encode_audio(np.zeros(8000), 44100), "silent.wav", "Upload failed: silent.wav: "),
                                (b"RIFF" + bytes(MAX_UPLOAD_BYTES), "huge.wav", "Upload failed: huge.wav: the file is 10.0 MB")]:
        dash.sidebar.upload_kick(data, name)
        assert message in dash.state.last_error and dash.state.kick is kick


def test_history_recall_and_downloads(dash, service):
    dash.random.random_kick(123)
    dash.random.random_kick(456)
    dash.control.sliders[2].value = dash.control.sliders[2].end                                 # a slider kick, then a recall: the sliders follow
    dash.sidebar.history_select.value = 1
    assert dash.state.kick.seed == 123 and len(dash.state.history) == 3
    np.testing.assert_allclose(dash.control.slider_latent(), dash.state.kick.latent, atol=1e-6)
    wav = dash.sidebar._download("wav").read()
    assert re.fullmatch(r"kick_([A-G]s?\d_)?s123\.wav", dash.sidebar.wav_download.filename)   # note and seed: readable
    recall = read_recall(wav)
    assert recall["seed"] == 123 and recall["latent"] == pytest.approx(dash.state.kick.latent.tolist(), abs=1e-6)
    sidecar = json.loads(dash.sidebar._download("json").read())
    assert sidecar["seed"] == 123 and sidecar["download_name"] == dash.sidebar.wav_download.filename
    assert sf.info(io.BytesIO(wav)).frames == N_SAMPLES


def test_fx_controls_rerender_the_kick_without_decoding(dash, service, monkeypatch):
    kick, history = dash.state.kick, list(dash.state.history)
    decodes = []
    decode = service.model.decode
    monkeypatch.setattr(service.model, "decode", lambda z: decodes.append(1) or decode(z))
    assert dash.fx.fx_settings() is None and dash.state.heard(kick) is kick.audio               # off: the decoded audio itself
    assert "Pitch **A1" in dash.sidebar.pitch_info.object                                      # the tiny model's body rings at 55 Hz
    wav = dash.player.wav
    dash.fx.fx_sliders["drive_db"].value = 24.0                                           # a control moves: the chain goes on
    assert dash.fx.fx_switch.value and dash.fx.fx_preset.value == "custom"
    driven = apply_fx(kick.audio, FxSettings(drive_db=24.0))
    np.testing.assert_array_equal(dash.view.wave_source.data["a"], driven)
    np.testing.assert_allclose(decode_b64_wav(dash.player.wav)[0], driven, atol=2 / 2**15)
    assert dash.player.wav != wav
    np.testing.assert_array_equal(dash.view.spec_source.data["image"][0], log_spectrogram(driven, floor_db=-90)[0])
    dash.fx.fx_tune.value = "F1"
    dash.fx.fx_preset.value = "punchy"                                                    # a preset keeps the tuning
    assert dash.fx.fx_settings() == FxSettings(**{**fx_recall(FX_PRESETS["punchy"]), "tune_note": "F1"})
    assert dash.fx.fx_sliders["comp_ratio"].value == 4.0 and not dash.fx.fx_enabled["decay_ms"].value
    note, cents = hz_to_note(ringing_pitch_hz(dash.view.wave_source.data["a"]))
    assert note == "F1" and abs(cents) < 10 and "Pitch **F1" in dash.sidebar.pitch_info.object
    dash.fx.fx_enabled["decay_ms"].value = True                                           # an optional setting switched on
    assert dash.fx.fx_settings().decay_ms == 400.0 and dash.fx.fx_preset.value == "custom"
    dash.fx.fx_sliders["attack_db"].value, dash.fx.fx_sliders["sustain_db"].value = -18.0, 18.0  # the sustain 36 dB over the attack
    assert "sustain_db - attack_db must be at most 18" in dash.state.last_error
    dash.fx.fx_sliders["sustain_db"].value = 0.0
    shaped = dash.view.wave_source.data["a"]
    dash.fx.fx_switch.value = False                                                       # bypass: the dry kick again
    np.testing.assert_array_equal(dash.view.wave_source.data["a"], kick.audio)
    dash.fx.fx_switch.value = True
    np.testing.assert_array_equal(dash.view.wave_source.data["a"], shaped)                  # the same settings: from the cache
    assert decodes == [] and dash.state.kick is kick and dash.state.history == history             # nothing decoded, nothing added
    dash.random.variations_button.param.trigger("clicks")                                     # new kicks are heard through the chain
    strip = dash.random.variation_strips.patches.data["ys"][0]
    assert np.abs(strip).max() == pytest.approx(np.abs(dash.state.heard(dash.random.variation_kicks[0])).max(), abs=1e-6)
    sidecar = json.loads(dash.sidebar._download("json").read())                                # downloads carry the chain
    assert sidecar["fx"] == fx_recall(dash.fx.fx_settings()) and sidecar["fx"]["tune_note"] == "F1"
    wav_bytes = dash.sidebar._download("wav").read()
    assert read_recall(wav_bytes)["fx"] == sidecar["fx"] and sidecar["download_name"] == dash.sidebar.wav_download.filename
    np.testing.assert_allclose(sf.read(io.BytesIO(wav_bytes), dtype="float32")[0], dash.state.heard(kick), atol=1e-3)


def test_fx_that_cannot_apply_leaves_the_kick_dry(dash):
    kick = dash.state.kick
    dash.fx.fx_tune.value = "B3"                                                          # 26 semitones above this kick
    assert "FX off for random · seed 7" in dash.state.last_error and "tune_note" in dash.state.last_error
    np.testing.assert_array_equal(dash.view.wave_source.data["a"], kick.audio)


def test_bokeh_document_and_mounting(dash, service):
    doc = Document()
    dash.__panel__().server_doc(doc)
    for name in ("waveform", "spectrogram"):
        assert doc.get_model_by_name(name) is not None, name
    # the tabs are dynamic: a mode's models reach the page when its tab opens (a lighter first page and session)
    assert doc.get_model_by_name("interp_steps") is None
    for tab, name in [(2, "interp_steps"), (3, "corpus_points"), (3, "walk_trail")]:
        dash.tabs.active = tab
        assert doc.get_model_by_name(name) is not None, name
    root = dash.tabs.get_root(Document())
    assert [t.title for t in root.tabs] == ["Random", "Control Panel", "Interpolate", "Explore", "FX"]
    app = FastAPI()
    app.state.service = service
    dashboard.mount_dashboard(app)
    with TestClient(app) as client:
        page = client.get("/")
        assert page.status_code == 200 and "bokeh" in page.text.lower()
        assert client.get("/favicon.ico").status_code == 200
        assert client.get("/openapi.json").json()["paths"] == {}          # the page is not an API endpoint


def test_wav_base64_round_trip():
    x = np.sin(np.linspace(0, 100, 1000)).astype(np.float32) * 0.5
    y, sr = decode_b64_wav(wav_base64(x, 44100))
    assert sr == 44100
    np.testing.assert_allclose(y, x, atol=2 / 2**15)


def test_panel_serve_on_its_own(spawn_server, tiny_model_path, tmp_path):
    "`panel serve dashboard.py` works without the API (same environment variables)."
    argv = [sys.executable, "-m", "panel", "serve", "dashboard.py", "--address", "127.0.0.1", "--port", "{port}"]
    controls = tmp_path / "tiny.controls.json"   # fitted in this process (once), not again by the server's first session
    controls.write_text(load_controls(load_model(tiny_model_path), tmp_path / "none.json").to_json())
    _, base = spawn_server(argv, {"KICK_MODEL_PATH": str(tiny_model_path), "KICK_CONTROLS_PATH": str(controls),
                                  "KICK_STORAGE": "local", "KICK_STORAGE_DIR": str(tmp_path / "generated")}, ready_path="/liveness")
    page = httpx.get(base + "/dashboard", timeout=30)       # builds a whole session on the server
    assert page.status_code == 200 and "<title>kick_nbdev" in page.text


# ---------------------------------------------------------------------------------------- the named controls (issue #6)
# The tiny model has no controls file: the module's service fits them on first use (seconds, once per process).

def test_random_in_a_category_is_the_apis_kick(dash, service):
    dash.random.category_choice.value = "808"
    dash.random.random_kick(5)
    api = service.random(5, category="808")                                  # what POST /api/random {seed: 5, category: 808} stores
    np.testing.assert_array_equal(dash.state.kick.latent, np.float32(api.latent))
    assert dash.state.kick.label == "random 808 · seed 5" and dash.random.seed_input.value == 5
    assert dash.sidebar._download("wav").read() == service.storage.get(api.name)     # the same recall data, so the same file
    dash.player._handle_msg({"action": "random"})                            # the R key keeps the category
    assert dash.state.kick.label.startswith("random 808 · seed ")
    np.testing.assert_array_equal(dash.state.kick.latent, service.controls.categories.sample(1, "808", dash.state.kick.seed)[0][0])
    assert read_recall(dash.sidebar._download("wav").read())["category"] == {"808": 1.0}


def test_blend_label_and_validation(dash, service):
    dash.random.category_choice.value = "blend"
    assert dash.random.blend_row.visible and dash.random.category() == {"808": 0.7, "distorted": 0.3}  # the producers' example to start from
    dash.random.random_kick(9)
    assert dash.state.kick.label == "random 70 % 808 + 30 % distorted · seed 9"
    np.testing.assert_array_equal(dash.state.kick.latent, np.float32(service.random(9, category={"808": 7, "distorted": 3}).latent))
    dash.random.blend_sliders["acoustic"].value = 100
    dash.random.random_kick(9)
    assert dash.state.kick.label == "random 50 % acoustic + 35 % 808 + 15 % distorted · seed 9"
    for s in dash.random.blend_sliders.values(): s.value = 0
    kick = dash.state.kick
    dash.random.random_button.param.trigger("clicks")
    assert "at least one category above 0 %" in dash.state.last_error and dash.state.kick is kick


def test_variations_lean_towards_the_category(dash, service, monkeypatch):
    anchor = dash.state.kick
    dash.random.category_choice.value = "acoustic"
    dash.random.intensity.value = 0.5
    monkeypatch.setattr(random_mode, "new_seed", lambda: 1)                    # the seed the row draws its targets with
    dash.random.variations_button.param.trigger("clicks")
    api = service.variations(anchor.latent, 6, 0.5, seed=1, category="acoustic")
    np.testing.assert_allclose(np.stack([k.latent for k in dash.random.variation_kicks]), np.float32([k.latent for k in api.kicks]), atol=1e-6)
    assert dash.random.variation_kicks[0].label == "random · seed 7 ~ var 1 @0.50 → acoustic"


def test_shape_sliders_are_in_producer_units_and_make_the_apis_kick(dash, service):
    base, shaped = dash.state.kick, lambda recipe, values: service.shaped_recipe(recipe, values).latent
    sliders = dash.shape.shape_sliders
    assert set(sliders) == {"pitch", "decay", "punch", "brightness", "sub"}
    assert [s.label for s in sliders.values()] == ["pitch (semitones)", "decay (ms)", "punch (dB)", "brightness (dB)", "sub (dB)"]
    assert (sliders["pitch"].start, sliders["pitch"].end, sliders["decay"].end, sliders["sub"].start) == (-12, 12, 400, -12)
    assert "semitones" in dash.shape.shape_tips["pitch"] and "dB" in dash.shape.shape_tips["punch"]
    assert "pitch is held" in dash.shape.shape_tips["sub"] and "ms" in dash.shape.shape_tips["decay"]
    sliders["pitch"].value = 1.0
    sliders["sub"].value = -0.5
    expected = shaped(base.recipe, {"pitch": 1.0, "sub": -0.5})
    np.testing.assert_array_equal(dash.state.kick.latent, expected)
    np.testing.assert_allclose(dash.control.slider_latent(), expected, atol=1e-6)    # the raw sliders follow
    assert dash.state.kick.label == "random · seed 7 · shape pitch +1 semitones, sub -0.5 dB" and len(dash.state.history) == 1
    np.testing.assert_array_equal(dash.view.wave_source.data["a"], dash.state.kick.audio)
    measured = shape_descriptors(dash.state.kick.audio)
    assert pitch_text(measured["pitch_hz"][0]) in dash.shape.shape_info.object and "since the start" in dash.shape.shape_info.object
    assert "| brightness (> 1 kHz) |" in dash.shape.shape_info.object and " ms |" in dash.shape.shape_info.object  # the sliders' units
    sliders["sub"].param.trigger("value_throttled")                                # release: into the history
    assert dash.state.history[-1] is dash.state.kick
    api = service.random(7, attributes={"pitch": 1.0, "sub": -0.5})          # /api/random {seed, attributes}: the same file
    assert dash.sidebar._download("wav").read() == service.storage.get(api.name)
    dash.shape.shape_reset_button.param.trigger("clicks")                          # back to the start
    assert dash.state.kick is base and all(s.value == 0 for s in sliders.values())
    sliders["decay"].value = 40.0
    dash.shape.shape_keep_button.param.trigger("clicks")                           # start again from here
    kept = dash.state.kick
    sliders["decay"].value = 20.0
    np.testing.assert_array_equal(dash.state.kick.latent, shaped(kept.recipe, {"decay": 20.0}))
    assert dash.state.kick.label == "random · seed 7 · shape decay +40 ms · shape decay +20 ms" and dash.state.kick.seed is None
    edited = dash.control.slider_latent()
    edited[0] = (dash.control.sliders[0].start + dash.control.sliders[0].end) / 2
    dash.control.sliders[0].value = float(edited[0])                                 # a raw slider makes a new kick: Shape starts again
    assert all(s.value == 0 for s in sliders.values())
    sliders["punch"].value = 0.5
    np.testing.assert_allclose(dash.state.kick.latent, shaped(dash.shape.base.recipe, {"punch": 0.5}), atol=1e-6)


def test_style_transfer_between_a_and_b(dash, service):
    dash.random.random_kick(11)
    a, b = dash.state.history
    dash.morph.a_select.value, dash.morph.b_select.value = "history:0", "current"
    dash.morph.style_strength.value = 0.8
    dash.morph.style_ab_button.param.trigger("clicks")
    expected = style_transfer(service.model, service.controls.shape, a.latent, b.latent, 0.8).latent
    np.testing.assert_array_equal(dash.state.kick.latent, expected)
    assert dash.state.kick.label == "A body + B character · strength 0.80" and dash.state.history[-1] is dash.state.kick
    stored = service.style_transfer(a.latent, b.latent, 0.8)
    assert dash.sidebar._download("wav").read() == service.storage.get(stored.name)  # the file the service stored for it
    dash.morph.b_select.value = "history:1"                                         # (the current kick is now the result)
    dash.morph.style_ba_button.param.trigger("clicks")
    np.testing.assert_array_equal(dash.state.kick.latent, style_transfer(service.model, service.controls.shape, b.latent, a.latent, 0.8).latent)
    assert dash.state.kick.label == "B body + A character · strength 0.80"
    kick = dash.state.kick
    dash.morph.transfer_style("A", strength=1.5)
    assert "style transfer: strength must be within [0, 1]" in dash.state.last_error and dash.state.kick is kick


def test_pack_is_the_services_built_in_a_thread_with_progress_and_a_zip(dash, service):
    dash.random.category_choice.value = "blend"
    dash.pack.pack_size.value = 8
    seen = []
    dash.pack.pack_progress.param.watch(lambda e: seen.append(e.new), "value")
    dash.pack.start_pack(seed=3)
    dash.pack._thread.join(timeout=60)
    assert seen[-8:] == [12, 25, 37, 50, 62, 75, 87, 100] and dash.pack.pack_progress.value == 100
    assert dash.pack.pack_download.visible and dash.pack.pack_download.filename == "kick_pack_3.zip"
    data = dash.pack.pack_download.callback().read()
    assert data == service.pack(8, 3, {"808": 0.7, "distorted": 0.3}).to_zip()  # POST /api/pack's zip, byte for byte
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert sum(n.endswith("_808-distorted.wav") for n in names) == 8        # a blend's kicks: its two main categories
        assert {"kick_pack_3/manifest.csv", "kick_pack_3/manifest.json"} <= set(names)
    assert "**8 kicks** (70 % 808 + 30 % distorted), notes " in dash.pack.pack_summary.object and not dash.pack.pack_button.disabled


def test_pack_fx_and_key_follow_the_card_and_the_fx_tab(dash, service):
    assert dash.pack.pack_settings() == dict(fx=None, key=None)
    dash.pack.pack_fx.value, dash.pack.pack_key.value = "punchy", "F"
    assert dash.pack.pack_settings() == dict(fx="punchy", key="F")
    dash.fx.fx_tune.value = "G1"
    dash.fx.fx_sliders["drive_db"].value = 6.0
    dash.pack.pack_fx.value = "current FX settings"                               # the card's key wins over the FX tab's tuning
    assert dash.pack.pack_settings() == dict(fx=replace(dash.fx.fx_settings(), tune_note=None), key="F")
    dash.pack.pack_key.value = "off"                                              # none on the card: the FX tab's tuning is the key
    assert dash.pack.pack_settings() == dict(fx=dash.fx.fx_settings(), key=None)
    dash.pack.pack_size.value = 8
    dash.pack.start_pack(seed=4)
    dash.pack._thread.join(timeout=60)
    assert dash.pack.made.info["key"] == "G1" and dash.pack.pack_download.filename == "kick_pack_4_G1.zip"
    assert {k["note"] for k in dash.pack.made.kicks} == {"G1"} and ", tuned to G1, custom FX" in dash.pack.pack_summary.object
    assert dash.pack.pack_download.callback().read() == service.pack(8, 4, fx=dash.fx.fx_settings()).to_zip()


def test_a_new_action_stops_the_sequence(dash, monkeypatch):
    sent = []
    monkeypatch.setattr(dash.player, "_send_msg", sent.append)               # what goes to the browser's player
    dash.explore.walk_steps.value = 6
    dash.explore.walk_button.param.trigger("clicks")
    dash.player.step = 2                                                     # the walk plays, the page follows it
    assert dash.state.kick is dash.explore.walk_kicks[2] and sent == []
    dash.random.random_button.param.trigger("clicks")                               # the producer takes over mid-walk
    chosen = dash.state.kick
    assert chosen.label.startswith("random · seed ") and sent == [{"action": "stop_sequence"}]
    dash.player.step = 3                                                     # a step the browser sent before the stop reached it
    assert dash.state.kick is chosen and dash.state.history[-1] is chosen
    dash.random.random_button.param.trigger("clicks")                               # nothing plays any more: nothing to stop
    assert len(sent) == 1
    dash.random.variations_button.param.trigger("clicks")                           # variations in time, then a slider moves
    dash.random.play_variations_button.param.trigger("clicks")
    dash.player.step = 1
    assert dash.random.variation_strips.boxes.data["fill"][1] == ACCENT
    s = dash.control.sliders[0]
    s.value = s.end if s.value != s.end else s.start
    assert len(sent) == 2 and ACCENT not in dash.random.variation_strips.boxes.data["fill"]  # no step lit any more
    dash.player.step = 2
    assert ACCENT not in dash.random.variation_strips.boxes.data["fill"]
    assert dash.state.kick.label.endswith("edited dim 0")


def test_live_sessions_are_bounded_and_idle_ones_close(service):
    "A process builds at most `max_sessions` dashboards (the next visitor gets a cheap busy page); idle ones close."
    app = FastAPI()
    app.state.service = service
    dashboard.mount_dashboard(app, max_sessions=1)
    with TestClient(app) as client:
        assert client.get("/").status_code == 200 and len(app.state.dashboards) == 1
        assert client.get("/").status_code == 200 and len(app.state.dashboards) == 1   # the first is alive: a busy page, no build
    dash = dashboard.KickDashboard(service, seed=1)
    live = {"s1": dash}
    close_if_idle(dash, "s1", live, idle_s=60)
    assert live == {"s1": dash}                                      # used a moment ago: kept
    dash.state.last_action -= 61
    close_if_idle(dash, "s1", live, idle_s=60)
    assert live == {}                                                # a minute without a producer's action: closed


def test_the_first_request_makes_only_the_player_and_its_kick(service):
    "GET / builds the page's shell (the player with the first kick); the views and modes wait until the page connects."
    app = FastAPI()
    app.state.service = service
    dashboard.mount_dashboard(app)
    with TestClient(app) as client:
        assert client.get("/").status_code == 200   # CPU per request, shipped model: 1.2 s -> 0.2 s (benchmarks/page_load.py --server-cost)
        (dash,) = app.state.dashboards.values()
    assert dash.state.kick is not None and dash.player.wav and dash.player.kick_info["name"].endswith(".wav")
    assert not hasattr(dash, "view") and not hasattr(dash, "explore") and not hasattr(dash, "sidebar")
    dash._fill_page()                                                # what the page's connection runs: the parts catch up
    np.testing.assert_array_equal(dash.view.wave_source.data["a"], dash.state.kick.audio)
    assert dash.state.kick.label in dash.sidebar.info.object and dash.sidebar.history_select.value == 0
    assert dash.explore.current_source.data["x"][0] != 0.0 or dash.explore.current_source.data["y"][0] != 0.0


def test_morph_slots_strip_keys_map_search_and_hover_audition(dash, service):
    from types import SimpleNamespace
    dash.random.random_kick(1); dash.random.random_kick(2)
    morph = dash.morph
    morph.a_select.value, morph.b_select.value = "history:0", "current"
    before = dash.state.sequence_id
    morph.audition("A")                                                                # ▶ A plays it; the current kick stays
    assert dash.state.sequence_id == before + 1 and dash.state.sequence_kind == "audition" and dash.state.kick.seed == 2
    np.testing.assert_array_equal(dash.state.sequence[0].latent, dash.state.history[0].latent)
    dash.random.random_kick(3)
    morph.set_current("B")                                                             # frozen: not "whatever is current"
    dash.random.random_kick(4)
    np.testing.assert_array_equal(morph.endpoint_latent(morph.b_select.value), dash.state.history[-2].latent)
    morph.a_select.value = "random"                                                    # drawn once, not on every click
    np.testing.assert_array_equal(morph.endpoint_latent("random"), morph.endpoint_latent("random"))
    assert [v for v in morph.a_select.options.values() if v.startswith("corpus:")]      # searchable: corpus kicks too
    morph.morph(steps=4)
    assert morph.interp_strips.keys.options == ["▶ 1", "▶ 2", "▶ 3", "▶ 4"]
    morph.interp_strips.keys.value = "▶ 3"                                             # a strip picked from the keyboard
    assert dash.state.kick is morph.interpolation[2]
    explore = dash.explore
    explore.find.value = list(explore.find.options.values())[2]                        # the map from the keyboard
    np.testing.assert_array_equal(dash.state.kick.latent, service.model.corpus_latents[2])
    kick, before = dash.state.kick, dash.state.sequence_id
    explore._on_hover(SimpleNamespace(x=0.5, y=-0.5))                                 # hovering auditions the point
    assert explore.auditions == 1 and dash.state.sequence_id == before + 1 and dash.state.kick is kick
