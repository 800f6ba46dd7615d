export function render({ model, el }) {
  const ctx = new (window.AudioContext || window.webkitAudioContext)();
  // the deck (drag, star, formats, loop, MIDI) and the keys come from the page's own modules, served by the app
  const modules = Promise.all(["deck.js", "keys.js", "a11y.js"].map(m => import(new URL(model.assets + m, window.location.href).href)));
  const state = window.kickPlayer = window.kickPlayer || {decodes: 0, plays: 0};
  let current = null, reference = null, sources = [], timers = [], gestured = false, token = 0, sequenceToken = 0,
      sequencePlaying = false;
  const bar = document.createElement("div");
  bar.style.cssText = "display:flex;gap:8px;align-items:center;flex-wrap:wrap;font:13px sans-serif";
  const button = (text, title) => {
    const b = document.createElement("button"); b.textContent = text; b.title = title;
    b.style.cssText = "padding:6px 14px;border-radius:4px;border:1px solid #888;background:#b3420a;color:white;cursor:pointer;font-weight:600";  // 5.7:1
    bar.appendChild(b); return b;
  };
  const playA = button("▶ Play (space)", "play the current kick"); playA.className = "kick-play";
  const playB = button("▶ B", "play the previous kick (A/B)"); playB.style.background = "#8a9bb0"; playB.style.color = "#111"; playB.className = "kick-play-b";  // 7:1
  const status = document.createElement("span"); status.className = "kick-status"; bar.appendChild(status);
  el.appendChild(bar);

  const decode = async (b64) => {
    if (!b64) return null;
    const bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return await ctx.decodeAudioData(bytes.buffer);
  };
  const stop = () => { sources.forEach(s => { try { s.stop(); } catch (e) {} }); sources = [];
                       timers.forEach(clearTimeout); timers = [];
                       if (sequencePlaying) { sequencePlaying = false; model.step = -1; } };  // cut short: no step sounds
  const start = (buffer, when, {gain = 1, rate = 1} = {}) => {
    const s = ctx.createBufferSource(); s.buffer = buffer; s.playbackRate.value = rate;
    const g = ctx.createGain(); g.gain.value = gain;
    s.connect(g); g.connect(ctx.destination); s.start(when); sources.push(s); };
  const playNow = (buffer) => { if (!buffer) return; if (ctx.state !== "running") ctx.resume(); stop(); start(buffer, 0);
                                state.plays = (state.plays || 0) + 1; };
  const gesture = () => {
    gestured = true;
    if (ctx.state !== "running") ctx.resume().then(() => { status.textContent = status.textContent.replace("click anywhere to enable sound", "ready"); });
  };

  async function loadCurrent() {
    const mine = ++token;
    state.receivedAt = performance.now();
    const buffer = await decode(model.wav);
    if (mine !== token || !buffer) return;       // a newer kick arrived while this one decoded
    current = buffer; state.serial = model.serial;   // read now: `serial` arrives with `wav`, its event fires after this one
    state.decodes += 1; state.duration = buffer.duration; state.length = buffer.length;
    state.sampleRate = buffer.sampleRate; state.decodedAt = performance.now();
    state.checksum = buffer.getChannelData(0).reduce((sum, v) => sum + Math.abs(v), 0);  // tells kicks apart in tests
    if (model.duration !== buffer.duration) model.duration = buffer.duration;
    status.textContent = `${(buffer.duration * 1000).toFixed(0)} ms · ${buffer.sampleRate} Hz · ${ctx.state === "running" ? "ready" : "click anywhere to enable sound"}`;
    decodedInfo = null; showOnDeck();
    if (model.autoplay && gestured && !sequencePlaying && !(deck && deck.looping)) playNow(current);   // a loop swaps it in
  }
  // the deck gets a kick once both its sound and its facts (name, recall data, key) are here, and they match
  let deck = null, decodedInfo = null;
  function showOnDeck() {
    const info = model.kick_info;
    if (!deck || !current || !info || info.serial !== model.serial || decodedInfo === info.serial) return;
    if (state.serial !== model.serial) return;   // the buffer on hand is an older kick's
    decodedInfo = info.serial; deck.setKick(current, info); state.kickName = info.name;
  }
  async function loadReference() { reference = await decode(model.reference_wav); playB.textContent = `▶ B: ${model.reference_label}`; }
  async function playSequence() {
    const mine = ++sequenceToken;
    const buffers = await Promise.all(model.sequence.map(decode));
    if (mine !== sequenceToken || !buffers.length) return;   // stopped (or replaced) while it decoded
    gesture(); stop(); sequencePlaying = true; state.sequences = (state.sequences || 0) + 1;
    const beat = 60 / model.bpm, lead = 0.05, t0 = ctx.currentTime + lead;
    buffers.forEach((b, i) => {
      start(b, t0 + i * beat);
      timers.push(setTimeout(() => { model.step = i; }, (lead + i * beat) * 1000));
    });
    timers.push(setTimeout(() => { sequencePlaying = false; model.step = -1; }, (lead + buffers.length * beat) * 1000));
  }
  playA.onclick = () => { gesture(); playNow(current); };
  playB.onclick = () => { gesture(); playNow(reference); };
  let removeShortcuts = () => {};
  document.addEventListener("pointerdown", gesture, true);
  modules.then(([{createDeck}, {installShortcuts}, {watchAccessibility}]) => {
    watchAccessibility();
    removeShortcuts = installShortcuts(document, {play: () => { gesture(); playNow(current); },
                                                  random: () => { gesture(); model.send_msg({action: "random"}); }});
    const deckEl = document.createElement("div"); deckEl.className = "kick-deck"; el.appendChild(deckEl);
    deck = createDeck({ctx, el: deckEl, playBuffer: (buffer, opts) => {   // a MIDI note: velocity as gain, maybe repitched
      gesture(); if (!deck.looping) stop(); start(buffer, 0, opts); state.plays = (state.plays || 0) + 1; state.lastPlay = opts; }});
    state.deck = deck; showOnDeck();
    if (window.matchMedia("(max-width: 767.98px)").matches && typeof window.closeNav === "function") window.closeNav();
  });
  model.on("kick_info", showOnDeck);
  model.on("wav", loadCurrent);
  model.on("reference_wav", loadReference);
  model.on("reference_label", loadReference);
  model.on("sequence_id", playSequence);
  model.on("msg:custom", (msg) => {   // sent before the kick that replaces the sequence: that kick then plays
    if (msg.action === "stop_sequence") { sequenceToken += 1; if (sequencePlaying) stop(); }
    if (msg.action === "closed") {   // an idle session the server closed: say so over the page, outside the components
      const notice = document.createElement("div"); notice.className = "kick-closed"; notice.setAttribute("role", "alert");
      notice.textContent = msg.notice;
      notice.style.cssText = "position:fixed;inset:0;z-index:10000;display:flex;align-items:center;justify-content:center;" +
                             "padding:24px;background:#111e;color:#fff;font:18px system-ui,sans-serif;text-align:center";
      document.body.appendChild(notice);
    }
  });
  model.on("remove", () => {
    removeShortcuts(); document.removeEventListener("pointerdown", gesture, true); sequencePlaying = false; stop();
    if (deck) deck.setLoop(false);
    ctx.close();
  });
  loadCurrent(); loadReference();
}
