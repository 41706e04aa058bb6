// Break reminders in an open tab.
//
// Every page of the app shows when the next break is. A quiet line warns a
// little before it (no sound), then the break rings: a short chime, and a
// notification through the service worker, tagged with the reminder so that a
// Web Push copy of the same reminder replaces it rather than doubling it.
// Clicking the notification (or "Start now") opens the player for that break;
// finishing the routine marks the break taken. The clock is the server's: the
// page measures its offset on every refresh.

import { csrfToken } from "./outbox.js";

const API = "/api/v1/reminders";
const REFRESH_MS = 60_000;
const RUNG_KEY = "backcare.reminders.rung.v1";

const box = document.querySelector("[data-reminders]");
const words = JSON.parse(document.getElementById("reminder-strings")?.textContent || "{}");

const state = { offsetMs: 0, warningS: 60, reminders: [], loaded: false, error: "" };
let registration = null;

function serverNow() {
  return Date.now() + state.offsetMs;
}

function fill(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, name) => String(values[name] ?? ""));
}

function clock(date) {
  return date.toLocaleTimeString(document.documentElement.lang || undefined, {
    hour: "2-digit",
    minute: "2-digit",
  });
}

function wait(ms) {
  const minutes = Math.round(ms / 60_000);
  if (ms < 60_000) return fill(words.seconds, { n: Math.max(1, Math.round(ms / 1000)) });
  if (minutes < 60) return fill(words.minutes, { n: minutes });
  return fill(words.hours, { h: Math.floor(minutes / 60), m: String(minutes % 60).padStart(2, "0") });
}

// ---- what has rung in this browser (so a reload does not ring again) -------------

function rung() {
  try {
    return JSON.parse(localStorage.getItem(RUNG_KEY) || "{}");
  } catch {
    return {};
  }
}

function markRung(reminder) {
  const all = rung();
  all[`${reminder.id}@${reminder.due_at}`] = Date.now();
  // Keep a day's worth.
  for (const [key, at] of Object.entries(all)) if (Date.now() - at > 86_400_000) delete all[key];
  localStorage.setItem(RUNG_KEY, JSON.stringify(all));
}

function hasRung(reminder) {
  return Boolean(rung()[`${reminder.id}@${reminder.due_at}`]);
}

// ---- talking to the server -----------------------------------------------------------

async function refresh() {
  const sent = Date.now();
  let response;
  try {
    response = await fetch(API, { credentials: "same-origin", headers: { Accept: "application/json" } });
  } catch {
    state.error = words.offline;
    render();
    return;
  }
  if (!response.ok) {
    state.error = response.status === 401 ? "" : words.offline;
    render();
    return;
  }
  const body = await response.json();
  const received = Date.now();
  // The server's "now" was read about halfway through the request.
  state.offsetMs = Date.parse(body.now) - (sent + received) / 2;
  state.warningS = body.warning_s;
  state.reminders = body.reminders;
  state.loaded = true;
  state.error = "";
  render();
}

async function act(reminder, action, minutes) {
  const response = await fetch(`${API}/${reminder.id}/${action}`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: action === "snooze" ? JSON.stringify({ minutes }) : "{}",
  });
  if (!response.ok) {
    let detail = words.failed;
    try {
      const body = await response.json();
      if (typeof body.detail === "string") detail = body.detail;
    } catch {
      // keep the general message
    }
    state.error = detail;
    render();
    return;
  }
  await closeNotification(reminder);
  await refresh();
  box.querySelector("[data-next]")?.focus();
}

// ---- ringing ------------------------------------------------------------------------------

function chime() {
  try {
    const audio = new AudioContext();
    const start = audio.currentTime;
    for (const [i, pitch] of [660, 880].entries()) {
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = pitch;
      gain.gain.setValueAtTime(0.0001, start + i * 0.25);
      gain.gain.exponentialRampToValueAtTime(0.2, start + i * 0.25 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.25 + 0.6);
      tone.connect(gain).connect(audio.destination);
      tone.start(start + i * 0.25);
      tone.stop(start + i * 0.25 + 0.65);
    }
    setTimeout(() => audio.close(), 1500);
  } catch {
    // No audio here: the notification and the banner still show.
  }
}

