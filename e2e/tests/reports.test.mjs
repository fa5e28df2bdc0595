// The quarterly review: a coordinator opens last quarter's review, sees every metric with the
// two compared quarters, the charts drawn, a team picked, and downloads it; a rep's review
// holds only their own row.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo } from "../lib/baton.mjs";
import { signIn, shot, loginFor } from "../lib/pages.mjs";

let baton;
let browser;

withDemo((started) => ({ baton, browser } = started));

test("a coordinator reads last quarter's review with its charts and downloads it", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "coordinator"));
  await page.getByRole("link", { name: "Reports" }).click();
  await page.waitForURL(/\/reports$/);
  // The last complete quarter, beside the one before and the same one a year earlier.
  const heading = await page.locator("h1").textContent();
  const quarter = heading.match(/(\d{4}-Q\d)/)[1];
  const headers = await page.locator(".review-metrics thead th").allTextContents();
  assert.equal(headers[1], quarter);
  assert.equal(headers.length, 6);
  const winRate = page.locator(".review-metrics tr", { has: page.locator("th", { hasText: /^Win rate$/ }) });
  assert.match(await winRate.locator("td").first().textContent(), /^\d+\.\d %$/);
  // Four charts, each drawn as a canvas by uPlot over its table.
  const charts = page.locator("figure.chart");
  assert.equal(await charts.count(), 4);
  for (let i = 0; i < 4; i += 1) {
    await charts.nth(i).locator("canvas").first().waitFor();
  }
  assert.ok((await page.locator("#t-reps ~ div table tbody tr").count()) > 1, "several reps");
  await shot(page, "review");

  // The workbook and a table as CSV.
  const [xlsx] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download XLSX" }).click(),
  ]);
  assert.equal(xlsx.suggestedFilename(), `review-${quarter}.xlsx`);
  const response = await page.request.get(`${baton.url}/reports/quarterly.csv?quarter=${quarter}&table=reps`);
  assert.equal(response.status(), 200);
  assert.match(await response.text(), /^Rep,Team,Quota,Closed won,Attainment %/);

  // One team only: the first rep's.
  const team = await page.locator("#t-reps ~ div table tbody tr td:nth-child(2)").first().textContent();
  await page.locator("#review-team").selectOption({ label: team });
  await page.getByRole("button", { name: "Show" }).click();
  await page.waitForURL(/team=\d+/);
  const teams = await page.locator("#t-reps ~ div table tbody tr td:nth-child(2)").allTextContents();
  assert.ok(teams.length > 0 && teams.every((t) => t === team || t === "—"), `only ${team}: ${teams}`);
  await page.close();
});

test("a rep's review holds only their own row", async () => {
  const login = loginFor(baton.logins, "rep");
  const page = await signIn(browser.context, baton.url, login);
  await page.goto(`${baton.url}/reports`);
  const names = await page.locator("#t-reps ~ div table tbody tr td:first-child").allTextContents();
  assert.equal(names.length, 1);
  assert.match(login.email, new RegExp(`^${names[0].split(" ")[0].toLowerCase()}@`));
  await page.close();
});

test("a manager's dashboard shows the team's quarter and a pinned query drawn as its chart", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "manager"));
  // A saved query with a chart, from the SQL page.
  await page.goto(`${baton.url}/sql`);
  await page.getByLabel("Query").fill(
    "SELECT owner_name, count(*) AS deals FROM rpt_deals WHERE NOT archived GROUP BY owner_name ORDER BY owner_name",
  );
  await page.getByRole("button", { name: "Run" }).click();
  await page.locator("#sql-table").waitFor();
  await page.getByLabel("X axis (labels)").selectOption("owner_name");
  await page.getByLabel("Y axis (values)").selectOption(["deals"]);
  await page.getByLabel("Name", { exact: true }).fill("My team's deals (e2e)");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.waitForURL(/\/sql\?saved=\d+$/);

  await page.getByRole("link", { name: "Dashboard" }).click();
  await page.waitForURL(/\/dashboard$/);
  assert.match(await page.locator(".note").first().textContent(), /your team’s numbers/);
  assert.ok((await page.locator(".kpi").count()) >= 5, "the quarter's figures");
  await page.locator("figure.chart canvas").first().waitFor();
  await page.getByLabel("Pin a saved query").selectOption({ label: "My team's deals (e2e)" });
  await page.getByRole("button", { name: "Pin", exact: true }).click();
  const pin = page.locator("section.pin", { hasText: "My team's deals (e2e)" });
  await pin.locator("canvas").first().waitFor();
  // The query ran as the manager: only their team's owners.
  assert.ok((await pin.locator("tbody tr").count()) >= 1);
  await shot(page, "dashboard");
  await pin.getByRole("button", { name: "Unpin" }).click();
  await page.waitForURL(/\/dashboard$/);
  assert.equal(await page.locator("section.pin").count(), 0);
  await page.close();
});
