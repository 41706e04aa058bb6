// A team break: every member's page starts the routine at the same moment.
//
// No socket server: each page learns how far its clock is from the server's
// (a few round trips to /api/v1/time, keeping the one with the shortest
// round trip, whose midpoint is closest to when the server read its clock),
// then sets a timer for the agreed start on the server's clock. Pages on
// clocks that are seconds apart still start within a few tens of
// milliseconds of each other. The page joins the break and shows how many
// have joined, and the names of those who chose to show them.

import { csrfToken } from "./outbox.js";

const root = document.getElementById("player");
const words = JSON.parse(document.getElementById("team-strings").textContent);
const startAt = Date.parse(root.dataset.startAt);
const occurrence = root.dataset.occurrence;
const countdown = root.querySelector("[data-team-countdown]");
const count = root.querySelector("[data-team-count]");
const fill = (text, values) => text.replace(/%\((\w+)\)s/g, (_, name) => String(values[name]));

let offsetMs = 0; // server clock minus this page's clock
let started = false;

async function measureOffset(samples = 5) {
  let best = null;
  for (let i = 0; i < samples; i += 1) {
    const sent = Date.now();
    try {
      const response = await fetch("/api/v1/time", { credentials: "same-origin", cache: "no-store" });
      const body = await response.json();
      const received = Date.now();
      const rtt = received - sent;
      const offset = Date.parse(body.now) - (sent + rtt / 2);
      if (best === null || rtt < best.rtt) best = { rtt, offset };
    } catch {
      // try the next sample
    }
  }
  if (best !== null) offsetMs = best.offset;
  root.dataset.clockOffset = String(Math.round(offsetMs));
}

function serverNow() {
  return Date.now() + offsetMs;
}

function begin() {
  if (started) return;
  started = true;
  countdown.textContent = words.started;
  document.dispatchEvent(new CustomEvent("backcare:start"));
}

function schedule() {
  const wait = startAt - serverNow();
  if (wait <= 0) {
    if (wait < -2000) countdown.textContent = fill(words.late, { s: Math.round(-wait / 1000) });
    begin();
    return;
  }
  // Count down on the second, then one precise timer for the start itself.
  countdown.textContent = fill(words.startsIn, { s: Math.ceil(wait / 1000) });
  if (wait > 1500) {
    setTimeout(schedule, Math.min(1000, wait - 1000));
  } else {
    setTimeout(begin, wait);
  }
}

async function join() {
  try {
    await fetch(`/api/v1/team-breaks/${occurrence}/join`, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
    });
  } catch {
    // The count will miss this page; the routine still runs.
  }
}

async function refreshCount() {
  try {
    const response = await fetch(`/api/v1/team-breaks/${occurrence}`, { credentials: "same-origin" });
    if (!response.ok) return;
    const body = await response.json();
    let text = fill(words.joined, { n: body.joined });
    if (body.names.length) text += ` ${fill(words.names, { names: body.names.join(", ") })}`;
    count.textContent = text;
    count.dataset.joined = String(body.joined);
  } catch {
    // keep the last count
  }
}

await measureOffset();
schedule();
await join();
await refreshCount();
setInterval(refreshCount, 3000);
// Clocks drift and laptops sleep: measure again now and then before the start.
setInterval(async () => {
  if (!started) await measureOffset(3);
}, 30_000);
