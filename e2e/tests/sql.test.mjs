// The SQL page: a coordinator answers a question with a query, draws it, saves it for everyone
// and downloads it; a refused query says why; a rep opens the shared query with its chart.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo } from "../lib/baton.mjs";
import { signIn, shot, loginFor } from "../lib/pages.mjs";

let baton;
let browser;

withDemo((started) => ({ baton, browser } = started));

const NAME = "Deals per stage (e2e)";

test("a coordinator runs a query, charts it, saves it shared, sees a refusal and downloads the CSV", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "coordinator"));
  await page.getByRole("link", { name: "SQL", exact: true }).click();
  await page.waitForURL(/\/sql$/);
  await page.locator("summary", { hasText: "Reporting views" }).click();
  assert.match(await page.locator(".sql-schema").textContent(), /rpt_deals\s*id, name, account_id/);

  // Ctrl+Enter runs the query; the table replaces nothing but the result.
  const editor = page.getByLabel("Query");
  await editor.fill(
    "SELECT stage, count(*) AS deals, sum(amount_minor) AS amount FROM rpt_deals WHERE NOT archived GROUP BY stage ORDER BY stage",
  );
  await editor.press("Control+Enter");
  const table = page.locator("#sql-table");
  await table.waitFor();
  assert.deepEqual(await table.locator("thead th").allTextContents(), ["stage", "deals", "amount"]);
  const rows = await table.locator("tbody tr").count();
  assert.ok(rows > 1, "the demo's deals are in several stages");
  assert.match(await page.locator("#sql-meta").textContent(), new RegExp(`^${rows} rows · \\d+ ms$`));

  // The chart builder draws once both axes are chosen.
  assert.equal(await page.locator("#sql-chart canvas").count(), 0, "no chart before the axes are chosen");
  await page.getByLabel("X axis (labels)").selectOption("stage");
  await page.getByLabel("Y axis (values)").selectOption(["deals"]);
  await page.locator("#sql-chart canvas").first().waitFor();
  await page.getByLabel("Type", { exact: true }).selectOption("line");
  await page.locator("#sql-chart canvas").first().waitFor();
  await shot(page, "sql-chart");

  // Saved for everyone, it opens again with its chart.
  await page.getByLabel("Name", { exact: true }).fill(NAME);
  await page.getByLabel("Share with everyone").check();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.waitForURL(/\/sql\?saved=\d+$/);
  await page.locator("#sql-chart canvas").first().waitFor();
  assert.equal(await page.getByLabel("Type", { exact: true }).inputValue(), "line");
  assert.match(await page.locator("#saved-mine").textContent(), /Deals per stage \(e2e\)\s+shared/);

  // A refusal shows the console's message beside the editor.
  await editor.fill("DELETE FROM rpt_deals");
  await page.getByRole("button", { name: "Run" }).click();
  const error = page.locator("#sql-error");
  await error.waitFor();
  assert.match(await error.textContent(), /DELETE changes data/);
  await shot(page, "sql-refused");

  // The download holds the whole result with its header.
  await editor.fill("SELECT stage, count(*) AS deals FROM rpt_deals GROUP BY stage ORDER BY stage");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download CSV" }).click(),
  ]);
  assert.equal(download.suggestedFilename(), "Deals-per-stage-e2e.csv");
  const csv = Buffer.concat(await (await download.createReadStream()).toArray()).toString();
  assert.match(csv, /^stage,deals\n/);
  assert.equal(csv.trim().split("\n").length, rows + 1, "a line per stage after the header");
  await page.close();
});

test("a rep opens the shared query with its chart and cannot change it", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "rep"));
  await page.getByRole("link", { name: "SQL", exact: true }).click();
  const shared = page.locator("#saved-shared li", { hasText: NAME });
  assert.match(await shared.textContent(), /by \S+/);
  await shared.getByRole("link", { name: NAME }).click();
  await page.waitForURL(/\/sql\?saved=\d+$/);
  await page.locator("#sql-chart canvas").first().waitFor();
  assert.equal(await page.getByRole("button", { name: "Update" }).count(), 0);
  assert.equal(await page.getByRole("button", { name: "Delete" }).count(), 0);
  await page.close();
});
