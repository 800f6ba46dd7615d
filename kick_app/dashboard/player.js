export function render({ model, el }) {
  const ctx = new (window.AudioContext || window.webkitAudioContext)();
  const state = window.kickPlayer = window.kickPlayer || {decodes: 0};
  let current = null, reference = null, sources = [], timers = [], gestured = false, token = 0, sequenceToken = 0,
      sequencePlaying = false;
  const bar = document.createElement("div");
  bar.style.cssText = "display:flex;gap:8px;align-items:center;flex-wrap:wrap;font:13px sans-serif";
  const button = (text, title) => {
    const b = document.createElement("button"); b.textContent = text; b.title = title;
    b.style.cssText = "padding:6px 14px;border-radius:4px;border:1px solid #888;background:#f25c05;color:white;cursor:pointer;font-weight:600";
    bar.appendChild(b); return b;
  };
  const playA = button("▶ Play (space)", "play the current kick"); playA.className = "kick-play";
  const playB = button("▶ B", "play the previous kick (A/B)"); playB.style.background = "#8a9bb0"; playB.className = "kick-play-b";
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
  const start = (buffer, when) => { const s = ctx.createBufferSource(); s.buffer = buffer;
                                    s.connect(ctx.destination); s.start(when); sources.push(s); };
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
    current = buffer;
    state.decodes += 1; state.duration = buffer.duration; state.length = buffer.length;
    state.sampleRate = buffer.sampleRate; state.decodedAt = performance.now();
    state.checksum = buffer.getChannelData(0).reduce((sum, v) => sum + Math.abs(v), 0);  // tells kicks apart in tests
    if (model.duration !== buffer.duration) model.duration = buffer.duration;
    status.textContent = `${(buffer.duration * 1000).toFixed(0)} ms · ${buffer.sampleRate} Hz · ${ctx.state === "running" ? "ready" : "click anywhere to enable sound"}`;
    if (model.autoplay && gestured && !sequencePlaying) playNow(current);
  }
  async function loadReference() { reference = await decode(model.reference_wav); playB.textContent = `▶ B: ${model.reference_label}`; }
  async function playSequence() {
    const mine = ++sequenceToken;
    const buffers = await Promise.all(model.sequence.map(decode));
    if (mine !== sequenceToken || !buffers.length) return;   // stopped (or replaced) while it decoded
    gesture(); stop(); sequencePlaying = true;
    const beat = 60 / model.bpm, lead = 0.05, t0 = ctx.currentTime + lead;
    buffers.forEach((b, i) => {
      start(b, t0 + i * beat);
      timers.push(setTimeout(() => { model.step = i; }, (lead + i * beat) * 1000));
    });
    timers.push(setTimeout(() => { sequencePlaying = false; model.step = -1; }, (lead + buffers.length * beat) * 1000));
  }
  playA.onclick = () => { gesture(); playNow(current); };
  playB.onclick = () => { gesture(); playNow(reference); };
  const typing = (e) => { const t = e.composedPath()[0];
    return t && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName)); };
  const onKeyDown = (e) => {
    if (typing(e) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.code === "Space") { e.preventDefault(); e.stopPropagation(); gesture(); playNow(current); }
    else if (e.key === "r" || e.key === "R") { e.preventDefault(); gesture(); model.send_msg({action: "random"}); }
  };
  const onKeyUp = (e) => { if (e.code === "Space" && !typing(e)) { e.preventDefault(); e.stopPropagation(); } };  // no button "click" on space
  document.addEventListener("keydown", onKeyDown, true);
  document.addEventListener("keyup", onKeyUp, true);
  document.addEventListener("pointerdown", gesture, true);
  model.on("wav", loadCurrent);
  model.on("reference_wav", loadReference);
  model.on("reference_label", loadReference);
  model.on("sequence_id", playSequence);
  model.on("msg:custom", (msg) => {   // sent before the kick that replaces the sequence: that kick then plays
    if (msg.action === "stop_sequence") { sequenceToken += 1; if (sequencePlaying) stop(); }
  });
  model.on("remove", () => {
    document.removeEventListener("keydown", onKeyDown, true); document.removeEventListener("keyup", onKeyUp, true);
    document.removeEventListener("pointerdown", gesture, true); sequencePlaying = false; stop(); ctx.close();
  });
  loadCurrent(); loadReference();
}
