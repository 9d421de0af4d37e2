// Newsroom admin: renders the story body as it is typed, through the same
// Markdown and sanitising path as a save (the server answers with safe HTML).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const body = document.getElementById("id_body");
  const preview = document.querySelector(".body-preview[data-url]");
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (!body || !preview || !token) return;
  let timer = null;
  let latest = 0;
  const refresh = async () => {
    const request = ++latest;
    const data = new FormData();
    data.append("body", body.value);
    try {
      const response = await fetch(preview.dataset.url, {
        method: "POST",
        body: data,
        headers: {"X-CSRFToken": token.value},
        credentials: "same-origin",
      });
      // An older answer arriving late must not replace a newer one.
      if (response.ok && request === latest) preview.innerHTML = await response.text();
    } catch (error) {
      // Offline or server away: the last preview stays; saving still works.
    }
  };
  body.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
  // A refused form comes back with the text as typed, and the preview of
  // the text as saved: show the typed one.
  if (document.querySelector(".errornote")) refresh();
});
