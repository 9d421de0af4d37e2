// Newsroom admin: nothing typed is lost (articles.keeping).
// - The story's text is kept 5 s after the last key: on the server (an
//   autosave, apart from the story) and in this browser (localStorage), so
//   that it survives a closed tab and a server that refuses it (an expired
//   session).
// - Every 30 s the page tells the server it is open (who else is editing).
// - Leaving with unsaved changes asks first; Ctrl/Cmd+S saves and continues.
// - Text typed and never saved is offered back when the form opens again.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const keep = document.getElementById("keep");
  const form = document.getElementById("article_form");
  const token = form && form.querySelector("input[name=csrfmiddlewaretoken]");
  if (!keep || !form || !token) return;

  const FIELDS = ["title", "slug", "standfirst", "body", "dateline", "credit"];
  const AUTOSAVE_DELAY = 5000;
  const HEARTBEAT = 30000;
  const LAST_SAVE_WAIT = 3000;
  const storageKey = `gazette:keep:${keep.dataset.user}:${keep.dataset.story || "new"}`;
  const status = keep.querySelector(".keep-status");
  const editing = keep.querySelector(".keep-editing");
  const offer = keep.querySelector(".keep-offer");

  const field = (name) => {
    const element = form.elements.namedItem(name);
    return element && "value" in element ? element : null;
  };
  const textNow = () => {
    const text = {};
    for (const name of FIELDS) if (field(name)) text[name] = field(name).value;
    return text;
  };
  const tidy = (value) => String(value).replace(/\r\n?/g, "\n");
  const sameText = (a, b) =>
    FIELDS.every((name) => !(name in a) || !(name in b) || tidy(a[name]) === tidy(b[name]));

  // This browser's copy: {fields, server} where server says whether the
  // server has kept the same text (then the server's copy is the one offered).
  const readLocal = () => {
    try {
      return JSON.parse(localStorage.getItem(storageKey));
    } catch (error) {
      return null;
    }
  };
  const writeLocal = (copy) => {
    try {
      localStorage.setItem(storageKey, JSON.stringify(copy));
    } catch (error) {
      // Storage full or refused: the server's copy is all there is.
    }
  };
  const dropLocal = () => {
    try {
      localStorage.removeItem(storageKey);
    } catch (error) {
      // Nothing to drop.
    }
  };

  const say = (text, problem = false) => {
    status.textContent = text;
    status.classList.toggle("keep-status--problem", problem);
  };
  const showEditing = (lines) => {
    if (!Array.isArray(lines)) return;
    editing.replaceChildren(
      ...lines.map((line) => {
        const item = document.createElement("li");
        item.textContent = line;
        return item;
      }),
    );
    editing.hidden = lines.length === 0;
  };

  const post = async (data) => {
    data.append("story", keep.dataset.story);
    const response = await fetch(keep.dataset.url, {
      method: "POST",
      body: data,
      headers: {"X-CSRFToken": token.value},
      credentials: "same-origin",
    });
    let answer = {};
    try {
      answer = await response.json();
    } catch (error) {
      // A refusal written in HTML (the CSRF check): the status says enough.
    }
    return {response, answer};
  };
  const refused = (response, answer) => {
    say(
      response.status === 401 && answer.error
        ? answer.error
        : "Sauvegarde automatique refusée : votre texte est gardé dans ce navigateur.",
      true,
    );
  };

  // The text as the form opened, and as last kept by the server.
  let sent = JSON.stringify(textNow());
  let timer = null;

  const autosave = async () => {
    clearTimeout(timer);
    timer = null;
    const fields = textNow();
    sent = JSON.stringify(fields);
    writeLocal({fields, server: false});
    const data = new FormData();
    data.append("text", sent);
    try {
      const {response, answer} = await post(data);
      if (!response.ok) {
        refused(response, answer);
        return false;
      }
      const copy = readLocal();
      if (copy && sameText(copy.fields, fields)) writeLocal({fields, server: true});
      say(`Texte sauvegardé automatiquement à ${answer.saved_at}.`);
      showEditing(answer.editing);
      return true;
    } catch (error) {
      say("Serveur injoignable : votre texte est gardé dans ce navigateur.", true);
      return false;
    }
  };
  const heartbeat = async () => {
    if (JSON.stringify(textNow()) !== sent) {
      await autosave();
      return;
    }
    try {
      const {response, answer} = await post(new FormData());
      if (response.ok) showEditing(answer.editing);
      else refused(response, answer);
    } catch (error) {
      // Offline for now: the next beat tries again.
    }
  };
  form.addEventListener("input", () => {
    if (JSON.stringify(textNow()) === sent) return;
    clearTimeout(timer);
    timer = setTimeout(autosave, AUTOSAVE_DELAY);
  });
  heartbeat();
  setInterval(heartbeat, HEARTBEAT);

  // Text typed and never saved: this browser's copy if the server never got
  // it, else the server's; offered when it differs from the form.
  const kept = JSON.parse(document.getElementById("keep-kept").textContent);
  const local = readLocal();
  let offered = null;
  if (local && !local.server) {
    offered = {fields: local.fields, when: "gardé dans ce navigateur"};
  } else if (kept) {
    offered = {fields: kept.fields, when: `sauvegardé à ${kept.saved_at}`};
  } else if (local) {
    dropLocal(); // The server had it, and has since saved or dropped it.
  }
  if (offered && sameText(offered.fields, textNow())) {
    offered = null;
    dropLocal();
  }
  if (offered) {
    offer.querySelector(".keep-offer-when").textContent = `(texte ${offered.when})`;
    offer.hidden = false;
    offer.querySelector(".keep-restore").addEventListener("click", () => {
      for (const [name, value] of Object.entries(offered.fields)) {
        const element = field(name);
        if (!element) continue;
        element.value = value;
        element.dispatchEvent(new Event("input", {bubbles: true}));
      }
      offer.hidden = true;
      say("Texte non enregistré repris : enregistrez pour le garder.");
      field("title")?.focus();
    });
    offer.querySelector(".keep-discard").addEventListener("click", async () => {
      offer.hidden = true;
      dropLocal();
      const data = new FormData();
      data.append("discard", "1");
      try {
        await post(data);
      } catch (error) {
        // The server's copy stays; it is offered again next time.
      }
      say("Texte non enregistré écarté.");
    });
  }

  // Unsaved changes: the whole form as loaded, against the form now.
  const serialise = () => new URLSearchParams(new FormData(form)).toString();
  let loaded = null;
  window.addEventListener("load", () => {
    loaded = serialise();
  });
  let submitting = false;
  window.addEventListener("beforeunload", (event) => {
    if (submitting || loaded === null || serialise() === loaded) return;
    writeLocal({fields: textNow(), server: false});
    event.preventDefault();
    event.returnValue = "";
  });

  // Before the form goes, the server keeps its text: if the session has
  // expired, the save ends on the login page, and the text is offered back
  // once logged in again (from this browser's copy, which the server refused).
  form.addEventListener("submit", async (event) => {
    if (submitting) return;
    event.preventDefault();
    submitting = true;
    const submitter = event.submitter;
    clearTimeout(timer);
    if (JSON.stringify(textNow()) !== sent) {
      await Promise.race([
        autosave(),
        new Promise((resolve) => setTimeout(resolve, LAST_SAVE_WAIT)),
      ]);
    }
    // Not while this submit event is still being dispatched: the browser
    // would ignore the request.
    await new Promise((resolve) => setTimeout(resolve));
    if (submitter && submitter.form === form) form.requestSubmit(submitter);
    else form.requestSubmit();
  });

  document.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
    if (event.key.toLowerCase() !== "s") return;
    event.preventDefault();
    const button =
      form.querySelector("input[name=_continue]") || form.querySelector("[type=submit]");
    if (button) form.requestSubmit(button);
    else form.requestSubmit();
  });
});
