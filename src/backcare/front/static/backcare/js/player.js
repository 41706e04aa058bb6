// The guided player. It runs entirely in the page from the routine's JSON,
// so a server restart mid-routine changes nothing for the person moving;
// the result goes through the outbox, which saves it when the server answers.

import * as outbox from "./outbox.js";

const TICK_MS = 200;
const VOICE_PREF = "backcare.voice";

const root = document.getElementById("player");
const routine = JSON.parse(document.getElementById("routine-data").textContent);
const figureAlts = JSON.parse(document.getElementById("figure-alts").textContent);
const words = JSON.parse(document.getElementById("player-strings").textContent);
const fill = (text, values) => text.replace(/%\((\w+)\)s/g, (_, name) => values[name]);
const steps = routine.steps;
const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

const $ = (selector) => root.querySelector(selector);
const views = Object.fromEntries(
  [...root.querySelectorAll("[data-view]")].map((el) => [el.dataset.view, el]),
);

const stepSeconds = (step) => (step.duration_s ?? step.reps * step.rep_s);
const totalSeconds = steps.reduce((sum, step) => sum + stepSeconds(step), 0);

const state = {
  view: "intro",
  index: 0,
  stepElapsedMs: 0,
  activeMs: 0,
  running: false,
  lastTick: 0,
  startedAt: null,
  furthestStep: 0,
  key: null,
  breathPhase: null,
};

// ---- showing things -------------------------------------------------------

function show(view) {
  state.view = view;
  for (const [name, el] of Object.entries(views)) el.hidden = name !== view;
}

