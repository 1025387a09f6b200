// Optional interactive charts. Every chart is already on the page as server-rendered SVG; this small
// script only reveals the "Interactive version" buttons and, when a reader presses one, loads Vega,
// Vega-Lite and vega-embed from our own static files (never a CDN; never on page view) and redraws the
// same chart, with tooltips, from the spec the page carries in <script type="application/json">.
(function () {
  "use strict";
  if (window.wsisCharts) { return; }  // the partial includes this script once per interactive chart
  window.wsisCharts = true;
  var libraries = null;

  function load(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(script);
    });
  }

  function loadLibraries(button) {
    // In order: vega-lite and vega-embed expect the globals of the scripts before them.
    if (!libraries) {
      libraries = load(button.dataset.vega)
        .then(function () { return load(button.dataset.vegaLite); })
        .then(function () { return load(button.dataset.vegaEmbed); });
      libraries.catch(function () { libraries = null; });
    }
    return libraries;
  }

  function open(button) {
    var figure = document.getElementById(button.dataset.chart);
    var options = JSON.parse(document.getElementById(button.dataset.chart + "-spec").textContent);
    var target = figure.querySelector(".chart-image");
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    loadLibraries(button)
      .then(function () {
        return window.vegaEmbed(target, options.spec, {
          renderer: "svg",
          actions: false,
          // The Content-Security-Policy allows no eval and no inline style: Vega's expression
          // interpreter instead of generated functions, and no injected <style> elements (the
          // tooltip's rules are in site.css).
          ast: true,
          defaultStyle: false,
          tooltip: { disableDefaultStyle: true },
          formatLocale: options.formatLocale,
          timeFormatLocale: options.timeFormatLocale
        });
      })
      .then(function () {
        figure.classList.add("chart-live");
        button.hidden = true;
        // Keyboard and screen reader users land on the chart that replaced the button's target.
        target.tabIndex = -1;
        target.focus();
      })
      .catch(function () {
        button.disabled = false;
        button.removeAttribute("aria-busy");
      });
  }

  function start() {
    document.querySelectorAll("button[data-chart]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { open(button); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
