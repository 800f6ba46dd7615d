// Keys and MIDI: the page's shortcuts (R: a new kick, space: play it) work whatever has focus, except while the
// producer types (text fields, editable text); a MIDI keyboard plays the current kick on note-on, its velocity as
// gain, optionally repitched by the note as a sampler does (MIDI note `rootNote` plays it as it is).

export function isTextField(target) {   // whether keys typed here are text (then shortcuts stay out of the way)
  if (!target) return false;
  if (target.isContentEditable) return true;
  if (target.tagName === "TEXTAREA") return true;
  if (target.tagName === "INPUT")
    return !["button", "checkbox", "radio", "range", "color", "file", "submit", "reset", "image"].includes((target.type || "").toLowerCase());
  return false;
}

// `handlers`: {random, play} called without arguments. Listens in the capture phase on `target` (the document),
// so a focused slider, button or plot does not swallow the key. Returns a function that removes the listeners.
export function installShortcuts(target, handlers) {
  const typing = (e) => isTextField(e.composedPath ? e.composedPath()[0] : e.target);
  const onKeyDown = (e) => {
    if (typing(e) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.code === "Space" && handlers.play) { e.preventDefault(); e.stopPropagation(); if (!e.repeat) handlers.play(); }
    else if ((e.key === "r" || e.key === "R") && handlers.random) { e.preventDefault(); e.stopPropagation(); if (!e.repeat) handlers.random(); }
  };
  const onKeyUp = (e) => { if (e.code === "Space" && !typing(e) && handlers.play) { e.preventDefault(); e.stopPropagation(); } };  // no button click on space
  target.addEventListener("keydown", onKeyDown, true);
  target.addEventListener("keyup", onKeyUp, true);
  return () => { target.removeEventListener("keydown", onKeyDown, true); target.removeEventListener("keyup", onKeyUp, true); };
}

export const ROOT_NOTE = 36;   // C2 (GM kick): plays the kick unchanged when repitching

// How a note-on plays the kick: gain from velocity (1..127 -> (0, 1]), playback rate from the note when repitching.
export function notePlayback(note, velocity, {repitch = false, rootNote = ROOT_NOTE} = {}) {
  if (!(Number.isInteger(note) && note >= 0 && note <= 127)) throw new Error(`note must be 0..127, got ${note}`);
  if (!(Number.isInteger(velocity) && velocity >= 1 && velocity <= 127)) throw new Error(`velocity must be 1..127, got ${velocity}`);
  return {gain: velocity / 127, rate: repitch ? 2 ** ((note - rootNote) / 12) : 1};
}

// The note-on in a MIDI message ([status, note, velocity]), or null (note-off, a note-on with velocity 0, anything else).
export function noteOn(data) {
  if (!data || data.length < 3) return null;
  const [status, note, velocity] = data;
  return (status & 0xf0) === 0x90 && velocity > 0 ? {note, velocity, channel: (status & 0x0f) + 1} : null;
}

// Listen to every MIDI input (also ones plugged in later): onNote({note, velocity, channel}) on each note-on.
// Resolves to {inputs: [names], disconnect()}; rejects when the browser has no Web MIDI or the producer says no.
export async function connectMidi(onNote, nav = globalThis.navigator) {
  if (!nav || !nav.requestMIDIAccess) throw new Error("this browser has no Web MIDI (use Chrome or Edge)");
  const access = await nav.requestMIDIAccess();
  const listen = (input) => { input.onmidimessage = (m) => { const on = noteOn(m.data); if (on) onNote(on); }; };
  const all = () => Array.from(access.inputs.values());
  all().forEach(listen);
  access.onstatechange = (e) => { if (e.port && e.port.type === "input" && e.port.state === "connected") listen(e.port); };
  return {inputs: all().map(i => i.name), access,
          disconnect() { all().forEach(i => { i.onmidimessage = null; }); access.onstatechange = null; }};
}
