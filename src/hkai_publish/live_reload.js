// Added by `hkai-publish serve` to the pages it serves; never part of the published site.
// Reloads the page after each good build and shows a failed build's report over the page.
(() => {
  const servedBuild = BUILD_ID;
  const events = new EventSource(EVENTS_PATH);
  events.onmessage = (message) => {
    const status = JSON.parse(message.data);
    if (status.error) {
      showError(status.error);
    } else if (status.build !== servedBuild) {
      events.close();
      location.reload();
    }
  };

  function showError(report) {
    let overlay = document.getElementById("hkai-build-error");
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "hkai-build-error";
      overlay.setAttribute("role", "alert");
      overlay.lang = "en";
      overlay.style.cssText = "position:fixed;inset:auto 1rem 1rem 1rem;z-index:2147483647;max-height:60vh;" +
        "overflow:auto;background:#fff;color:#1b2430;border:3px solid #b3261e;border-radius:8px;" +
        "padding:1rem 1.25rem;box-shadow:0 8px 32px rgba(0,0,0,.35);font:14px/1.5 system-ui,sans-serif";
      const title = document.createElement("strong");
      title.textContent = "The build failed. This is the last good build; save a fix to rebuild.";
      const text = document.createElement("pre");
      text.style.cssText = "white-space:pre-wrap;margin:.5rem 0 0;font:13px/1.5 ui-monospace,monospace";
      overlay.append(title, text);
      document.body.append(overlay);
    }
    overlay.querySelector("pre").textContent = report;
  }
})();
