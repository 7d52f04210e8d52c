// The admin's Markdown preview: re-render through the server (the same sanitiser as the
// lesson page) a moment after the author stops typing. Works for inline forms added later.
(function () {
  "use strict";
  const timers = new WeakMap();

  function csrfToken() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  async function refresh(textarea) {
    const editor = textarea.closest(".markdown-editor");
    const preview = editor && editor.querySelector(".markdown-preview");
    if (!preview) return;
    const body = new URLSearchParams({ text: textarea.value });
    const response = await fetch(editor.dataset.previewUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken() },
      body: body,
      credentials: "same-origin",
    });
    if (response.ok) preview.innerHTML = await response.text();
  }

  document.addEventListener("input", function (event) {
    const textarea = event.target;
    if (!(textarea instanceof HTMLTextAreaElement) || !textarea.closest(".markdown-editor")) return;
    clearTimeout(timers.get(textarea));
    timers.set(textarea, setTimeout(() => refresh(textarea), 300));
  });
})();
