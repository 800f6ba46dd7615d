// The kick library on the page: favourites and history (from a KickStore), each kick a row with its name, its tags
// (note, category), a star, a handle to drag it into a DAW as a WAV file, and (favourites) rename; favourites export
// as a zip. Rows are real buttons, so the lists work from the keyboard and a screen reader names every control.
//
// Dragging out uses Chromium's "DownloadURL" drag data ("audio/wav:NAME:URL"): dropped on the desktop or a DAW that
// accepts files, the browser downloads URL as a file called NAME.

import {MAX_NAME_CHARS} from "./kickstore.js";

const MIME = {wav: "audio/wav", flac: "audio/flac"};

// What a link carries of a kick's recall data (kick_nbdev.deliver.RECALL_KEYS): URL-safe base64 of compact JSON.
export const RECALL_KEYS = ["latent", "seed", "fx", "format", "bit_depth", "category", "attributes", "style_transfer"];
export function recallToken(recall) {
  const kept = {};
  for (const k of [...RECALL_KEYS].sort()) if (recall[k] !== null && recall[k] !== undefined) kept[k] = recall[k];
  const bytes = new TextEncoder().encode(JSON.stringify(kept));
  let binary = ""; bytes.forEach(b => { binary += String.fromCharCode(b); });
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

// The URL that makes a kick (or finds it stored) and sends it as a file called kick.name: the API's
// GET /api/kick/{name}?recall=TOKEN. It needs nothing stored beforehand, so yesterday's favourites drag out too.
export function kickUrl(kick, origin = globalThis.location.origin, {trim = false} = {}) {
  return `${origin}/api/kick/${encodeURIComponent(kick.name)}?recall=${recallToken(kick.recall)}${trim ? "&trim=1" : ""}`;
}

// Make `el` a drag source for the kick `getKick()` returns (read at drag time: the current kick changes).
export function dragKick(el, getKick, {origin = globalThis.location.origin} = {}) {
  el.draggable = true;
  el.addEventListener("dragstart", (e) => {
    const kick = getKick();
    if (!kick) { e.preventDefault(); return; }
    const url = kickUrl(kick, origin), ext = kick.name.split(".").pop().toLowerCase();
    e.dataTransfer.effectAllowed = "copy";
    e.dataTransfer.setData("DownloadURL", `${MIME[ext] || "audio/wav"}:${kick.name}:${url}`);
    e.dataTransfer.setData("text/uri-list", url);
    e.dataTransfer.setData("text/plain", kick.name);
  });
}

export const h = (tag, props = {}, ...children) => {   // a DOM element: attributes, on* listeners, children (nulls skipped)
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (v !== null && v !== undefined && v !== false) el.setAttribute(k, v === true ? "" : v);
  }
  el.append(...children.filter(c => c !== null && c !== undefined));
  return el;
};

export class KickLibrary {
  // handlers: onRecall(entry): make this kick current; onExport(favourites): export them; origin: the server's.
  constructor(el, store, {onRecall = () => {}, onExport = null, origin = globalThis.location.origin} = {}) {
    this.el = el; this.store = store; this.onRecall = onRecall; this.onExport = onExport; this.origin = origin;
    this.renaming = null;   // id of the favourite whose name is being edited
    this.el.classList.add("kick-library");
    this.unsubscribe = store.subscribe(() => this.render());
    this.render();
  }

  render() {
    const favs = this.store.favourites, history = [...this.store.history].reverse();   // newest first
    const section = (title, id, rows, extra = null) => h("section", {class: "kick-library-section", "aria-labelledby": id},
      h("h3", {id}, `${title} (${rows.length})`), extra,
      rows.length ? h("ul", {class: "kick-list"}, ...rows) : h("p", {class: "kick-empty"}, title === "Favourites"
        ? "Star a kick (☆) to keep it here, across reloads." : "Kicks you make appear here."));
    const exportButton = this.onExport && favs.length
      ? h("button", {class: "kick-export", type: "button", onclick: () => this.onExport(this.store.favourites)}, "Export favourites (zip)")
      : null;
    this.el.replaceChildren(
      section("Favourites", "kick-favourites-title", favs.map(f => this.row(f, true)), exportButton),
      section("History", "kick-history-title", history.map(e => this.row(e, false))));
  }

  row(entry, favourite) {
    const starred = this.store.isFavourite(entry.id);
    const tags = (entry.tags || []).filter(Boolean).map(t => h("span", {class: "kick-tag"}, t));
    const name = favourite && this.renaming === entry.id
      ? this.nameEditor(entry)
      : h("button", {class: "kick-recall", type: "button", title: entry.label,
                     "aria-label": `Play ${entry.name} (${entry.label})`, onclick: () => this.onRecall(entry)},
          h("span", {class: "kick-name"}, entry.name), ...tags);
    const handle = h("span", {class: "kick-drag", role: "img", "aria-label": `Drag ${entry.name} into your DAW`,
                              title: "Drag into your DAW or a folder"}, "⠿");
    dragKick(handle, () => entry, {origin: this.origin});
    const star = h("button", {class: "kick-star", type: "button", "aria-pressed": starred ? "true" : "false",
                              "aria-label": `${starred ? "Remove" : "Add"} ${entry.name} ${starred ? "from" : "to"} favourites`,
                              onclick: () => this.store.toggle(entry)}, starred ? "★" : "☆");
    const rename = favourite ? h("button", {class: "kick-rename", type: "button", "aria-label": `Rename ${entry.name}`,
                                            onclick: () => { this.renaming = entry.id; this.render(); this.el.querySelector(".kick-name-input").focus(); }}, "✎")
                             : null;
    return h("li", {class: "kick-row", "data-id": entry.id}, handle, name, star, rename);
  }

  nameEditor(entry) {
    const input = h("input", {class: "kick-name-input", type: "text", value: entry.name.replace(/\.(wav|flac)$/i, ""),
                              maxlength: MAX_NAME_CHARS, "aria-label": `New name for ${entry.name}`});
    const done = (save) => {
      if (this.renaming !== entry.id) return;
      this.renaming = null;
      if (save) {
        try { this.store.rename(entry.id, input.value); return; }   // the store's change re-renders the lists
        catch (e) { this.renaming = entry.id; input.setCustomValidity(e.message); input.reportValidity(); return; }
      }
      this.render();
    };
    input.addEventListener("keydown", (e) => { if (e.key === "Enter") done(true); else if (e.key === "Escape") done(false); });
    input.addEventListener("blur", () => done(true));
    return input;
  }

  dispose() { this.unsubscribe(); this.el.replaceChildren(); }
}

// POST the favourites' recall data; the server makes the kicks and answers with the zip, which the browser saves.
export async function exportFavourites(favourites, origin = globalThis.location.origin) {
  const body = {kicks: favourites.map(f => ({name: f.name, recall: f.recall}))};
  const r = await fetch(`${origin}/api/favourites`, {method: "POST", headers: {"content-type": "application/json"},
                                                     body: JSON.stringify(body)});
  if (!r.ok) throw new Error(`export failed: ${(await r.json()).detail}`);
  const url = URL.createObjectURL(await r.blob());
  const a = h("a", {href: url, download: "kick_favourites.zip"}); document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
