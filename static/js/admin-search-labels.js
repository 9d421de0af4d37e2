// Newsroom admin: the search box that Select2 (the admin's autocomplete) puts
// inside a multiple choice has no name for screen readers; give it the name
// of the field it searches. Select2 draws its boxes after page load and again
// after each selection, hence the observer.
"use strict";
const labelSearchBoxes = () => {
  const boxes = document.querySelectorAll(".select2-search__field:not([aria-label])");
  for (const box of boxes) {
    const select = box.closest(".select2-container")?.previousElementSibling;
    const label = select?.id && document.querySelector(`label[for="${select.id}"]`);
    if (label) box.setAttribute("aria-label", label.textContent.replace(/\s*:\s*$/, ""));
  }
};
new MutationObserver(labelSearchBoxes).observe(document.documentElement, {
  childList: true,
  subtree: true,
});
