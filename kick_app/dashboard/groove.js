// The groove: a one-bar loop (hats, clap or snare, a bass note in the kick's key) around the current kick, so a
// producer hears a kick in context, as in a DAW. Everything but the kick is synthesised here with Web Audio (no
// samples). A new kick given while the loop runs swaps in on the next downbeat, so kicks can be auditioned one
// after another (R) without the bar stumbling.
//
//   const groove = new GroovePlayer(ctx);
//   groove.setKick(audioBuffer, {keyHz: 43.7, id: "kick_F1_808_s123.wav"});
//   groove.start(); groove.setPattern("trap"); groove.setBpm(140); ... groove.stop();
//
// Scheduling uses the usual look-ahead clock: a timer every `tickMs` schedules every step that starts within the next
// `lookaheadS` seconds on the AudioContext's clock, so timing is sample-accurate whatever the main thread does.

export const STEPS_PER_BAR = 16;   // sixteenth notes

// Steps are sixteenths of the bar (0 = the downbeat). bass: [step, length in steps, semitones above the key];
// the bass plays the key folded into 55-110 Hz ("pluck"), the trap 808 into 40-80 Hz.
export const PATTERNS = {
  "four-on-the-floor": {bpm: 124, kick: [0, 4, 8, 12], hat: [0, 1, 3, 4, 5, 7, 8, 9, 11, 12, 13, 15], openHat: [2, 6, 10, 14],
                        clap: [4, 12], snare: [], bass: [[2, 1, 0], [6, 1, 0], [10, 1, 0], [14, 1, 12]], bassVoice: "pluck"},
  "hip-hop":           {bpm: 90, kick: [0, 7, 10], hat: [0, 2, 4, 6, 8, 10, 12, 14], openHat: [],
                        clap: [], snare: [4, 12], bass: [[0, 3, 0], [7, 2, 0], [10, 4, 3]], bassVoice: "pluck"},
  "trap":              {bpm: 140, kick: [0, 11], hat: [0, 2, 4, 6, 8, 10, 12, 13, 14, 15], openHat: [],
                        clap: [8], snare: [], bass: [[0, 8, 0], [11, 5, 0]], bassVoice: "808"},
};

const LEVELS = {kick: 1.0, hat: 0.12, openHat: 0.1, clap: 0.35, snare: 0.3, bass: 0.28, "808": 0.5};  // linear gains

export function foldHz(hz, low) {   // `hz` moved by octaves into [low, 2 * low)
  if (!(hz > 0)) return low;
  while (hz < low) hz *= 2;
  while (hz >= 2 * low) hz /= 2;
  return hz;
}

export class GroovePlayer {
  constructor(ctx, {destination = null, bpm = null, pattern = "four-on-the-floor", keyHz = 55, lookaheadS = 0.12,
                    tickMs = 25, maxEvents = 512} = {}) {
    if (!PATTERNS[pattern]) throw new Error(`unknown pattern ${pattern}: one of ${Object.keys(PATTERNS).join(", ")}`);
    this.ctx = ctx;
    this.out = ctx.createGain();
    this.out.connect(destination || ctx.destination);
    this.pattern = pattern;
    this.bpm = bpm || PATTERNS[pattern].bpm;
    this.keyHz = keyHz;
    this.kick = null; this.kickId = null; this.kickGain = 1;
    this.pending = null;          // {buffer, keyHz, id}: the kick that takes over on the next downbeat
    this.pendingPattern = null;
    this.lookaheadS = lookaheadS; this.tickMs = tickMs; this.maxEvents = maxEvents;
    this.playing = false; this.timer = null;
    this.events = [];             // what was scheduled: {voice, step, bar, time, kick} (the last `maxEvents`)
    this.bar = -1; this.nextStep = 0; this.nextTime = 0;
    this.nodes = [];              // sources scheduled and not yet finished (stopped by stop())
    this.onStep = null;           // optional callback(step, bar) as each step sounds
    this._noise = null;
  }

  get stepS() { return 60 / this.bpm / 4; }
  get barS() { return STEPS_PER_BAR * this.stepS; }

