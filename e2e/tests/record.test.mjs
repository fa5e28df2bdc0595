// A deal's page: editing in place, what a mistake looks like, what happens when someone else
// saved first, and logging an activity.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo } from "../lib/baton.mjs";
import { signIn, shot, loginFor } from "../lib/pages.mjs";

let baton;
let browser;
let dealHref;

withDemo(async (started) => {
  ({ baton, browser } = started);
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "coordinator"));
  await page.goto(`${baton.url}/pipeline`);
  dealHref = await page.locator(".column").nth(2).locator(".deal-card a").first().getAttribute("href");
  await page.close();
});

test("a form error keeps what was typed and shows the error next to its field", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "coordinator"));
  await page.goto(`${baton.url}${dealHref}`);
  await page.getByRole("link", { name: "Edit" }).click();
  await page.getByLabel("Amount").fill("twelve thousand");
  await page.getByLabel("Next step").fill("Call the CFO on Monday");
  await page.getByRole("button", { name: "Save" }).click();
  const error = page.locator("#e-amount");
  await error.waitFor();
  assert.match(await error.textContent(), /not an amount/);
  assert.equal(await page.getByLabel("Amount").getAttribute("aria-invalid"), "true");
  assert.equal(await page.getByLabel("Amount").inputValue(), "twelve thousand");
  assert.equal(await page.getByLabel("Next step").inputValue(), "Call the CFO on Monday");
  await shot(page, "deal-form-error");
  // Fixing the amount saves both.
  await page.getByLabel("Amount").fill("12,500");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
  const details = await page.locator("#details").textContent();
  assert.match(details, /\$12,500/);
  assert.match(details, /Call the CFO on Monday/);
  await page.close();
});

test("saving over someone else's change shows the conflict and keeps both sides", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "coordinator"));
  await page.goto(`${baton.url}${dealHref}`);
  await page.getByRole("link", { name: "Edit" }).click();
  await page.getByLabel("Next step").fill("Send the revised proposal");

  // Meanwhile a manager, in another browser, changes the source of the same deal.
  const otherBrowser = await browser.newContext();
  const other = await signIn(otherBrowser, baton.url, loginFor(baton.logins, "admin"));
  await other.goto(`${baton.url}${dealHref}`);
  await other.getByRole("link", { name: "Edit" }).click();
  await other.getByLabel("Source").fill("Partner referral");
  await other.getByRole("button", { name: "Save" }).click();
  await other.getByRole("status").filter({ hasText: "Saved." }).waitFor();
  await otherBrowser.close();

  // The first page still holds the version it was opened at.
  await page.getByRole("button", { name: "Save" }).click();
  const alert = page.getByRole("alert");
  await alert.waitFor();
  assert.match(await alert.textContent(), /Someone else saved this deal.*changed: Source/);
  assert.equal(await page.getByLabel("Next step").inputValue(), "Send the revised proposal");
  assert.equal(await page.getByLabel("Source").inputValue(), "Partner referral");
  await shot(page, "deal-conflict");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
  const details = await page.locator("#details").textContent();
  assert.match(details, /Send the revised proposal/);
  assert.match(details, /Partner referral/, "the other person's change survived");
  await page.close();
});

test("a call logged on the deal appears at the top of its timeline", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "coordinator"));
  await page.goto(`${baton.url}${dealHref}`);
  await page.getByLabel("What").selectOption("call");
  await page.getByLabel("Subject").fill("Pricing call with procurement");
  await page.getByRole("button", { name: "Log it" }).click();
  const first = page.locator(".timeline li").first();
  await page.waitForFunction(() => document.querySelector(".timeline li")?.textContent.includes("Pricing call"));
  assert.match(await first.textContent(), /Pricing call with procurement — Maria Lopez\s+just now/);
  assert.equal(await page.getByLabel("Subject").inputValue(), "", "the form is ready for the next one");
  await shot(page, "deal-logged-call");
  await page.close();
});

test("a contact is moved to an account picked from the suggestions, and a task logged on it shows", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "coordinator"));
  await page.goto(`${baton.url}/accounts`);
  const accountName = (await page.locator("table.list tbody tr td a").first().textContent()).trim();
  await page.goto(`${baton.url}/contacts`);
  await page.locator("table.list tbody tr td a").last().click();
  await page.waitForURL(/\/contacts\/\d+$/);
  await page.getByRole("link", { name: "Edit" }).click();
  const field = page.getByRole("combobox", { name: "Account" });
  await field.fill(accountName.slice(0, 4));
  const choice = page.locator(`#f-account-choices option[value^=${JSON.stringify(accountName)}]`);
  await choice.first().waitFor({ state: "attached" });
  await field.fill(await choice.first().getAttribute("value"));
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
  assert.ok((await page.locator("#details").textContent()).includes(accountName));
  await page.locator("#related").getByRole("link", { name: accountName, exact: true }).waitFor();
  await page.getByLabel("What", { exact: true }).selectOption("task");
  await page.getByLabel("Subject").fill("Send the security questionnaire");
  await page.getByLabel("When (or due, for a task)").fill("2031-03-02");
  await page.getByRole("button", { name: "Log it" }).click();
  const entry = page.locator("#timeline li.task").filter({ hasText: "Send the security questionnaire" });
  await entry.waitFor();
  assert.match(await entry.textContent(), /due Sun 2 Mar/);
  await shot(page, "contact-edited");
  await page.close();
});
