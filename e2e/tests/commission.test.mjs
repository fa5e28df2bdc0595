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

test("a rep questions a line, finance answers and resolves it, and the rep sees the answer", async () => {
  const repLogin = loginFor(baton.logins, "rep");
  const rep = await signIn(browser.context, baton.url, repLogin);
  await rep.goto(`${baton.url}/commission`);
  const quarter = await rep.locator("#c-period option").nth(1).getAttribute("value");
  await rep.goto(`${baton.url}/commission?period=${quarter}`);
  const line = rep.locator("#lines tbody tr").first();
  await line.locator("summary", { hasText: "Question this line" }).click();
  await line.getByLabel("What looks wrong?").fill("Wasn't this deal split with Ben?");
  await line.getByRole("button", { name: "Send to finance" }).click();
  await rep.locator(".notice", { hasText: "Sent your question to finance" }).waitFor();
  assert.match(await rep.locator("#disputes .badge").first().textContent(), /open/);
  await rep.close();

  const financeContext = await browser.newContext();
  const finance = await signIn(financeContext, baton.url, loginFor(baton.logins, "finance"));
  await finance.goto(`${baton.url}/commission?period=${quarter}`);
  // The first rep login is Ana Silva's.
  await finance.locator("#people a", { hasText: /^Ana / }).click();
  const dispute = finance.locator("#disputes article").first();
  assert.match(await dispute.textContent(), /Wasn't this deal split with Ben\?/);
  await dispute.getByLabel("Reply", { exact: true }).fill("The CRM has no split on it; your manager can add one and we rerun.");
  await dispute.getByLabel("Resolve it with this reply").check();
  await dispute.getByRole("button", { name: "Reply" }).click();
  await finance.locator(".notice", { hasText: "the question is resolved" }).waitFor();
  await financeContext.close();

  const again = await signIn(browser.context, baton.url, repLogin);
  await again.goto(`${baton.url}/commission?period=${quarter}`);
  const seen = again.locator("#disputes article").first();
  assert.match(await seen.locator(".badge").textContent(), /resolved/);
  assert.match(await seen.textContent(), /your manager can add one/);
  await shot(again, "commission-dispute");
  await again.close();
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
  // Tried on last quarter first: each person's cost beside the plan in force, nothing saved.
  await page.getByLabel("Plan (TOML)").fill(next.replace("rate_pct = 10 }", "rate_pct = 8 }"));
  await page.getByRole("button", { name: "Compare with the plan in force" }).click();
  const rows = page.locator("#comparison tbody tr");
  await rows.first().waitFor();
  assert.equal(await rows.count(), 8, "the eight reps on the AE plan");
  const differences = await rows.locator("td:nth-child(4)").allTextContents();
  assert.ok(differences.every((d) => d.startsWith("-$") || d === "$0"), `a lower rate never costs more: ${differences}`);
  await page.getByLabel("Plan (TOML)").fill(next);
  await page.getByRole("button", { name: "Check and save" }).click();
  await page.locator(".notice", { hasText: "Saved plan ae version 2." }).waitFor();
  await page.close();
});