  // The kick on the kick steps: at once when the loop is stopped, else from the next downbeat on.
  setKick(buffer, {keyHz = null, id = null, gain = 1} = {}) {
    const next = {buffer, keyHz: keyHz > 0 ? keyHz : this.keyHz, id, gain};
    if (this.playing) this.pending = next; else this._takeKick(next);
  }
  setPattern(name) {
    if (!PATTERNS[name]) throw new Error(`unknown pattern ${name}: one of ${Object.keys(PATTERNS).join(", ")}`);
    if (this.playing) this.pendingPattern = name; else this.pattern = name;
  }
  setBpm(bpm) {
    if (!(bpm >= 40 && bpm <= 250)) throw new Error(`bpm must be within 40..250, got ${bpm}`);
    this.bpm = bpm;   // the next step already scheduled keeps its time; the ones after follow the new tempo
  }

  start(when = null) {
    if (this.playing) return;
    if (this.ctx.state === "suspended" && this.ctx.startRendering === undefined) this.ctx.resume();   // (not offline)
    this.playing = true; this.bar = -1; this.nextStep = 0;
    this.nextTime = this.startTime = when == null ? this.ctx.currentTime + 0.05 : when;   // the first downbeat, s
    this._tick();
    this.timer = setInterval(() => this._tick(), this.tickMs);
  }
  stop() {
    if (!this.playing) return;
    clearInterval(this.timer); this.timer = null; this.playing = false;
    this.nodes.forEach(n => { try { n.stop(); } catch (e) {} }); this.nodes = [];
    if (this.pending) { this._takeKick(this.pending); this.pending = null; }
    if (this.pendingPattern) { this.pattern = this.pendingPattern; this.pendingPattern = null; }
  }

  _takeKick(k) { this.kick = k.buffer; this.keyHz = k.keyHz; this.kickId = k.id; this.kickGain = k.gain; }

  _tick() {
    const horizon = this.ctx.currentTime + this.lookaheadS;
    while (this.playing && this.nextTime < horizon) {
      this._scheduleStep(this.nextStep, this.nextTime);
      this.nextTime += this.stepS;
      this.nextStep = (this.nextStep + 1) % STEPS_PER_BAR;
    }
    const now = this.ctx.currentTime;
    this.nodes = this.nodes.filter(n => n.endTime > now);
  }

  _scheduleStep(step, t) {
    if (step === 0) {   // the downbeat: a waiting kick or pattern takes over here
      this.bar += 1;
      if (this.pending) { this._takeKick(this.pending); this.pending = null; }
      if (this.pendingPattern) { this.pattern = this.pendingPattern; this.pendingPattern = null; }
    }
    const p = PATTERNS[this.pattern];
    if (p.kick.includes(step) && this.kick) { this._buffer(this.kick, t, LEVELS.kick * this.kickGain); this._log("kick", step, t); }
    if (p.hat.includes(step)) { this._hat(t, 0.045, LEVELS.hat); this._log("hat", step, t); }
    if (this.pattern === "trap" && step === 15) { this._hat(t + this.stepS / 2, 0.03, LEVELS.hat); }   // a roll into the bar
    if (p.openHat.includes(step)) { this._hat(t, 0.25, LEVELS.openHat); this._log("openHat", step, t); }
    if (p.clap.includes(step)) { this._clap(t); this._log("clap", step, t); }
    if (p.snare.includes(step)) { this._snare(t); this._log("snare", step, t); }
    for (const [s, length, semitones] of p.bass) {
      if (s !== step) continue;
      const hz = foldHz(this.keyHz, p.bassVoice === "808" ? 40 : 55) * 2 ** (semitones / 12);
      this._bass(t, length * this.stepS, hz, p.bassVoice); this._log("bass", step, t, {hz, lengthS: length * this.stepS});
    }
    if (this.onStep) {
      const delayMs = Math.max(0, (t - this.ctx.currentTime) * 1000);
      setTimeout(() => this.playing && this.onStep(step, this.bar), delayMs);
    }
  }

