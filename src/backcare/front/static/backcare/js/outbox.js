// Results waiting to be saved. A finished routine goes here first, so it
// survives a server restart, a lost connection or a closed tab: every page
// of the app sends what is waiting, with growing pauses between tries. The
// idempotency key makes a repeated send harmless: one record, never two.
// Each result remembers who it belongs to and is only sent while that person
// is signed in, so on a shared browser nobody's result lands in another account.

const STORE_KEY = "backcare.outbox.v1";
const SESSIONS_URL = "/api/v1/sessions";
const MAX_DELAY_MS = 30_000;
// A result whose feedback form was left unanswered is sent without it.
const ABANDONED_AFTER_MS = 10 * 60_000;

function read() {
  try {
    return JSON.parse(localStorage.getItem(STORE_KEY) || "{}");
  } catch {
    return {};
  }
}

function write(entries) {
  localStorage.setItem(STORE_KEY, JSON.stringify(entries));
}

function announce(key, status, extra = {}) {
  document.dispatchEvent(
    new CustomEvent("backcare:outbox", { detail: { key, status, ...extra } }),
  );
}

export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // Plain-HTTP pages on another host are not a secure context: build a v4 UUID.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function currentUser() {
  return document.body?.dataset.userId || null;
}

export function put(result, { ready }) {
  const entries = read();
  entries[result.idempotency_key] = {
    result,
    ready,
    owner: currentUser(),
    queuedAt: Date.now(),
    attempts: 0,
  };
  write(entries);
}

export function update(key, patch) {
  const entries = read();
  if (!entries[key]) return;
  Object.assign(entries[key].result, patch);
  entries[key].ready = true;
  write(entries);
}

export function pending() {
  return Object.keys(read()).length;
}

let timer = null;
let sending = false;
let again = false;

async function sendOne(key, entry) {
  let response;
  try {
    response = await fetch(SESSIONS_URL, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
      body: JSON.stringify(entry.result),
    });
  } catch {
    return "retry";
  }
  if (response.ok) return "saved";
  // Signed out, rate-limited or a server in trouble: keep it and try later.
  if ([401, 403, 408, 429].includes(response.status) || response.status >= 500) {
    return "retry";
  }
  let detail = `The server refused it (${response.status}).`;
  try {
    const body = await response.json();
    if (Array.isArray(body.detail)) {
      detail = body.detail.map((e) => `${e.loc.at(-1)}: ${e.msg}`).join("; ");
    }
  } catch {
    // The status line says enough.
  }
  return { rejected: detail };
}

export async function flush() {
  if (sending) {
    again = true;
    return;
  }
  sending = true;
  again = false;
  clearTimeout(timer);
  let nextDelay = null;
  try {
    const now = Date.now();
    const user = currentUser();
    for (const [key, entry] of Object.entries(read())) {
      if (!user || entry.owner !== user) continue;
      if (!entry.ready && now - entry.queuedAt < ABANDONED_AFTER_MS) continue;
      announce(key, "sending");
      const outcome = await sendOne(key, entry);
      const entries = read();
      if (outcome === "saved" || outcome.rejected) {
        delete entries[key];
        write(entries);
        announce(key, outcome === "saved" ? "saved" : "rejected", outcome);
        continue;
      }
      const stored = entries[key];
      if (!stored) continue;
      stored.attempts += 1;
      write(entries);
      // 1 s, 2 s, 4 s … up to 30 s, with jitter so many tabs don't stampede.
      const delay = Math.min(MAX_DELAY_MS, 1000 * 2 ** (stored.attempts - 1));
      const jittered = delay * (0.8 + Math.random() * 0.4);
      nextDelay = nextDelay === null ? jittered : Math.min(nextDelay, jittered);
      announce(key, "retrying", { attempts: stored.attempts, delayMs: jittered });
    }
  } finally {
    sending = false;
  }
  if (again) flush();
  else if (nextDelay !== null) timer = setTimeout(flush, nextDelay);
}

window.addEventListener("online", flush);
flush();
