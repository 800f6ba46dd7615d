// Favourites and history, kept in the browser (localStorage), so that they survive a reload and need no account.
// Each entry carries the recall data the server needs to make the kick again (latent, seed, category, shape sliders,
// FX: what the kick's sidecar JSON records), so a favourite is never just a URL that may expire.
//
//   const store = new KickStore();                 // localStorage["kick_nbdev.library"]
//   const gestures = new Gestures(document);        // one id per pointer press / key press
//   store.record(kick, gestures.id);                // a slider drag is one gesture: one history entry, the last kick
//   store.star(kick); store.rename(kick.id, "F1 boom"); store.favourites;
//
// A kick is {id, name, label, tags, recall}: id is unique per kick (its storage name), name the file name a
// producer sees (e.g. "kick_F1_808_s123.wav"), tags what the list shows (note, category).

export const STORE_VERSION = 1;
export const MAX_NAME_CHARS = 80;

const empty = () => ({version: STORE_VERSION, history: [], favourites: []});

export function checkKick(kick) {   // the kick, or an Error naming the missing field
  for (const field of ["id", "name", "recall"])
    if (kick == null || kick[field] == null || kick[field] === "") throw new Error(`a kick needs "${field}"`);
  return kick;
}

export class KickStore {
  constructor(storage = globalThis.localStorage, {key = "kick_nbdev.library", historySize = 100} = {}) {
    this.storage = storage; this.key = key; this.historySize = historySize;
    this.listeners = new Set();
    this.data = this._load();
    this._lastGesture = null;   // not persisted: a reload is a new gesture
    if (globalThis.addEventListener) globalThis.addEventListener("storage", (e) => {   // another tab changed it
      if (e.key === this.key) { this.data = this._load(); this._changed(); }
    });
  }

  _load() {
    try {
      const data = JSON.parse(this.storage.getItem(this.key) || "null");
      if (data && data.version === STORE_VERSION && Array.isArray(data.history) && Array.isArray(data.favourites)) return data;
    } catch (e) { /* unreadable: start afresh below */ }
    return empty();
  }
  _save() {
    try { this.storage.setItem(this.key, JSON.stringify(this.data)); }
    catch (e) {   // full: drop the oldest half of the history, keep every favourite
      this.data.history = this.data.history.slice(Math.floor(this.data.history.length / 2));
      this.storage.setItem(this.key, JSON.stringify(this.data));
    }
    this._changed();
  }
  _changed() { this.listeners.forEach(fn => fn(this)); }
  subscribe(fn) { this.listeners.add(fn); return () => this.listeners.delete(fn); }

  get history() { return this.data.history; }
  get favourites() { return this.data.favourites; }

  // A kick the producer heard. Within one gesture (a slider drag, a held key) the entry is replaced, not added.
  record(kick, gesture = null) {
    checkKick(kick);
    const h = this.data.history, last = h[h.length - 1];
    const entry = {id: kick.id, name: kick.name, label: kick.label || kick.name, tags: kick.tags || [],
                   recall: kick.recall, time: Date.now()};
    if (last && gesture != null && gesture === this._lastGesture) h[h.length - 1] = entry;
    else if (last && last.id === kick.id) return last;   // the same kick again (a recall, a replay)
    else h.push(entry);
    this._lastGesture = gesture;
    if (h.length > this.historySize) h.splice(0, h.length - this.historySize);
    this._save();
    return entry;
  }

  isFavourite(id) { return this.data.favourites.some(f => f.id === id); }
  star(kick) {
    checkKick(kick);
    const found = this.data.favourites.find(f => f.id === kick.id);
    if (found) return found;
    const entry = {id: kick.id, name: kick.name, label: kick.label || kick.name, tags: kick.tags || [],
                   recall: kick.recall, time: Date.now()};
    this.data.favourites.push(entry); this._save();
    return entry;
  }
  unstar(id) {
    const before = this.data.favourites.length;
    this.data.favourites = this.data.favourites.filter(f => f.id !== id);
    if (this.data.favourites.length !== before) this._save();
  }
  toggle(kick) { if (this.isFavourite(kick.id)) { this.unstar(kick.id); return false; } this.star(kick); return true; }

  // A favourite's name: what the list shows and its file is called in an export (".wav" is added if missing).
  rename(id, name) {
    const f = this.data.favourites.find(f => f.id === id);
    if (!f) throw new Error(`no favourite with id ${id}`);
    const clean = String(name).trim().replace(/[\\/:*?"<>|\u0000-\u001f]+/g, "-");   // no path or reserved characters
    if (!clean) throw new Error("a name needs at least one letter or digit");
    if (clean.length > MAX_NAME_CHARS) throw new Error(`a name has at most ${MAX_NAME_CHARS} characters, got ${clean.length}`);
    f.name = /\.(wav|flac)$/i.test(clean) ? clean : `${clean}.wav`;
    this._save();
    return f;
  }
}

// Gesture ids: a new one on every pointer press and every key press that is not a key repeat. Everything that
// happens until the next press (the kicks of a slider drag, of an arrow key held down) belongs to one gesture.
export class Gestures {
  constructor(target = globalThis.document) {
    this.id = 0;
    this._next = (e) => { if (!e.repeat) this.id += 1; };
    target.addEventListener("pointerdown", this._next, true);
    target.addEventListener("keydown", this._next, true);
    this.dispose = () => { target.removeEventListener("pointerdown", this._next, true);
                           target.removeEventListener("keydown", this._next, true); };
  }
}

// The page's one store: every component of a page shares it (a second instance would not see the first's changes).
export function sharedStore() { return globalThis.kickStore || (globalThis.kickStore = new KickStore()); }
