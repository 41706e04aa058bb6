// Music for a dance break, made in the browser with Web Audio: a kick and a
// hi-hat on the beat and a simple pentatonic tune over it, at the routine's
// tempo. Nothing is downloaded, so there is nothing to license. It plays
// while the routine runs and stops when it pauses or ends; a volume slider
// and an off switch sit beside it.

const root = document.getElementById("player");
const bpm = Number(root.dataset.tempo) || 112;
const toggle = root.querySelector("[data-music-on]");
const slider = root.querySelector("[data-music-volume]");

// A tune of two bars over the major pentatonic, repeated with a variation.
const SCALE = [0, 2, 4, 7, 9, 12, 14, 16];
const TUNE = [0, 2, 4, 2, 5, 4, 2, null, 3, 4, 5, 7, 5, 4, 2, null];
const ROOT_HZ = 220 * 2 ** (3 / 12); // C

let audio = null;
let master = null;
let timer = null;
let nextBeat = 0;
let step = 0;

function volume() {
  return toggle.checked ? Number(slider.value) / 100 : 0;
}

function kick(at) {
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.frequency.setValueAtTime(120, at);
  osc.frequency.exponentialRampToValueAtTime(45, at + 0.15);
  gain.gain.setValueAtTime(0.9, at);
  gain.gain.exponentialRampToValueAtTime(0.001, at + 0.2);
  osc.connect(gain).connect(master);
  osc.start(at);
  osc.stop(at + 0.22);
}

function hat(at) {
  const length = Math.floor(audio.sampleRate * 0.05);
  const buffer = audio.createBuffer(1, length, audio.sampleRate);
  const data = buffer.getChannelData(0);
  for (let i = 0; i < length; i += 1) data[i] = (Math.random() * 2 - 1) * (1 - i / length);
  const noise = audio.createBufferSource();
  const filter = audio.createBiquadFilter();
  const gain = audio.createGain();
  noise.buffer = buffer;
  filter.type = "highpass";
  filter.frequency.value = 6000;
  gain.gain.value = 0.25;
  noise.connect(filter).connect(gain).connect(master);
  noise.start(at);
}

function note(at, degree, length) {
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.type = "triangle";
  osc.frequency.value = ROOT_HZ * 2 ** (SCALE[degree % SCALE.length] / 12);
  gain.gain.setValueAtTime(0.0001, at);
  gain.gain.exponentialRampToValueAtTime(0.3, at + 0.02);
  gain.gain.exponentialRampToValueAtTime(0.0001, at + length);
  osc.connect(gain).connect(master);
  osc.start(at);
  osc.stop(at + length + 0.05);
}

// Schedules a little ahead of the audio clock, so timers that run late never
// make the beat stumble.
function plan() {
  const beat = 60 / bpm;
  while (nextBeat < audio.currentTime + 0.3) {
    kick(nextBeat);
    hat(nextBeat + beat / 2);
    const degree = TUNE[step % TUNE.length];
    if (degree !== null) note(nextBeat, degree + (Math.floor(step / 16) % 2 ? 1 : 0), beat * 0.9);
    nextBeat += beat;
    step += 1;
  }
}

function play() {
  if (!audio) {
    audio = new AudioContext();
    master = audio.createGain();
    master.connect(audio.destination);
  }
  audio.resume();
  master.gain.value = volume() * 0.6;
  nextBeat = audio.currentTime + 0.05;
  if (!timer) timer = setInterval(plan, 100);
  root.dataset.music = "playing";
}

function stop() {
  if (timer) clearInterval(timer);
  timer = null;
  audio?.suspend();
  root.dataset.music = "stopped";
}

let running = false;
document.addEventListener("backcare:running", (event) => {
  running = event.detail.running;
  if (running && volume() > 0) play();
  else stop();
});
for (const input of [toggle, slider]) {
  input.addEventListener("input", () => {
    if (master) master.gain.value = volume() * 0.6;
    if (volume() === 0) stop();
    else if (running && !timer) play();
  });
}
