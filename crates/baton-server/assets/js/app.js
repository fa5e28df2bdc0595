// Baton's own script: small progressive enhancements on top of server-rendered pages.
// Pages work without it.
document.addEventListener("keydown", (event) => {
  // "/" jumps to the search box, where a page has one.
  if (event.key === "/" && !["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement?.tagName)) {
    const search = document.querySelector("[data-search]");
    if (search) {
      event.preventDefault();
      search.focus();
    }
  }
});
