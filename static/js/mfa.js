// Passkeys and security keys (allauth.mfa's webauthn.js): when the browser or the key
// refuses (cancelled, timed out, not registered here), allauth fires `allauth.error`;
// say so on the page, in the words the template gave, instead of only in the console.
(function () {
  "use strict";

  document.addEventListener("allauth.error", function (event) {
    const box = document.getElementById("mfa-webauthn-error");
    if (!box) {
      return;
    }
    event.preventDefault();
    box.textContent = box.dataset.message;
    box.classList.remove("d-none");
    box.focus();
  });
})();