  _log(voice, step, time, extra = {}) {
    this.events.push({voice, step, bar: this.bar, time, kick: voice === "kick" ? this.kickId : null, ...extra});
    if (this.events.length > this.maxEvents) this.events.splice(0, this.events.length - this.maxEvents);
  }

  _track(node, end) { node.endTime = end; this.nodes.push(node); return node; }

  _envelope(t, peak, attackS, decayS) {   // a gain node: up to `peak` in attackS, exponentially down over decayS
    const g = this.ctx.createGain();
    g.gain.setValueAtTime(0.0001, t);
    g.gain.exponentialRampToValueAtTime(peak, t + attackS);
    g.gain.exponentialRampToValueAtTime(0.0001, t + attackS + decayS);
    g.connect(this.out);
    return g;
  }

  _buffer(buffer, t, gain) {
    const s = this.ctx.createBufferSource(); s.buffer = buffer;
    const g = this.ctx.createGain(); g.gain.value = gain;
    s.connect(g); g.connect(this.out); s.start(t);
    this._track(s, t + buffer.duration);
  }

  _noiseBuffer() {   // one second of white noise, made once
    if (!this._noise) {
      const n = this.ctx.sampleRate, b = this.ctx.createBuffer(1, n, n), d = b.getChannelData(0);
      let seed = 1;   // a fixed LCG: the same noise every time
      for (let i = 0; i < n; i++) { seed = (seed * 1664525 + 1013904223) >>> 0; d[i] = seed / 2 ** 31 - 1; }
      this._noise = b;
    }
    return this._noise;
  }

  _noiseHit(t, durS, filterType, hz, q, gainNode) {
    const s = this.ctx.createBufferSource(); s.buffer = this._noiseBuffer();
    const f = this.ctx.createBiquadFilter(); f.type = filterType; f.frequency.value = hz; f.Q.value = q;
    s.connect(f); f.connect(gainNode); s.start(t); s.stop(t + durS);
    this._track(s, t + durS);
  }

  _hat(t, decayS, level) { this._noiseHit(t, decayS + 0.02, "highpass", 7000, 0.7, this._envelope(t, level, 0.001, decayS)); }

  _clap(t) {   // three quick noise bursts and a short tail, band-passed
    [0, 0.011, 0.022].forEach(dt => this._noiseHit(t + dt, 0.02, "bandpass", 1200, 1.2, this._envelope(t + dt, LEVELS.clap, 0.001, 0.012)));
    this._noiseHit(t + 0.03, 0.2, "bandpass", 1200, 1.0, this._envelope(t + 0.03, LEVELS.clap * 0.6, 0.002, 0.15));
  }

  _snare(t) {   // a noise crack and a short tone
    this._noiseHit(t, 0.2, "highpass", 1500, 0.7, this._envelope(t, LEVELS.snare, 0.001, 0.16));
    const o = this.ctx.createOscillator(); o.type = "triangle"; o.frequency.setValueAtTime(190, t);
    o.connect(this._envelope(t, LEVELS.snare * 0.7, 0.001, 0.08)); o.start(t); o.stop(t + 0.1);
    this._track(o, t + 0.1);
  }

  _bass(t, durS, hz, voice) {
    const o = this.ctx.createOscillator();
    if (voice === "808") {   // a sine that rings the whole note, with a little pitch drop at its start
      o.type = "sine"; o.frequency.setValueAtTime(hz * 1.5, t); o.frequency.exponentialRampToValueAtTime(hz, t + 0.04);
      o.connect(this._envelope(t, LEVELS["808"], 0.005, durS)); o.start(t); o.stop(t + durS + 0.01);
    } else {                 // a plucked saw through a low-pass
      o.type = "sawtooth"; o.frequency.setValueAtTime(hz, t);
      const f = this.ctx.createBiquadFilter(); f.type = "lowpass"; f.frequency.setValueAtTime(900, t);
      f.frequency.exponentialRampToValueAtTime(180, t + durS);
      o.connect(f); f.connect(this._envelope(t, LEVELS.bass, 0.004, durS * 0.9)); o.start(t); o.stop(t + durS);
    }
    this._track(o, t + durS + 0.01);
  }
}
