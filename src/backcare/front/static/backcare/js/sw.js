// The service worker: shows break reminders that arrive by Web Push while no
// tab is open, and opens the player when a reminder's notification is clicked.
// It caches nothing and handles no fetches.

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("push", (event) => {
  let data;
  try {
    data = event.data.json();
  } catch {
    return;
  }
  event.waitUntil(
    self.registration.showNotification(data.title, {
      body: data.body,
      tag: data.tag,
      data: { url: data.url, reminder: data.reminder },
      requireInteraction: true,
      silent: false,
    }),
  );
});

async function openPlayer(url) {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const own = windows.find((w) => new URL(w.url).origin === self.location.origin);
  if (own) {
    // The page navigates itself: works whether or not this worker controls it.
    own.postMessage({ type: "open", url });
    if ("focus" in own) await own.focus().catch(() => {});
    return;
  }
  await self.clients.openWindow(url);
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = event.notification.data?.url;
  if (typeof url !== "string" || !url.startsWith("/")) return;
  const opened = openPlayer(url);
  // Only an event the browser dispatched can be extended; one dispatched by
  // a test or the developer tools just runs.
  if (event.isTrusted) event.waitUntil(opened);
});
