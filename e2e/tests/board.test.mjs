// The pipeline board: moving deals by keyboard and by mouse, the history it leaves, and what
// happens when someone else changed the deal first.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo } from "../lib/baton.mjs";
import { signIn, shot, loginFor } from "../lib/pages.mjs";

let baton;
let browser;

withDemo((started) => ({ baton, browser } = started));

/** The stage columns' names, in order, and the first card of the first column. */
async function firstCard(page) {
  const stages = await page.locator(".column h2").evaluateAll((hs) => hs.map((h) => h.firstChild.textContent.trim()));
  const card = page.locator(".column").first().locator(".deal-card").first();
  return { stages, card, id: await card.getAttribute("data-deal"), name: (await card.locator("a").textContent()).trim() };
}

test("a card moves to the next stage from the keyboard and the deal's history records it", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "coordinator"));
  await page.goto(`${baton.url}/pipeline`);
  const { stages, card, id, name } = await firstCard(page);
  const before = Number(await page.locator(".column").nth(1).locator(".count").textContent());
  await card.focus();
  await page.keyboard.press("ArrowRight");
  const moved = page.locator(".column").nth(1).locator(`.deal-card[data-deal="${id}"]`);
  await moved.waitFor();
  assert.equal(Number(await page.locator(".column").nth(1).locator(".count").textContent()), before + 1);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.deal), id, "focus stays on the moved card");
  await shot(page, "board-after-keyboard-move");

  await page.goto(`${baton.url}/deals/${id}`);
  const entry = page.locator(".timeline li", { hasText: `stage ${stages[0]} → ${stages[1]} by Maria Lopez` });
  await entry.first().waitFor();
  assert.match(await entry.first().textContent(), /just now/);
  assert.equal((await page.locator("h1").textContent()).trim(), name);
  await page.close();
});

test("a card dragged to another column moves there", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "coordinator"));
  await page.goto(`${baton.url}/pipeline`);
  const { card, id } = await firstCard(page);
  // Take the card by its edge: its middle holds the stage picker, which does not drag.
  await card.dragTo(page.locator(".column").nth(3), { sourcePosition: { x: 4, y: 4 }, targetPosition: { x: 20, y: 10 } });
  await page.locator(".column").nth(3).locator(`.deal-card[data-deal="${id}"]`).waitFor();
  await shot(page, "board-after-drag");
  await page.close();
});

test("moving a deal someone changed meanwhile is refused with a message, not applied", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "coordinator"));
  await page.goto(`${baton.url}/pipeline`);
  const { card, id, name } = await firstCard(page);
  // Someone else moves the same deal in another session.
  const version = await card.locator("input[name=version]").inputValue();
  const csrf = await card.locator("input[name=csrf_token]").inputValue();
  const stage = await card.locator("select option").nth(2).getAttribute("value");
  const response = await page.request.post(`${baton.url}/deals/${id}/stage`, {
    form: { csrf_token: csrf, version, stage_id: stage, board: "/pipeline" },
    maxRedirects: 0,
  });
  assert.equal(response.status(), 303);
  // Now this stale board tries to move it to the next stage.
  await card.focus();
  await page.keyboard.press("ArrowRight");
  const notice = page.getByRole("alert");
  await notice.waitFor();
  assert.match(await notice.textContent(), new RegExp(`${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}.*changed by someone else`));
  // The deal is where the other change put it.
  await page.locator(".column").nth(2).locator(`.deal-card[data-deal="${id}"]`).waitFor();
  await shot(page, "board-conflict");
  await page.close();
});
