// Newsroom admin, the story form's writing surface: character counts, words
// and reading time, the page's address, a Markdown toolbar, the search and
// sharing card, text boxes that grow. The rules (recommended lengths,
// reading speed, the address) come from the server in data attributes
// (articles/admin_surface.py); this file only applies them.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const number = new Intl.NumberFormat("fr-FR");
  // French: « 0 mot », « 1 mot », « 2 mots ».
  const counted = (count, one, many) =>
    `${number.format(count)} ${count < 2 ? one : many}`;
  // Code points, as the database counts a column's length.
  const length = (text) => [...text].length;
  const byId = (id) => (id ? document.getElementById(id) : null);

  // Title and standfirst: their length, and a hint past what search
  // results and shared links show.
  for (const counter of document.querySelectorAll(".surface-count[data-count-for]")) {
    const field = byId(counter.dataset.countFor);
    if (!field) continue;
    const shown = counter.querySelector(".surface-count__number");
    const hint = counter.querySelector(".surface-count__hint");
    const recommended = Number(counter.dataset.recommended);
    const update = () => {
      const count = length(field.value);
      shown.textContent = counted(count, "caractère", "caractères");
      const over = count > recommended;
      // Written only when it changes: the hint is a live region.
      if (counter.classList.contains("surface-count--over") !== over) {
        counter.classList.toggle("surface-count--over", over);
        hint.textContent = over ? hint.dataset.hint : "";
      }
    };
    field.addEventListener("input", update);
    update();
  }

  // Words and reading time, of the text as readers get it: the preview,
  // which admin-markdown-preview.js refreshes as the body is typed.
  const stats = document.querySelector(".surface-stats[data-stats-for]");
  const preview = document.querySelector(".body-preview");
  if (stats && preview) {
    const perMinute = Number(stats.dataset.wordsPerMinute);
    const update = () => {
      const words = (preview.textContent.match(/\S+/gu) || []).filter((word) =>
        /[\p{L}\p{N}]/u.test(word),
      ).length;
      const minutes = Math.max(1, Math.ceil(words / perMinute));
      stats.textContent = words
        ? `${counted(words, "mot", "mots")} · ${minutes} min de lecture`
        : "0 mot";
    };
    new MutationObserver(update).observe(preview, {
      childList: true,
      subtree: true,
      characterData: true,
    });
    update();
  }

  // Text boxes grow with their text: CSS does it where browsers know
  // field-sizing, this elsewhere.
  if (!CSS.supports("field-sizing", "content")) {
    for (const area of document.querySelectorAll("#id_standfirst, #id_body")) {
      const grow = () => {
        const scrolled = window.scrollY;
        area.style.height = "auto";
        area.style.height = `${area.scrollHeight + 2}px`;
        window.scrollTo(window.scrollX, scrolled);
      };
      area.addEventListener("input", grow);
      grow();
    }
  }

  // The address the slug gives, and the search and sharing card.
  const title = byId("id_title");
  const standfirst = byId("id_standfirst");
  const slug = byId("id_slug");
  const address = document.querySelector(".surface-address__url[data-address]");
  const card = document.querySelector(".surface-card[data-address]");
  const addressOf = (template) => template.replace("{slug}", slug.value.trim() || "…");
  const cut = (text, limit) =>
    length(text) > limit ? `${[...text].slice(0, limit).join("").trimEnd()}…` : text;
  // As the site's description tag: the first words, on single spaces.
  const firstWords = (text, limit) => {
    const words = text.split(/\s+/u).filter(Boolean);
    const kept = words.slice(0, limit).join(" ");
    return words.length > limit ? `${kept}…` : kept;
  };
  const showAddress = () => {
    if (slug && address) address.textContent = addressOf(address.dataset.address);
    if (!card || !title) return;
    const titleShown = Number(card.dataset.titleShown);
    const wordsShown = Number(card.dataset.descriptionWords);
    const text = title.value.trim();
    card.querySelector(".surface-card__title").textContent =
      cut(text, titleShown) || "Titre de l’article";
    card.querySelector(".surface-card__description").textContent = firstWords(
      (standfirst && standfirst.value.trim()) || text,
      wordsShown,
    );
    if (slug) {
      card.querySelector(".surface-card__address").textContent = addressOf(
        card.dataset.address,
      );
    }
  };
  for (const field of [title, standfirst, slug]) {
    if (field) field.addEventListener("input", showAddress);
  }
  if (title) {
    // Django's prepopulate.js fills the slug from the title on these events,
    // without an event of its own: read the slug once it has.
    for (const type of ["keyup", "change"]) {
      title.addEventListener(type, () => setTimeout(showAddress));
    }
  }
  if (slug) slug.addEventListener("change", showAddress);
  showAddress();

  // The preview in the site's own story page and style sheet: a frame of
  // that page, filled with the title, the standfirst and the sanitised
  // preview. The box it replaces stays, hidden, for the word count.
  const frame = document.querySelector("iframe.surface-frame");
  if (frame && preview) {
    const fill = () => {
      const page = frame.contentDocument;
      const story = page && page.querySelector(".story");
      if (!story) return false;
      story.querySelector(".story__title").textContent = title ? title.value : "";
      story.querySelector(".story__standfirst").textContent =
        standfirst ? standfirst.value : "";
      story.querySelector(".story__body").innerHTML = preview.innerHTML;
      return true;
    };
    const show = () => {
      if (!fill()) return;
      frame.hidden = false;
      preview.hidden = true;
    };
    new MutationObserver(fill).observe(preview, {
      childList: true,
      subtree: true,
      characterData: true,
    });
    for (const field of [title, standfirst]) {
      if (field) field.addEventListener("input", fill);
    }
    frame.addEventListener("load", show);
    // It may have loaded before this script ran.
    if (frame.contentDocument && frame.contentDocument.readyState === "complete") show();
  }

  // The Markdown toolbar: each button writes its syntax where the cursor is
  // and selects what the writer is to replace.
  const toolbar = document.querySelector(".surface-toolbar[data-toolbar-for]");
  const body = toolbar && byId(toolbar.dataset.toolbarFor);
  if (!toolbar || !body) return;
  const insert = (text, selectFrom, selectTo) => {
    body.focus();
    const start = body.selectionStart;
    // execCommand keeps the browser's undo (Ctrl+Z); setRangeText where it
    // is gone.
    if (!document.execCommand("insertText", false, text)) {
      body.setRangeText(text, body.selectionStart, body.selectionEnd, "end");
      body.dispatchEvent(new Event("input", { bubbles: true }));
    }
    body.setSelectionRange(start + selectFrom, start + selectTo);
  };
  // What must come before a block (a table) so that it starts a paragraph.
  const blankLineBefore = (position) => {
    const before = body.value.slice(0, position);
    if (!before.trim()) return "";
    return before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
  };
  const actions = {
    heading() {
      const { selectionStart: start, selectionEnd: end, value } = body;
      const lineStart = value.lastIndexOf("\n", start - 1) + 1;
      const next = value.indexOf("\n", end);
      const lineEnd = next < 0 ? value.length : next;
      const line = value.slice(lineStart, lineEnd);
      if (!line.trim()) {
        body.setSelectionRange(lineStart, lineEnd);
        insert("## Intertitre", 3, 13);
      } else if (!line.startsWith("#")) {
        body.setSelectionRange(lineStart, lineStart);
        insert("## ", 3, 3);
        body.setSelectionRange(start + 3, end + 3);
      } else {
        body.focus();
      }
    },
    link() {
      const chosen = body.value.slice(body.selectionStart, body.selectionEnd);
      const text = chosen || "texte du lien";
      const url = text.length + 3;
      if (chosen) insert(`[${text}](https://)`, url, url + 8);
      else insert(`[${text}](https://)`, 1, 1 + text.length);
    },
    table() {
      body.setSelectionRange(body.selectionEnd, body.selectionEnd);
      const before = blankLineBefore(body.selectionStart);
      const after = body.value.slice(body.selectionStart).startsWith("\n") ? "\n" : "\n\n";
      const table = "| Colonne 1 | Colonne 2 |\n| --- | --- |\n| … | … |";
      insert(`${before}${table}${after}`, before.length + 2, before.length + 11);
    },
    note() {
      const numbers = [...body.value.matchAll(/\[\^(\d+)\]/g)].map((m) => Number(m[1]));
      const next = Math.max(0, ...numbers) + 1;
      body.setSelectionRange(body.selectionEnd, body.selectionEnd);
      insert(`[^${next}]`, 0, 0);
      // The note's text goes at the end, where Markdown gathers notes.
      const end = body.value.length;
      body.setSelectionRange(end, end);
      const definition = `${blankLineBefore(end)}[^${next}]: Texte de la note`;
      const from = definition.length - "Texte de la note".length;
      insert(definition, from, definition.length);
    },
  };
  const buttons = [...toolbar.querySelectorAll("button[data-insert]")];
  for (const button of buttons) {
    button.addEventListener("click", () => actions[button.dataset.insert]());
  }
  // One Tab stop for the toolbar, arrows between its buttons (WAI-ARIA's
  // toolbar pattern).
  buttons.forEach((button, index) => (button.tabIndex = index ? -1 : 0));
  toolbar.addEventListener("keydown", (event) => {
    const moves = { ArrowRight: 1, ArrowLeft: -1, Home: -Infinity, End: Infinity };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const current = buttons.indexOf(document.activeElement);
    const step = moves[event.key];
    const target = Number.isFinite(step)
      ? (current + step + buttons.length) % buttons.length
      : step < 0 ? 0 : buttons.length - 1;
    buttons.forEach((button, index) => (button.tabIndex = index === target ? 0 : -1));
    buttons[target].focus();
  });
  toolbar.hidden = false;
});
