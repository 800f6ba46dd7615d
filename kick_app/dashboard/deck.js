// The deck under the waveform: what a producer does with the kick on screen. Keep it (drag it into the DAW, star it,
// download it as WAV 16/24-bit or FLAC, trimmed to the hit or not), hear it in a groove (loop, pattern, BPM: a new kick
// swaps in on the next downbeat), and play it from a MIDI keyboard; every kick heard goes into the history (one entry
// per gesture). The player (player.js) owns the AudioContext and the decoded kick; it calls the deck:
//
//   const deck = createDeck({ctx, el, playBuffer});
//   deck.setKick(buffer, info);   // each new kick: info = {id, name, label, tags, recall, key_hz}
//   deck.looping                  // true while the groove plays (the player then leaves the kick to the loop)

import {GroovePlayer, PATTERNS} from "./groove.js";
import {Gestures, sharedStore} from "./kickstore.js";
import {dragKick, h, kickUrl} from "./library.js";
import {connectMidi, notePlayback} from "./keys.js";

export const FORMATS = {"WAV 16-bit": ["wav", 16], "WAV 24-bit": ["wav", 24], "FLAC 16-bit": ["flac", 16], "FLAC 24-bit": ["flac", 24]};

// The kick as a file in `fmt` / `bitDepth`: the same recall data, the format's extension.
export function asFormat(info, fmt, bitDepth) {
  const stem = info.name.replace(/\.(wav|flac)$/i, "");
  return {...info, name: `${stem}.${fmt}`, recall: {...info.recall, format: fmt, bit_depth: bitDepth}};
}

export function createDeck({ctx, el, playBuffer = null, store = sharedStore(),
                            origin = globalThis.location.origin}) {
  const groove = new GroovePlayer(ctx);
  const gestures = new Gestures(document);
  let info = null, buffer = null, midi = null;

  const handle = h("span", {class: "kick-drag kick-drag-current", role: "img", tabindex: "0",
                            "aria-label": "Drag the kick into your DAW", title: "Drag into your DAW or a folder"}, "⠿ drag");
  const format = h("select", {class: "kick-format", "aria-label": "File format"},
                   ...Object.keys(FORMATS).map(f => h("option", {value: f}, f)));
  const trim = h("input", {type: "checkbox", class: "kick-trim", id: "kick-trim"});
  const download = h("a", {class: "kick-download", role: "button", download: ""}, "Download");
  const star = h("button", {type: "button", class: "kick-star kick-star-current", "aria-pressed": "false",
                            "aria-label": "Add the kick to favourites", onclick: () => info && store.toggle(info)}, "☆");
  const file = () => info && asFormat(info, ...FORMATS[format.value]);
  dragKick(handle, file, {origin});
  // drag links follow the choices: the handle reads them at drag time, the download link is rewritten now
  const refresh = () => {
    if (!info) return;
    const f = file();
    download.href = kickUrl(f, origin, {trim: trim.checked});
    download.setAttribute("download", f.name);
    download.textContent = `Download ${f.name}`;
    const starred = store.isFavourite(info.id);
    star.textContent = starred ? "★" : "☆"; star.setAttribute("aria-pressed", String(starred));
    star.setAttribute("aria-label", `${starred ? "Remove" : "Add"} ${info.name} ${starred ? "from" : "to"} favourites`);
    handle.setAttribute("aria-label", `Drag ${f.name} into your DAW`);
  };
  format.addEventListener("change", refresh); trim.addEventListener("change", refresh);
  store.subscribe(refresh);

  const loop = h("button", {type: "button", class: "kick-loop", "aria-pressed": "false"}, "▶ Loop");
  const pattern = h("select", {class: "kick-pattern", "aria-label": "Groove pattern"},
                    ...Object.keys(PATTERNS).map(p => h("option", {value: p}, p)));
  const bpm = h("input", {type: "number", class: "kick-bpm", min: "40", max: "250", step: "1", value: String(groove.bpm),
                          "aria-label": "Tempo, BPM"});
  const setLoop = (on) => {
    if (on && buffer) { if (ctx.state !== "running") ctx.resume(); groove.start(); } else groove.stop();
    loop.setAttribute("aria-pressed", String(groove.playing));
    loop.textContent = groove.playing ? "■ Stop loop" : "▶ Loop";
  };
  loop.addEventListener("click", () => setLoop(!groove.playing));
  pattern.addEventListener("change", () => { groove.setPattern(pattern.value); bpm.value = PATTERNS[pattern.value].bpm;
                                             groove.setBpm(PATTERNS[pattern.value].bpm); });
  bpm.addEventListener("change", () => { const v = Number(bpm.value); if (v >= 40 && v <= 250) groove.setBpm(v); else bpm.value = groove.bpm; });

  const midiButton = h("button", {type: "button", class: "kick-midi", "aria-pressed": "false"}, "MIDI: off");
  const repitch = h("input", {type: "checkbox", class: "kick-repitch", id: "kick-repitch"});
  const playNote = ({note, velocity}) => {
    if (!buffer || !playBuffer) return;
    const {gain, rate} = notePlayback(note, velocity, {repitch: repitch.checked});
    playBuffer(buffer, {gain, rate});
  };
  midiButton.addEventListener("click", async () => {
    if (midi) { midi.disconnect(); midi = null; midiButton.textContent = "MIDI: off"; midiButton.setAttribute("aria-pressed", "false"); return; }
    try {
      midi = await connectMidi(playNote);
      midiButton.textContent = midi.inputs.length ? `MIDI: ${midi.inputs.join(", ")}` : "MIDI: on (no input yet)";
      midiButton.setAttribute("aria-pressed", "true");
    } catch (e) { midiButton.textContent = `MIDI: ${e.message}`; }
  });

  el.append(
    h("div", {class: "kick-deck-row", role: "group", "aria-label": "Keep the kick"},
      handle, star, download, format, h("label", {for: "kick-trim", class: "kick-check"}, trim, " Trim to the hit")),
    h("div", {class: "kick-deck-row", role: "group", "aria-label": "Groove"},
      loop, pattern, bpm, midiButton, h("label", {for: "kick-repitch", class: "kick-check"}, repitch, " Repitch by note")));

  return {
    groove, store, playNote,
    get looping() { return groove.playing; },
    setKick(newBuffer, newInfo) {
      buffer = newBuffer; info = newInfo;
      groove.setKick(buffer, {keyHz: info.key_hz, id: info.id});
      store.record(info, gestures.id);
      refresh();
    },
    setLoop,
  };
}

