// Global search from the header: keyboard shortcut, results as you type, visibility.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo } from "../lib/baton.mjs";
import { signIn, shot, loginFor } from "../lib/pages.mjs";

let baton;
let browser;

withDemo((started) => ({ baton, browser } = started));

test("pressing / and typing a name finds the contact and opens their page", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "coordinator"));
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "global-search");
  await page.keyboard.type("Gab");
  const contacts = page.locator("#search-popup h3", { hasText: "Contacts" });
  await contacts.waitFor();
  const first = page.locator("#search-popup h3:has-text('Contacts') + ul a").first();
  const name = (await first.textContent()).trim();
  assert.match(name, /^Gab/);
  await shot(page, "search");
  await first.click();
  await page.waitForURL(/\/contacts\/\d+$/);
  assert.equal((await page.locator("h1").textContent()).trim(), name);
  await page.close();
});

test("a rep's search finds only what the rep may see", async () => {
  const coordinator = await signIn(browser.context, baton.url, loginFor(baton.logins, "coordinator"));
  await coordinator.goto(`${baton.url}/search?q=a`);
  const all = await coordinator.locator(".search-results h3:has-text('Deals') + ul li").count();
  await coordinator.close();
  const ana = baton.logins.find((l) => l.email.startsWith("ana@"));
  const page = await signIn(browser.context, baton.url, ana);
  await page.goto(`${baton.url}/search?q=a`);
  const owners = await page.locator(".search-results h3:has-text('Deals') + ul .detail").allTextContents();
  assert.ok(owners.every((o) => o === "Ana Silva"), `Ana sees others' deals: ${owners}`);
  assert.ok(owners.length <= all);
  await page.close();
});
