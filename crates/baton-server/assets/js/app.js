// Baton's own script: small progressive enhancements on top of server-rendered pages.
// Every page works without it; it adds keyboard shortcuts and drag and drop.

// "/" jumps to the search box, where a page has one.
document.addEventListener("keydown", (event) => {
  if (event.key === "/" && !["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement?.tagName)) {
    const search = document.querySelector("[data-search]");
    if (search) {
      event.preventDefault();
      search.focus();
    }
  }
});

// The pipeline board: a card moves by submitting its own "move" form with another stage, so
// drag and drop, the arrow keys and the visible Move button all take the same path.
let movedDeal = null;
let draggedCard = null;

function moveCard(card, stageId) {
  const form = card.querySelector("form.move");
  const select = form?.querySelector("select[name=stage_id]");
  if (!select || !stageId || select.value === stageId) return;
  select.value = stageId;
  movedDeal = card.dataset.deal;
  form.requestSubmit();
}

document.addEventListener("dragstart", (event) => {
  const card = event.target.closest?.(".deal-card");
  if (!card) return;
  draggedCard = card;
  event.dataTransfer.setData("text/plain", card.querySelector("a")?.href ?? "");
  event.dataTransfer.effectAllowed = "move";
});

document.addEventListener("dragover", (event) => {
  if (event.target.closest?.(".column")) event.preventDefault();
});

document.addEventListener("drop", (event) => {
  const column = event.target.closest?.(".column");
  if (!column || !draggedCard) return;
  event.preventDefault();
  moveCard(draggedCard, column.dataset.stage);
  draggedCard = null;
});

document.addEventListener("keydown", (event) => {
  const card = event.target;
  if (!card.classList?.contains("deal-card") || !["ArrowLeft", "ArrowRight"].includes(event.key)) return;
  const options = [...card.querySelectorAll("select[name=stage_id] option")];
  const current = options.findIndex((o) => o.selected);
  const next = options[current + (event.key === "ArrowRight" ? 1 : -1)];
  if (next) {
    event.preventDefault();
    moveCard(card, next.value);
  }
});

// After the board is redrawn, keep the keyboard on the card that moved.
document.addEventListener("htmx:after:swap", () => {
  if (!movedDeal) return;
  document.querySelector(`.deal-card[data-deal="${movedDeal}"]`)?.focus();
  movedDeal = null;
});
