// Tauri's IPC bridge (`window.__TAURI_INTERNALS__`, which Tauri sets before any page script
// runs), talked to the way Tauri's own JS API does; the app does not load that API bundle
// (`withGlobalTauri` is off), so the window starts sooner. The bridge is looked up at call time,
// not at module load. Only api.js and its parts (api-*.js) import this.

function bridge() {
  const t = window.__TAURI_INTERNALS__;
  if (!t || typeof t.invoke !== "function") {
    throw { kind: "no-backend", message: "The Tidings backend is not available." };
  }
  return t;
}

export function invoke(command, args) {
  try {
    return bridge().invoke(command, args);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Calls `handler(event)` for each `event` emitted to this window (as Tauri's `listen`). */
export function listen(event, handler) {
  try {
    const t = bridge();
    return t.invoke("plugin:event|listen", {
      event,
      target: { kind: "Any" },
      handler: t.transformCallback(handler),
    });
  } catch (error) {
    return Promise.reject(error);
  }
}
