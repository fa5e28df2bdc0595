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

// Uploads to import: sent with a progress bar, then the job's panel swapped in (the server
// answers with the job's page; without script the browser simply goes there).
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-upload]");
  if (!form) return;
  event.preventDefault();
  const bar = form.querySelector("#upload-progress");
  const status = form.querySelector("#upload-status");
  const error = form.querySelector("#import-error");
  const button = form.querySelector("button[type=submit]");
  const request = new XMLHttpRequest();
  request.open("POST", form.action);
  request.responseType = "document";
  request.setRequestHeader("x-csrf-token", form.elements.csrf_token.value);
  request.upload.addEventListener("progress", (e) => {
    if (!e.lengthComputable) return;
    bar.value = Math.round((e.loaded / e.total) * 100);
    status.textContent = `Uploading… ${bar.value} %`;
  });
  request.upload.addEventListener("load", () => {
    status.textContent = "Uploaded; reading the files…";
  });
  request.addEventListener("loadend", () => {
    button.disabled = false;
    bar.hidden = true;
    const page = request.response;
    const panel = page?.querySelector("#import-panel");
    if (request.status >= 200 && request.status < 300 && panel) {
      status.textContent = "";
      error.hidden = true;
      document.querySelector("#import-panel").replaceWith(panel);
      htmx.process(panel);
      history.pushState(null, "", request.responseURL);
    } else {
      status.textContent = "";
      error.textContent =
        page?.querySelector("#import-error")?.textContent.trim() ||
        page?.querySelector("main")?.textContent.trim() ||
        "The upload failed; check the connection and try again.";
      error.hidden = false;
    }
  });
  button.disabled = true;
  bar.hidden = false;
  bar.value = 0;
  error.hidden = true;
  request.send(new FormData(form));
});

// The import form asks which records a CSV holds only when the files are a CSV.
document.addEventListener("change", (event) => {
  if (event.target.id !== "import-source") return;
  document.querySelector(".import-object").hidden = event.target.value !== "csv";
});
document.addEventListener("DOMContentLoaded", () => {
  const source = document.querySelector("#import-source");
  if (source) document.querySelector(".import-object").hidden = source.value !== "csv";
});
