// The team calendar: from a deal to "find a time", booking the first time offered, and seeing
// it in the week.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo } from "../lib/baton.mjs";
import { signIn, shot, loginFor } from "../lib/pages.mjs";

let baton;
let browser;

withDemo((started) => ({ baton, browser } = started));

test("a meeting time found from a deal is booked and shows in the team's week", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "coordinator"));
  await page.goto(`${baton.url}/pipeline`);
  await page.locator(".deal-card a").first().click();
  const deal = (await page.locator("h1").textContent()).trim();
  await page.getByRole("link", { name: "Find a meeting time" }).click();
  await page.waitForURL(/\/calendar\?deal=\d+/);
  assert.match(await page.locator(".find-time summary").textContent(), new RegExp(`Find a time for ${deal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  // Look in next week, so the days are still ahead.
  await page.getByRole("link", { name: "Next week →" }).click();
  await page.getByRole("button", { name: "Find a time this week" }).click();
  const book = page.locator("#found button", { hasText: /^Book / }).first();
  await book.waitFor();
  assert.match(await page.locator("#found .note").first().textContent(), /^Priority \d+ \(amount \d+/);
  const label = (await book.textContent()).replace(/^Book /, "").trim();
  await shot(page, "calendar-find-a-time");
  await book.click();
  await page.locator(".notice", { hasText: "Booked" }).waitFor();
  assert.match(await page.locator(".notice").textContent(), new RegExp(label.split("–")[0]));
  // The meeting is on the coordinator's bar, with its subject.
  const block = page.locator(`.bar .busy[title*="${deal} meeting"]`);
  assert.ok((await block.count()) >= 1, "the booked meeting shows in the week");
  await shot(page, "calendar-week");
  await page.close();
});
