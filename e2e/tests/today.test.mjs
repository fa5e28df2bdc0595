// Signing in, the Today briefing, and who may open which deal.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo } from "../lib/baton.mjs";
import { signIn, shot, loginFor } from "../lib/pages.mjs";

let baton;
let browser;

withDemo((started) => ({ baton, browser } = started));

test("a wrong password keeps the email typed and says what went wrong", async () => {
  const page = await browser.context.newPage();
  await page.goto(`${baton.url}/login`);
  await page.getByLabel("Email").fill("maria@demo.baton.local");
  await page.getByLabel("Password").fill("not her password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").waitFor();
  assert.match(await page.getByRole("alert").textContent(), /do not match/);
  assert.equal(await page.getByLabel("Email").inputValue(), "maria@demo.baton.local");
  await shot(page, "sign-in-error");
  await page.close();
});

test("the coordinator signs in and Today lists deals that have gone quiet", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "coordinator"));
  await page.getByRole("heading", { name: "Today", level: 1 }).waitFor();
  const quiet = page.locator("#quiet");
  const items = quiet.locator("li");
  assert.ok((await items.count()) > 0, "no deal has gone quiet in the demo");
  assert.match(await items.first().locator(".badge").textContent(), /quiet \d+ (days|months)/);
  // Every item links to where it is fixed.
  const href = await items.first().locator("a").getAttribute("href");
  assert.match(href, /^\/deals\/\d+$/);
  await shot(page, "today-coordinator");
  await items.first().locator("a").click();
  await page.waitForURL(/\/deals\/\d+$/);
  await page.getByRole("heading", { name: "Timeline" }).waitFor();
  await shot(page, "deal");
  await page.close();
});

test("a rep gets their own day and cannot open another rep's deal by its address", async () => {
  const coordinator = await signIn(browser.context, baton.url, loginFor(baton.logins, "coordinator"));
  // Find a deal owned by someone other than Ana through the coordinator's Today page.
  const ana = baton.logins.find((l) => l.email.startsWith("ana@"));
  const links = await coordinator.locator("#closing li, #quiet li").evaluateAll((lis) =>
    lis.map((li) => ({ href: li.querySelector("a").getAttribute("href"), detail: li.querySelector(".detail").textContent })),
  );
  const notAnas = links.find((l) => !l.detail.includes("Ana Silva"));
  assert.ok(notAnas, "every listed deal is Ana's");
  await coordinator.context().clearCookies();
  await coordinator.close();

  const page = await signIn(browser.context, baton.url, ana);
  await page.getByRole("heading", { name: "My day", level: 1 }).waitFor();
  const response = await page.goto(`${baton.url}${notAnas.href}`);
  assert.equal(response.status(), 404);
  await page.context().clearCookies();
  await page.close();
});

test("signing out ends the session", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "manager"));
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/login$/);
  await page.goto(`${baton.url}/today`);
  await page.waitForURL(/\/login\?next=\/today$/);
  await page.close();
});
