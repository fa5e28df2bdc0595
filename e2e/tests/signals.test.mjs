// Signals: the coordinator finds what Baton noticed on Today and the Signals page, each finding
// with its evidence, acknowledges one and assigns a follow-up; a deal page shows its win
// probability; a rep sees findings about their own records and none about reps.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo } from "../lib/baton.mjs";
import { signIn, shot, loginFor } from "../lib/pages.mjs";

let baton;
let browser;

withDemo((started) => ({ baton, browser } = started));

/** Opens the Signals page, reloading until the first run after start has kept its findings. */
async function openSignals(page) {
  for (let i = 0; i < 40; i += 1) {
    await page.goto(`${baton.url}/signals`);
    if ((await page.locator(".finding-group").count()) > 0) return;
    await page.waitForTimeout(250);
  }
  assert.fail("no findings on the Signals page");
}

test("a coordinator reads the signals with their evidence and acts on one", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "coordinator"));
  await openSignals(page);
  const first = page.locator(".finding-group").first();
  const finding = first.locator("li.finding").first();
  assert.ok((await finding.locator("dl.evidence dt").count()) > 0, "evidence is shown");
  assert.match(await finding.locator(".detail").first().textContent(), /\w/);
  const id = (await finding.getAttribute("id")).replace("finding-", "");
  await shot(page, "signals");

  await finding.locator("summary", { hasText: "Act on it" }).click();
  await finding.locator("input[name=note]").fill("Spoke to the owner");
  await finding.getByRole("button", { name: "Acknowledge" }).click();
  await page.waitForURL(/notice=Acknowledged/);
  const acked = page.locator(`#finding-${id}`);
  assert.match(await acked.textContent(), /acknowledged · “Spoke to the owner”/);

  await acked.locator("summary", { hasText: "Act on it" }).click();
  await acked.getByRole("button", { name: "Assign follow-up" }).click();
  await page.waitForURL(/notice=Follow-up/);
  assert.match(await page.locator(`#finding-${id}`).textContent(), /follow-up task \d+/);

  // Today leads with the most pressing ones.
  await page.getByRole("link", { name: "Today" }).click();
  assert.ok((await page.locator("#signals li").count()) > 0, "the Signals card lists findings");
  await page.close();
});

test("a deal page shows its win probability and its warnings", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "coordinator"));
  await openSignals(page);
  const deal = page.locator(".finding-group h2 a[href^='/deals/']").first();
  await deal.click();
  await page.waitForURL(/\/deals\/\d+$/);
  const odds = page.locator("section.related", { has: page.locator("h2", { hasText: "Win probability" }) });
  assert.match(await odds.locator("li a").textContent(), /^\d+ %$/);
  const signals = page.locator("section.related", { has: page.locator("h2", { hasText: "Signals" }) });
  assert.ok((await signals.locator("li").count()) > 0, "the deal's findings are listed");
  await page.close();
});

test("a rep sees findings about their own records and none about reps", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "rep"));
  await page.goto(`${baton.url}/signals`);
  const nouns = await page.locator(".finding-group h2").allTextContents();
  assert.ok(nouns.every((n) => !n.startsWith("Rep:")), nouns.join(" | "));
  await page.close();
});