async function ring(reminder) {
  markRung(reminder);
  chime();
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  const options = {
    body: reminder.body,
    tag: `reminder-${reminder.id}`,
    data: { url: reminder.url, reminder: reminder.id },
    requireInteraction: true,
    silent: false,
  };
  try {
    if (registration) {
      await registration.showNotification(reminder.title, options);
    } else {
      const shown = new Notification(reminder.title, options);
      shown.onclick = () => window.location.assign(reminder.url);
    }
  } catch {
    // The banner on the page is enough.
  }
}

async function closeNotification(reminder) {
  if (!registration) return;
  const shown = await registration.getNotifications({ tag: `reminder-${reminder.id}` });
  for (const n of shown) n.close();
}

// ---- the line under the header -----------------------------------------------------------

function next() {
  return state.reminders.find((r) => ["planned", "sending", "sent"].includes(r.state));
}

function button(label, onClick, extra = {}) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  Object.assign(b.dataset, extra);
  b.addEventListener("click", onClick);
  return b;
}

function render() {
  if (!box) return;
  const reminder = next();
  const line = box.querySelector("[data-next]");
  const actions = box.querySelector("[data-actions]");
  const error = box.querySelector("[data-error]");
  error.textContent = state.error;
  actions.replaceChildren();
  box.hidden = false;
  if (!reminder) {
    line.textContent = state.loaded ? words.none : "";
    box.dataset.phase = "none";
    offerPermission(actions);
    return;
  }
  const due = new Date(reminder.due_at);
  const left = due.getTime() - serverNow();
  let phase = "later";
  if (left <= 0) phase = "due";
  else if (left <= state.warningS * 1000) phase = "warning";
  box.dataset.phase = phase;
  box.dataset.reminder = String(reminder.id);
  if (phase === "due") {
    line.textContent = fill(words.now, { title: reminder.title });
    if (!hasRung(reminder)) ring(reminder);
  } else if (phase === "warning") {
    line.textContent = fill(words.soon, { wait: wait(left) });
  } else {
    line.textContent = fill(words.next, { time: clock(due), wait: wait(left) });
  }
  if (phase !== "later") {
    const start = document.createElement("a");
    start.href = reminder.url;
    start.className = "button";
    start.textContent = words.start;
    start.dataset.start = "";
    actions.append(start);
    for (const minutes of [5, 10, 15]) {
      actions.append(button(fill(words.snooze, { n: minutes }), () => act(reminder, "snooze", minutes), { snooze: String(minutes) }));
    }
    actions.append(button(words.skip, () => act(reminder, "skip"), { skip: "" }));
  } else {
    const early = document.createElement("a");
    early.href = reminder.url;
    early.textContent = words.early;
    early.dataset.start = "";
    actions.append(early);
    offerPermission(actions);
  }
}

// ---- notifications and Web Push ----------------------------------------------------------

function offerPermission(actions) {
  if (!("Notification" in window) || Notification.permission !== "default") return;
  actions.append(button(words.enable, enableNotifications, { enable: "" }));
}

function base64UrlToBytes(text) {
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

async function enableNotifications() {
  const answer = await Notification.requestPermission();
  render();
  if (answer === "granted") await subscribePush();
}

async function subscribePush() {
  if (!registration || !("pushManager" in registration)) return;
  try {
    const { public_key } = await (await fetch("/api/v1/push/key", { credentials: "same-origin" })).json();
    const subscription =
      (await registration.pushManager.getSubscription()) ||
      (await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: base64UrlToBytes(public_key),
      }));
    await fetch("/api/v1/push/subscriptions", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(subscription.toJSON()),
    });
  } catch {
    // No push service reachable (offline installs, some browsers): the open tab still rings.
  }
}

async function start() {
  if (!box) return;
  // The next break shows at once; the service worker, which only the notifications
  // need, gets ready beside it (on a busy machine that can take seconds). A break
  // that rings before it is ready rings as a plain notification.
  const first = refresh();
  if ("serviceWorker" in navigator) {
    try {
      registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
      await navigator.serviceWorker.ready;
      registration = await navigator.serviceWorker.getRegistration("/");
      navigator.serviceWorker.addEventListener("message", (event) => {
        if (event.data?.type === "open" && event.data.url?.startsWith("/")) {
          window.location.assign(event.data.url);
        }
      });
      if ("Notification" in window && Notification.permission === "granted") subscribePush();
    } catch {
      registration = null; // plain http on another host: not a secure context
    }
  }
  await first;
  setInterval(render, 1000);
  setInterval(refresh, REFRESH_MS);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") refresh();
  });
}

start();
