// WSIS Prizes voting challenge: find a nonce so that SHA-256(challenge ":" category ":" nonce) starts with
// `bits` zero bits (the same rule as wsis.engine.prizes.challenge). Without JavaScript the form is sent
// without a nonce and the server e-mails a one-time link instead.
(function () {
  "use strict";
  function zeroBits(bytes) {
    var bits = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { bits += 8; continue; }
      return bits + Math.clz32(bytes[i]) - 24;
    }
    return bits;
  }
  async function solve(challenge, category, bits) {
    var encoder = new TextEncoder();
    for (var nonce = 0; ; nonce++) {
      var digest = await crypto.subtle.digest("SHA-256", encoder.encode(challenge + ":" + category + ":" + nonce));
      if (zeroBits(new Uint8Array(digest)) >= bits) { return nonce; }
    }
  }
  var status = document.querySelector(".pow-status");
  document.querySelectorAll("form.pow").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var nonce = form.querySelector("input[name=nonce]");
      if (nonce.value || !window.crypto || !crypto.subtle) { return; }
      event.preventDefault();
      if (status) { status.textContent = "…"; }
      solve(form.querySelector("input[name=challenge]").value, form.dataset.category, Number(form.dataset.bits))
        .then(function (found) { nonce.value = String(found); form.submit(); });
    });
  });
})();
