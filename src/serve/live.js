// shelf serve: reloads the page when a rebuild finishes. Served at /__shelf/live.js and added
// to every page by the development server only; built sites never contain it.
(() => {
  const script = document.currentScript;
  let generation = Number(script.dataset.generation);
  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  async function watch() {
    for (;;) {
      try {
        const response = await fetch(`/__shelf/poll?since=${generation}`, { cache: "no-store" });
        const status = await response.json();
        if (status.generation !== generation) {
          location.reload();
          return;
        }
      } catch (_) {
        // The server is restarting or gone: try again shortly.
        await pause(1000);
      }
    }
  }
  watch();
})();
