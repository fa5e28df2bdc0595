// Commission: a rep reads each line's explanation and asks what an open deal would pay;
// finance runs a period and exports its ledger.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo } from "../lib/baton.mjs";
import { signIn, shot, loginFor } from "../lib/pages.mjs";

let baton;
let browser;

withDemo((started) => ({ baton, browser } = started));

test("a rep sees last quarter's statement line by line and what an open deal would pay", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "rep"));
  await page.getByRole("link", { name: "Commission" }).click();
  await page.waitForURL(/\/commission$/);
  // Last quarter: run and approved by finance in the demo.
  const quarters = await page.locator("#c-period option").evaluateAll((os) => os.map((o) => o.value));
  await page.locator("#c-period").selectOption(quarters[1]);
  await page.getByRole("button", { name: "Show" }).click();
  await page.locator("#statement").waitFor();
  assert.match(await page.locator(".filters .detail").textContent(), /Period approved/);
  const lines = page.locator("#lines tbody tr");
  assert.ok((await lines.count()) > 0, "last quarter has lines");
  assert.match(await lines.first().locator(".explain").textContent(), /^deal \d+: \$[\d,]+ × [\d.]+ % .* = \$[\d,.]+ credit; /);
  // Every line's amount adds up to what the statement says was earned.
  const cents = (text) => Math.round(Number(text.replace(/[^\d.-]/g, "")) * 100);
  const amounts = await lines.locator("td.num").allTextContents();
  assert.equal(amounts.map(cents).reduce((a, b) => a + b, 0), cents(await page.locator("#st-total").textContent()));
  await shot(page, "commission-statement");

  await page.getByRole("button", { name: "What would I earn?" }).waitFor();
  await page.getByLabel(/If it closes at/).fill("50000");
  await page.getByRole("button", { name: "What would I earn?" }).click();
  const summary = page.locator("#what-if-summary");
  await summary.waitFor();
  assert.match(await summary.textContent(), /^If .+ closes at \$50,000 on .+ you earn \$[\d,.]+/);
  await shot(page, "commission-what-if");
  await page.close();
});

test("finance runs the quarter (nothing changed: nothing written) and exports its ledger", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "finance"));
  await page.getByRole("link", { name: "Commission" }).click();
  const people = page.locator("#people tbody tr");
  assert.equal(await people.count(), 11, "eight reps and three managers are on plans");
  await page.getByRole("button", { name: "Run this period" }).click();
  const notice = page.locator(".notice", { hasText: "Ran " });
  await notice.waitFor();
  assert.match(await notice.textContent(), /: 11 statements, 0 ledger entries written\./);
  const href = await page.getByRole("link", { name: "Export the ledger (CSV)" }).getAttribute("href");
  const csv = await page.request.get(`${baton.url}${href}`);
  assert.equal(csv.status(), 200);
  const text = await csv.text();
  assert.match(text, /^user_id,name,email,period,posted_in,line,kind,amount,currency,deal_id,explanation,run_id,created_at\n/);
  assert.ok(text.split("\n").length > 10, "the quarter's bookings are in it");
  await page.close();
});

test("finance saves a new plan version: a bad one comes back with each problem's line and field", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "finance"));
  await page.goto(`${baton.url}/commission`);
  await page.getByRole("link", { name: "Commission plans →" }).click();
  const source = await page.locator("pre.source").first().textContent();
  assert.match(source, /^# Account executives/);
  const next = source.replace("version = 1", "version = 2");
  await page.getByLabel("Plan (TOML)").fill(next.replace("{ from_pct = 100, to_pct = 150", "{ from_pct = 90, to_pct = 150"));
  await page.getByRole("button", { name: "Check and save" }).click();
  const errors = page.locator("#plan-errors");
  await errors.waitFor();
  assert.match(await errors.textContent(), /line \d+, column \d+: components\[0\]\.tiers\[1\]\.from_pct: overlap/);
  assert.match(await page.getByLabel("Plan (TOML)").inputValue(), /from_pct = 90/, "the text as typed is kept");
  await shot(page, "commission-plan-errors");
  await page.getByLabel("Plan (TOML)").fill(next);
  await page.getByRole("button", { name: "Check and save" }).click();
  await page.locator(".notice", { hasText: "Saved plan ae version 2." }).waitFor();
  await page.close();
});
