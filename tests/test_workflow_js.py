"""The page's JavaScript modules in headless Chromium, on their own (no server: the files are served to the page by
Playwright from kick_app/dashboard/): the groove loop (kick steps, swap on the downbeat, bass in the kick's key,
audible drums), the favourites and history store (one entry per gesture, persistence across a reload, rename), the
R / space shortcuts (whatever has focus except text fields) and MIDI note-on (velocity as gain, repitch)."""
import math
from pathlib import Path

import pytest

from conftest import REPO
from kick_nbdev.deliver import read_recall_token

CHROMIUM = "/usr/bin/chromium"
JS_DIR = REPO / "kick_app" / "dashboard"
ORIGIN = "http://kick.test"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason=f"{CHROMIUM} is missing: apt-get install -y chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--autoplay-policy=no-user-gesture-required"]
PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>modules</title></head><body>
<input id="text" type="text" aria-label="text"><input id="slider" type="range" aria-label="slider">
<button id="button">button</button><div id="editable" contenteditable="true">edit me</div></body></html>"""


def serve(route):
    "The test page, and the module files from kick_app/dashboard/."
    path = route.request.url.removeprefix(ORIGIN).split("?")[0]
    if path == "/": return route.fulfill(status=200, content_type="text/html", body=PAGE)
    file = JS_DIR / path.lstrip("/")
    if file.suffix == ".js" and file.is_file():
        return route.fulfill(status=200, content_type="text/javascript", body=file.read_text())
    route.fulfill(status=404, body="not found")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    context.route(f"{ORIGIN}/**", serve)
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.goto(ORIGIN + "/")
    yield pg
    assert pg.errors == []
    context.close()


KICK_BUFFER_JS = """(ctx, hz, seconds=0.3) => {   // a decaying sine: a stand-in kick
  const n = Math.round(ctx.sampleRate * seconds), b = ctx.createBuffer(1, n, ctx.sampleRate), d = b.getChannelData(0);
  for (let i = 0; i < n; i++) d[i] = 0.9 * Math.sin(2 * Math.PI * hz * i / ctx.sampleRate) * Math.exp(-i / (0.08 * ctx.sampleRate));
  return b; }"""


def test_groove_schedules_the_kick_on_its_steps_and_swaps_on_the_downbeat(page):
    result = page.evaluate("""async () => {
      const {GroovePlayer, PATTERNS} = await import("/groove.js");
      const kickBuffer = %s;
      const ctx = new AudioContext(); await ctx.resume();
      const groove = new GroovePlayer(ctx, {pattern: "four-on-the-floor", bpm: 240});
      groove.setKick(kickBuffer(ctx, 60), {id: "A", keyHz: 43.65});   // F1
      groove.start();
      const t0 = groove.startTime;
      await new Promise(r => setTimeout(r, 1000 * (groove.barS * 1.4)));     // into the second bar
      const swapAt = ctx.currentTime;
      groove.setKick(kickBuffer(ctx, 50), {id: "B", keyHz: 49.0});           // G1: a new kick (R)
      const kicksBeforeNextBar = groove.events.filter(e => e.voice === "kick").length;
      await new Promise(r => setTimeout(r, 1000 * (groove.barS * 1.5)));
      groove.stop();
      const state = ctx.state; await ctx.close();
      return {t0, swapAt, barS: groove.barS, stepS: groove.stepS, events: groove.events, kicksBeforeNextBar, state,
              kickSteps: PATTERNS["four-on-the-floor"].kick, playingAfterStop: groove.playing, nodes: groove.nodes.length};
    }""" % KICK_BUFFER_JS)
    assert result["state"] == "running" and not result["playingAfterStop"] and result["nodes"] == 0
    kicks = [e for e in result["events"] if e["voice"] == "kick"]
    assert {e["step"] for e in kicks} == set(result["kickSteps"])                    # the kick on its steps only
    for e in result["events"]:                                                           # on the grid, sample-exact
        expected = result["t0"] + e["bar"] * result["barS"] + e["step"] * result["stepS"]
        assert math.isclose(e["time"], expected, abs_tol=1e-6), e
    ids = [e["kick"] for e in kicks]
    first_b = ids.index("B")
    assert set(ids[:first_b]) == {"A"} and set(ids[first_b:]) == {"B"}                   # one swap, for good
    swap = kicks[first_b]
    assert swap["step"] == 0 and swap["time"] >= result["swapAt"]                         # on the next downbeat
    assert swap["time"] - result["swapAt"] <= result["barS"] + 1e-6
    assert swap["bar"] == kicks[first_b - 1]["bar"] + 1
    # the bass plays the kick's key: F (43.65 Hz) before the swap, G (49 Hz) after it, folded into 55-110 Hz
    bass = [e for e in result["events"] if e["voice"] == "bass"]
    semis = lambda e, key: 12 * math.log2(e["hz"] / key)
    assert all(55 <= e["hz"] < 220 for e in bass)
    assert all(abs(semis(e, 43.65) - round(semis(e, 43.65) / 12) * 12) < 1e-6 for e in bass if e["time"] < swap["time"])
    assert all(abs(semis(e, 49.0) - round(semis(e, 49.0) / 12) * 12) < 1e-6 for e in bass if e["time"] >= swap["time"])
    assert {"hat", "openHat", "clap"} <= {e["voice"] for e in result["events"]}


def test_groove_sounds_in_an_offline_render_and_trap_has_a_long_808(page):
    "Rendered offline: the loop is audible, the kick's peaks fall on its steps, and the trap bass rings for half a bar."
    result = page.evaluate("""async () => {
      const {GroovePlayer} = await import("/groove.js");
      const kickBuffer = %s;
      const render = async (pattern, bpm) => {
        const sr = 22050, seconds = 60 / bpm * 4 + 0.5, ctx = new OfflineAudioContext(1, Math.round(sr * seconds), sr);
        const groove = new GroovePlayer(ctx, {pattern, bpm, lookaheadS: 60 / bpm * 4 - 1e-3});   // one whole bar at start()
        groove.setKick(kickBuffer(ctx, 55, 0.25), {id: "k", keyHz: 55});
        groove.start(0); clearInterval(groove.timer);
        const out = (await ctx.startRendering()).getChannelData(0);
        const rms = (a, b) => { let s = 0; for (let i = Math.round(a * sr); i < Math.round(b * sr); i++) s += out[i] * out[i];
                                return Math.sqrt(s / Math.max(1, Math.round(b * sr) - Math.round(a * sr))); };
        const stepS = groove.stepS;
        return {events: groove.events, kickRms: groove.events.filter(e => e.voice === "kick").map(e => rms(e.time, e.time + 0.03)),
                offRms: [1, 5, 9, 13].map(s => rms(s * stepS + 0.09, s * stepS + 0.1)), peak: out.reduce((m, v) => Math.max(m, Math.abs(v)), 0)};
      };
      return {house: await render("four-on-the-floor", 124), trap: await render("trap", 140)};
    }""" % KICK_BUFFER_JS)
    house, trap = result["house"], result["trap"]
    assert 0.2 < house["peak"] <= 1.5 and len(house["kickRms"]) == 4
    assert min(house["kickRms"]) > 0.3                                        # each kick step sounds
    bar_s = 60 / 140 * 4
    long_808 = [e for e in trap["events"] if e["voice"] == "bass" and e["step"] == 0]
    assert long_808 and math.isclose(long_808[0]["lengthS"], bar_s / 2, rel_tol=1e-9)   # half a bar of 808
    assert {e["step"] for e in trap["events"] if e["voice"] == "kick"} == {0, 11}


KICK_JS = "(i, extra={}) => ({id: `kick_${i}.wav`, name: `kick_F1_808_s${i}.wav`, label: `random · seed ${i}`, tags: ['F1', '808'], recall: {latent: [i, 0.5], seed: i}, ...extra})"


def test_history_has_one_entry_per_gesture_and_favourites_survive_a_reload(page):
    page.evaluate("""async () => {
      const {KickStore, Gestures} = await import("/kickstore.js");
      const kick = %s;
      localStorage.clear();
      window.store = new KickStore(); window.gestures = new Gestures(document);
    }""" % KICK_JS)
    slider = page.locator("#slider")
    slider.focus()
    page.mouse.click(5, 5)                                                    # a gesture: one random kick
    page.evaluate(f"store.record(({KICK_JS})(1), gestures.id)")
    box = slider.bounding_box()
    page.mouse.move(box["x"] + 2, box["y"] + box["height"] / 2)
    page.mouse.down()                                                         # a slider drag: 27 kicks, one gesture
    for i in range(27):
        page.mouse.move(box["x"] + 2 + i * 4, box["y"] + box["height"] / 2)
        page.evaluate(f"store.record(({KICK_JS})({100 + i}), gestures.id)")
    page.mouse.up()
    page.keyboard.press("ArrowRight")                                         # a key press: one more
    page.evaluate(f"store.record(({KICK_JS})(7), gestures.id)")
    page.evaluate(f"store.record(({KICK_JS})(7), gestures.id + 1)")           # the same kick again (a replay): no entry
    history = page.evaluate("store.history.map(e => e.id)")
    assert history == ["kick_1.wav", "kick_126.wav", "kick_7.wav"]
    page.evaluate(f"""() => {{ const kick = {KICK_JS};
      store.star(kick(126)); store.star(kick(7)); store.star(kick(7)); store.toggle(kick(1)); store.toggle(kick(1));
      store.rename("kick_126.wav", "  big/boom  "); }}""")
    assert page.evaluate("() => { try { store.rename('kick_7.wav', '   '); } catch (e) { return e.message; } }") == \
        "a name needs at least one letter or digit"

    page.reload()                                                             # a reload: a new page, the same browser
    kept = page.evaluate("""async () => { const {KickStore} = await import("/kickstore.js"); const s = new KickStore();
                            return {history: s.history.map(e => e.id), favourites: s.favourites.map(f => [f.id, f.name, f.tags, f.recall])}; }""")
    assert kept["history"] == ["kick_1.wav", "kick_126.wav", "kick_7.wav"]
    assert kept["favourites"] == [["kick_126.wav", "big-boom.wav", ["F1", "808"], {"latent": [126, 0.5], "seed": 126}],
                                  ["kick_7.wav", "kick_F1_808_s7.wav", ["F1", "808"], {"latent": [7, 0.5], "seed": 7}]]
    page.evaluate("localStorage.setItem('kick_nbdev.library', '{not json')")     # a damaged store starts afresh
    assert page.evaluate("""async () => { const {KickStore} = await import("/kickstore.js");
                            const s = new KickStore(); return [s.history.length, s.favourites.length]; }""") == [0, 0]


def test_r_works_whatever_has_focus_except_text_fields(page):
    page.evaluate("""async () => { const {installShortcuts} = await import("/keys.js");
                     window.pressed = {random: 0, play: 0};
                     installShortcuts(document, {random: () => pressed.random++, play: () => pressed.play++}); }""")
    counts = lambda: page.evaluate("({...pressed})")
    for selector, types in [("#slider", False), ("#button", False), ("body", False), ("#text", True), ("#editable", True)]:
        before = counts()
        page.locator(selector).focus() if selector != "body" else page.evaluate("document.activeElement.blur()")
        page.keyboard.press("r")
        page.keyboard.press("Space")
        after = counts()
        delta = (after["random"] - before["random"], after["play"] - before["play"])
        assert delta == ((0, 0) if types else (1, 1)), (selector, delta)
    assert page.locator("#text").input_value() == "r "                        # typing still types


def test_midi_note_on_plays_with_velocity_as_gain_and_optional_repitch(page):
    result = page.evaluate("""async () => {
      const {connectMidi, notePlayback, noteOn} = await import("/keys.js");
      const input = {name: "Keystation 49", onmidimessage: null}, later = {name: "Pad", type: "input", state: "connected", onmidimessage: null};
      const access = {inputs: new Map([["1", input]]), onstatechange: null};
      const fakeNavigator = {requestMIDIAccess: async () => access};     // a MIDI keyboard, as Web MIDI presents it
      const notes = [];
      const midi = await connectMidi((on) => notes.push(on), fakeNavigator);
      input.onmidimessage({data: new Uint8Array([0x90, 36, 127])});       // C2 note-on, full velocity
      input.onmidimessage({data: new Uint8Array([0x80, 36, 0])});         // note-off: nothing
      input.onmidimessage({data: new Uint8Array([0x91, 48, 0])});         // note-on with velocity 0 (= off): nothing
      access.inputs.set("2", later); access.onstatechange({port: later}); // plugged in later
      later.onmidimessage({data: new Uint8Array([0x99, 48, 64])});        // C3 on channel 10
      let noMidi = null;
      try { await connectMidi(() => {}, {}); } catch (e) { noMidi = e.message; }
      return {inputs: midi.inputs, notes, noMidi,
              plain: notePlayback(48, 64), repitched: notePlayback(48, 64, {repitch: true}), down: notePlayback(24, 127, {repitch: true}),
              ignored: noteOn([0xb0, 1, 64])};
    }""")
    assert result["inputs"] == ["Keystation 49"]
    assert result["notes"] == [{"note": 36, "velocity": 127, "channel": 1}, {"note": 48, "velocity": 64, "channel": 10}]
    assert result["plain"] == {"gain": 64 / 127, "rate": 1}
    assert result["repitched"]["rate"] == 2 and result["down"] == {"gain": 1, "rate": 0.5}   # an octave up / down
    assert result["ignored"] is None and "no Web MIDI" in result["noMidi"]


def test_library_stars_renames_drags_and_survives_a_reload(page):
    "The favourites/history lists as a producer uses them: star, rename, drag a row out as a WAV, recall from the keyboard."
    setup = """async () => {
      const {KickStore} = await import("/kickstore.js"); const {KickLibrary} = await import("/library.js");
      document.body.insertAdjacentHTML("beforeend", '<div id="lib"></div><div id="drop" style="width:200px;height:80px">drop</div>');
      window.recalled = [];
      window.store = new KickStore();
      window.library = new KickLibrary(document.getElementById("lib"), store, {onRecall: (e) => recalled.push(e.id)});
      const drop = document.getElementById("drop");
      drop.addEventListener("dragover", (e) => e.preventDefault());
      // what the drag carries, read as it starts (after the row's handler); the drop sees the types (DownloadURL is
      // for the OS: Chromium does not hand its value to a page's drop handler)
      document.addEventListener("dragstart", (e) => { window.dragged = {url: e.dataTransfer.getData("DownloadURL"),
                                                                        text: e.dataTransfer.getData("text/plain")}; });
      drop.addEventListener("drop", (e) => { e.preventDefault(); window.dropped = {types: [...e.dataTransfer.types],
                                                                                  text: e.dataTransfer.getData("text/plain")}; });
    }"""
    page.evaluate("localStorage.clear()")
    page.evaluate(setup)
    page.evaluate(f"() => {{ const kick = {KICK_JS}; store.record(kick(1), 1); store.record(kick(2), 2); }}")
    assert page.get_by_role("heading", name="History (2)").is_visible()
    page.get_by_role("button", name="Add kick_F1_808_s1.wav to favourites").click()
    assert page.get_by_role("heading", name="Favourites (1)").is_visible()
    assert page.get_by_role("button", name="Remove kick_F1_808_s1.wav from favourites").first.get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="Rename kick_F1_808_s1.wav").click()
    editor = page.get_by_role("textbox", name="New name for kick_F1_808_s1.wav")
    assert editor.evaluate("e => e === document.activeElement")
    editor.fill("Big one")
    editor.press("Enter")
    assert page.evaluate("store.favourites.map(f => f.name)") == ["Big one.wav"]

    page.locator("#lib .kick-row[data-id='kick_2.wav'] .kick-drag").first.drag_to(page.locator("#drop"))
    dragged = page.evaluate("window.dragged")
    mime, name, url = dragged["url"].split(":", 2)
    assert (mime, name, dragged["text"]) == ("audio/wav", "kick_F1_808_s2.wav", "kick_F1_808_s2.wav")
    assert url.startswith("http://kick.test/api/kick/kick_F1_808_s2.wav?recall=")
    assert read_recall_token(url.split("recall=")[1]) == {"latent": [2, 0.5], "seed": 2}   # what makes the kick again
    dropped = page.evaluate("window.dropped")                                 # and the drop got it
    assert dropped["text"] == "kick_F1_808_s2.wav" and "text/uri-list" in dropped["types"]

    page.get_by_role("button", name="Play kick_F1_808_s2.wav (random · seed 2)").focus()
    page.keyboard.press("Enter")                                              # keyboard: a row is a button
    assert page.evaluate("recalled") == ["kick_2.wav"]

    page.reload()
    page.evaluate(setup)
    assert page.get_by_role("heading", name="Favourites (1)").is_visible()
    assert page.get_by_role("button", name="Play Big one.wav (random · seed 1)").is_visible()
    assert page.locator("#lib .kick-tag").all_inner_texts()[:2] == ["F1", "808"]          # note and category as tags
