// Starts Swagger UI (vendored from swagger-ui-dist) on the API description named in the page's settings.
// A file of its own rather than an inline script, so the page works under a strict Content-Security-Policy.
(function () {
  var settings = JSON.parse(document.getElementById("swagger-settings").textContent);
  settings.dom_id = "#swagger-ui";
  settings.presets = [SwaggerUIBundle.presets.apis];
  SwaggerUIBundle(settings);
})();
