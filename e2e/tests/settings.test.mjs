// Settings: adding users (mistakes shown by their fields), editing stages, API tokens shown once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo } from "../lib/baton.mjs";
import { signIn, shot, loginFor } from "../lib/pages.mjs";

let baton;
let browser;

withDemo((started) => ({ baton, browser } = started));

test("an admin adds a user; a bad email is named beside its field and the rest is kept", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "admin"));
  await page.getByRole("link", { name: "Settings" }).click();
  await page.waitForURL(/\/settings\/users$/);
  await page.getByLabel("Name", { exact: true }).fill("Ines Moreau");
  await page.getByLabel("Email", { exact: true }).fill("ines at example");
  await page.getByLabel("Role", { exact: true }).selectOption("manager");
  await page.getByLabel("First password").fill("a long enough password");
  await page.getByRole("button", { name: "Add user" }).click();
  await page.locator("#e-email").waitFor();
  assert.match(await page.locator("#e-email").textContent(), /not a valid email/);
  assert.equal(await page.getByLabel("Name", { exact: true }).inputValue(), "Ines Moreau");
  assert.equal(await page.getByLabel("Role", { exact: true }).inputValue(), "manager");
  await shot(page, "settings-user-error");
  await page.getByLabel("Email", { exact: true }).fill("ines@demo.baton.local");
  await page.getByLabel("First password").fill("a long enough password");
  await page.getByRole("button", { name: "Add user" }).click();
  await page.getByRole("status").filter({ hasText: "Added Ines Moreau (manager)." }).waitFor();
  // The new user can sign in.
  const ines = await signIn(browser.context, baton.url, { email: "ines@demo.baton.local", password: "a long enough password" });
  await ines.getByRole("heading", { name: "My team's day" }).waitFor();
  await ines.close();
  await page.close();
});

test("an admin adds a stage to a pipeline and it appears on the board in its place", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "admin"));
  await page.goto(`${baton.url}/settings/pipelines`);
  const form = page.locator("section.card form").first();
  const blank = form.locator("input[name=stage_name][placeholder='New stage']").first();
  await blank.fill("Security review");
  const row = blank.locator("xpath=ancestor::tr[1]");
  await row.locator("input[name=probability]").fill("65");
  await row.locator("input[name=position]").fill("4.5");
  await form.getByRole("button", { name: "Save pipeline" }).click();
  const status = page.getByRole("status");
  await status.waitFor();
  assert.match(await status.textContent(), /Saved the pipeline/);
  await page.goto(`${baton.url}/pipeline`);
  const columns = await page.locator(".column h2").evaluateAll((hs) => hs.map((h) => h.firstChild.textContent.trim()));
  assert.deepEqual(columns.slice(3, 6), ["Proposal", "Security review", "Negotiation"]);
  await page.close();
});

test("an API token is shown once and works against the API", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "rep"));
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByLabel("What it is for").fill("spreadsheet sync");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.locator("#new-token").textContent()).trim();
  assert.match(token, /^bat_/);
  const me = await page.request.get(`${baton.url}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(me.status(), 200);
  await page.goto(`${baton.url}/settings/tokens`);
  assert.equal(await page.locator("#new-token").count(), 0, "the secret is not shown again");
  assert.ok((await page.locator("main").textContent()).includes("spreadsheet sync"));
  await page.close();
});
