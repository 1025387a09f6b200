// Follows a background registry import: polls its status every two seconds, updates the progress bar and
// reloads the page (which then shows the report) once the import has finished. Without JavaScript the
// page's "Check again" link does the same by hand.
(function () {
  "use strict";
  var box = document.getElementById("bulk-import");
  if (!box || box.getAttribute("data-finished") === "1") return;
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("bulk-import-progress");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (state) {
        if (state.finished) { window.location.reload(); return; }
        if (bar && state.total > 0) { bar.max = state.total; bar.value = state.done; bar.textContent = state.done + "/" + state.total; }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
