// The map's year slider, progressively enhanced. Without JavaScript the years are plain links to the
// page of each year (?year=); this script adds a range input and a play button, and moves through the
// years by fetching each year's page (same origin, cached by the server) and swapping in its map,
// caption and description - the drawing of each year is an image at its own URL. No inline script:
// the page loads this file, which the Content-Security-Policy allows ('self').
(function () {
  "use strict";
  var nav = document.querySelector("nav.map-years");
  var figure = document.querySelector("#map-heading ~ figure.chart");
  if (!nav || !figure || !window.fetch || !window.DOMParser) { return; }
  var links = Array.prototype.slice.call(nav.querySelectorAll("a"));
  var years = links.map(function (a) { return a.textContent.trim(); });
  var at = links.findIndex(function (a) { return a.getAttribute("aria-current") === "page"; });
  if (at < 0) { at = years.length - 1; }
  var pages = {};
  var timer = null;

  var label = document.createElement("label");
  var slider = document.createElement("input");
  slider.type = "range";
  slider.min = "0";
  slider.max = String(years.length - 1);
  slider.value = String(at);
  slider.id = "map-year-slider";
  label.htmlFor = slider.id;
  label.textContent = nav.dataset.slider + " ";
  var output = document.createElement("output");
  output.htmlFor = slider.id;
  output.textContent = years[at];
  var play = document.createElement("button");
  play.type = "button";
  play.textContent = nav.dataset.play;
  var controls = document.createElement("p");
  controls.className = "map-years-controls";
  controls.append(label, slider, " ", output, " ", play);
  nav.after(controls);

  function page(index) {
    var url = links[index].href;
    if (!pages[url]) {
      pages[url] = fetch(url, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
        .then(function (html) { return new DOMParser().parseFromString(html, "text/html"); });
      pages[url].catch(function () { delete pages[url]; });
    }
    return pages[url];
  }

  function show(index) {
    return page(index).then(function (doc) {
      var other = doc.querySelector("#map-heading ~ figure.chart");
      if (!other) { return; }
      ["figcaption", ".chart-image", ".chart-description"].forEach(function (part) {
        var mine = figure.querySelector(part);
        var theirs = other.querySelector(part);
        if (mine && theirs) { mine.replaceWith(document.importNode(theirs, true)); }
      });
      at = index;
      slider.value = String(index);
      output.textContent = years[index];
      links.forEach(function (a, i) {
        if (i === index) { a.setAttribute("aria-current", "page"); } else { a.removeAttribute("aria-current"); }
      });
      page(Math.min(index + 1, years.length - 1));  // the next frame, fetched ahead
    });
  }

  function stop() {
    clearInterval(timer);
    timer = null;
    play.textContent = nav.dataset.play;
  }

  slider.addEventListener("input", function () { stop(); show(Number(slider.value)); });
  play.addEventListener("click", function () {
    if (timer) { stop(); return; }
    play.textContent = nav.dataset.pause;
    if (at >= years.length - 1) { at = -1; }
    timer = setInterval(function () {
      if (at >= years.length - 1) { stop(); return; }
      show(at + 1).catch(stop);
    }, 1200);
  });
})();