function formatClock(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function breathAt(breathing, elapsedS) {
  const cycle = breathing.in_s + breathing.hold_s + breathing.out_s;
  const t = elapsedS % cycle;
  if (t < breathing.in_s) return { phase: "in", label: words.in, left: breathing.in_s - t };
  if (t < breathing.in_s + breathing.hold_s) {
    return { phase: "hold", label: words.hold, left: breathing.in_s + breathing.hold_s - t };
  }
  return { phase: "out", label: words.out, left: cycle - t };
}

function sideLabel(step) {
  return step.side === "both" ? "" : ` (${words[step.side]})`;
}

function showFigure(step) {
  // The right side of a sided step is the same figure, mirrored.
  const url = root.dataset.figureUrl.replace("POSE", step.pose);
  const side = step.side === "right" ? "side=right" : "";
  $("[data-figure-img]").src = side ? `${url}?${side}` : url;
  $("[data-figure-img]").alt = figureAlts[step.pose] || "";
  $("[data-figure-still]").srcset = `${url}?still=1${side ? `&${side}` : ""}`;
}

function renderStep() {
  const step = steps[state.index];
  showFigure(step);
  $("[data-step-number]").textContent = fill(words.step, {
    number: state.index + 1,
    total: steps.length,
  });
  $("[data-step-title]").textContent = step.title + sideLabel(step);
  $("[data-step-text]").textContent = step.text;
  $("[data-pacer]").hidden = !step.breathing;
  state.breathPhase = null;
  renderClock();
}

function renderClock() {
  const step = steps[state.index];
  const elapsedS = state.stepElapsedMs / 1000;
  const total = stepSeconds(step);
  const timer = $("[data-timer]");
  if (step.reps) {
    const rep = Math.min(step.reps, Math.floor(elapsedS / step.rep_s) + 1);
    timer.textContent = fill(words.reps, { rep, reps: step.reps });
    timer.dataset.kind = "reps";
  } else {
    timer.textContent = formatClock(total - elapsedS);
    timer.dataset.kind = "time";
  }
  $("[data-step-progress]").value = Math.min(1, elapsedS / total);
  const before = steps.slice(0, state.index).reduce((sum, s) => sum + stepSeconds(s), 0);
  $("[data-overall]").value = Math.min(totalSeconds, before + elapsedS);

  if (step.breathing) {
    const breath = breathAt(step.breathing, elapsedS);
    $("[data-pacer-label]").textContent = `${breath.label} · ${Math.ceil(breath.left)}`;
    if (breath.phase !== state.breathPhase) {
      state.breathPhase = breath.phase;
      const circle = $("[data-pacer-circle]");
      const phaseSeconds = { in: step.breathing.in_s, hold: step.breathing.hold_s, out: step.breathing.out_s };
      circle.style.setProperty("--phase-s", `${reducedMotion.matches ? 0 : breath.left}s`);
      circle.dataset.phase = breath.phase;
      if (phaseSeconds[breath.phase] > 0) speak(breath.label, true);
    }
  }
}

// ---- voice, wake lock -------------------------------------------------------

const voiceToggles = [...root.querySelectorAll("[data-voice-toggle]")];
let voiceOn = localStorage.getItem(VOICE_PREF) === "on";
for (const toggle of voiceToggles) {
  toggle.checked = voiceOn;
  toggle.disabled = !("speechSynthesis" in window);
  toggle.addEventListener("change", () => {
    voiceOn = toggle.checked;
    for (const other of voiceToggles) other.checked = voiceOn;
    localStorage.setItem(VOICE_PREF, voiceOn ? "on" : "off");
    if (!voiceOn) window.speechSynthesis?.cancel();
  });
}

function speak(text, short = false) {
  if (!voiceOn || !("speechSynthesis" in window)) return;
  // A short breathing cue never cuts off the step's instructions.
  if (short && window.speechSynthesis.speaking) return;
  if (!short) window.speechSynthesis.cancel();
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = document.documentElement.lang || "en";
  utterance.rate = 0.95;
  window.speechSynthesis.speak(utterance);
}

let wakeLock = null;
async function holdScreenOn(on) {
  try {
    if (on && !wakeLock && "wakeLock" in navigator && document.visibilityState === "visible") {
      wakeLock = await navigator.wakeLock.request("screen");
      wakeLock.addEventListener("release", () => { wakeLock = null; });
    } else if (!on && wakeLock) {
      await wakeLock.release();
      wakeLock = null;
    }
  } catch {
    // Refused (battery saver, no permission): the routine works without it.
    wakeLock = null;
  }
}
document.addEventListener("visibilitychange", () => {
  if (state.running) holdScreenOn(true);
});

// ---- the clock ----------------------------------------------------------------

function tick() {
  if (!state.running) return;
  const now = performance.now();
  const delta = now - state.lastTick;
  state.lastTick = now;
  state.stepElapsedMs += delta;
  state.activeMs += delta;
  if (state.stepElapsedMs >= stepSeconds(steps[state.index]) * 1000) {
    goTo(state.index + 1);
  } else {
    renderClock();
  }
}

function goTo(index) {
  if (index >= steps.length) {
    state.furthestStep = steps.length;
    finish(true);
    return;
  }
  state.index = Math.max(0, index);
  state.furthestStep = Math.max(state.furthestStep, state.index);
  state.stepElapsedMs = 0;
  renderStep();
  const step = steps[state.index];
  speak(`${step.title}${sideLabel(step)}. ${step.text}`);
}

function setRunning(running) {
  state.running = running;
  state.lastTick = performance.now();
  const button = $("[data-action=pause]");
  button.textContent = running ? words.pause : words.resume;
  button.setAttribute("aria-pressed", String(!running));
  $("[data-paused-note]").hidden = running;
  root.classList.toggle("is-paused", !running);
  holdScreenOn(running);
  if (!running) window.speechSynthesis?.cancel();
  document.dispatchEvent(new CustomEvent("backcare:running", { detail: { running } }));
}

setInterval(tick, TICK_MS);

function start() {
  if (state.view === "running") return;
  // When it started, on a clock no page script can change (the team break test reads it).
  root.dataset.startedAt = String(performance.timeOrigin + performance.now());
  state.key = outbox.newKey();
  state.startedAt = new Date();
  state.activeMs = 0;
  state.furthestStep = 0;
  show("running");
  root.focus();
  setRunning(true);
  goTo(0);
}

// ---- the end -------------------------------------------------------------------

function finish(completed) {
  setRunning(false);
  const result = {
    idempotency_key: state.key,
    routine: routine.id,
    source: "web",
    started_at: state.startedAt.toISOString(),
    ended_at: new Date().toISOString(),
    active_s: Math.round(state.activeMs / 1000),
    steps_completed: completed ? steps.length : state.furthestStep,
    completed,
  };
  // Started from a break reminder: finishing the routine answers it.
  const reminder = Number(new URLSearchParams(window.location.search).get("reminder"));
  if (Number.isInteger(reminder) && reminder > 0) result.reminder = reminder;
  // Queued before the feedback form, so closing the tab now loses nothing.
  outbox.put(result, { ready: false });
  speak(words.done);
  show("feedback");
  $("[data-feedback-heading]").focus();
}

function sendWithFeedback(patch) {
  outbox.update(state.key, patch);
  show("done");
  $("[data-done-heading]").focus();
  outbox.flush();
}

views.feedback.addEventListener("submit", (event) => {
  event.preventDefault();
  const form = views.feedback;
  const feeling = form.elements.feeling.value || null;
  const raw = form.elements.pain.value.trim();
  const error = $("[data-pain-error]");
  let pain = null;
  if (raw !== "") {
    pain = Number(raw);
    if (!Number.isInteger(pain) || pain < 0 || pain > 10) {
      error.textContent = words.painError;
      error.hidden = false;
      form.elements.pain.setAttribute("aria-invalid", "true");
      form.elements.pain.focus();
      return;
    }
  }
  error.hidden = true;
  form.elements.pain.removeAttribute("aria-invalid");
  const newSymptoms = form.elements.new_symptoms.checked;
  $("[data-rescreen-note]").hidden = !newSymptoms;
  sendWithFeedback({ feeling, pain, new_symptoms: newSymptoms });
});

for (const radio of views.feedback.querySelectorAll("input[name=feeling]")) {
  radio.addEventListener("change", () => {
    $("[data-worse-note]").hidden = radio.value !== "worse" || !radio.checked;
  });
}

document.addEventListener("backcare:outbox", (event) => {
  const { key, status } = event.detail;
  if (key !== state.key) return;
  const line = $("[data-save-status]");
  if (status === "saved") {
    line.textContent = words.saved;
    line.dataset.state = "saved";
  } else if (status === "retrying") {
    line.textContent = words.retrying;
    line.dataset.state = "retrying";
  } else if (status === "rejected") {
    line.textContent = fill(words.rejected, { reason: event.detail.rejected });
    line.dataset.state = "rejected";
  }
});

// ---- controls ------------------------------------------------------------------

function togglePause() {
  if (state.view === "running") setRunning(!state.running);
}

const actions = {
  start,
  pause: togglePause,
  next: () => goTo(state.index + 1),
  back: () => goTo(state.index - 1),
  stop: () => finish(false),
  "skip-feedback": () => sendWithFeedback({}),
};

root.addEventListener("click", (event) => {
  const button = event.target.closest("[data-action]");
  if (button && actions[button.dataset.action]) actions[button.dataset.action]();
});

document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  const target = event.target;
  const typing = target.closest?.("input, textarea, select");
  const onButton = target.closest?.("button, a, summary");
  if (state.view === "running" && !typing) {
    // A focused button already answers Space itself.
    if (event.key === " " && !onButton) {
      event.preventDefault();
      togglePause();
    } else if (event.key === "ArrowRight") {
      event.preventDefault();
      actions.next();
    } else if (event.key === "ArrowLeft") {
      event.preventDefault();
      actions.back();
    }
  } else if (state.view === "intro" && event.key === " " && !typing && !onButton) {
    event.preventDefault();
    start();
  }
});

// A team break starts the routine at the agreed moment (teambreak.js).
document.addEventListener("backcare:start", () => start());

show("intro");
// Every handler is in place: a key pressed before this (the page showed the
// focused Start button first) did nothing. Tests wait for this mark.
root.dataset.ready = "true";
