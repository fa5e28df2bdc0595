// Lists: filter, sort, choose columns, page, save a view, and change many deals at once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { withDemo } from "../lib/baton.mjs";
import { signIn, shot, loginFor } from "../lib/pages.mjs";

let baton;
let browser;

withDemo((started) => ({ baton, browser } = started));

// The table shows a selection box, then Name, Owner, Amount.
const amounts = async (page) =>
  (await page.locator("table.list tbody tr td:nth-child(4)").allTextContents()).map((t) => Number(t.replace(/[^0-9.]/g, "")));

test("deals sort by amount, show chosen columns, page on, and a view can be saved", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "coordinator"));
  await page.goto(`${baton.url}/deals`);
  await page.locator("details.picker summary").click();
  const picker = page.locator("details.picker");
  for (const column of ["Account", "Stage", "Close date"]) await picker.getByLabel(column, { exact: true }).uncheck();
  await page.getByLabel("State").selectOption("open");
  await page.getByRole("button", { name: "Apply", exact: true }).click();
  await page.getByRole("link", { name: "Amount" }).click();
  await page.getByRole("link", { name: "Amount" }).click();
  assert.equal(await page.locator("th[aria-sort]").getAttribute("aria-sort"), "descending");
  const headers = await page.locator("table.list thead th").allTextContents();
  assert.deepEqual(headers.map((h) => h.trim()), ["Select", "Name", "Owner", "Amount"]);
  const first = await amounts(page);
  assert.equal(first.length, 50);
  assert.ok(first.every((a, i) => i === 0 || a <= first[i - 1]), `not descending: ${first}`);
  await page.getByRole("link", { name: "Next page" }).click();
  const second = await amounts(page);
  assert.ok(second[0] <= first[first.length - 1], "the next page continues where the first stopped");
  await page.getByLabel("Save this view as").fill("Biggest open deals");
  await page.getByRole("button", { name: "Save view" }).click();
  await page.getByRole("status").filter({ hasText: "Saved the view" }).waitFor();
  await page.getByRole("link", { name: "Biggest open deals" }).click();
  assert.equal(await page.locator("th[aria-sort]").getAttribute("aria-sort"), "descending");
  await shot(page, "deals-list");
  await page.close();
});

test("the coordinator reassigns several deals at once; a rep may not, and is told why", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "coordinator"));
  await page.goto(`${baton.url}/deals?outcome=open&sort=name`);
  const boxes = page.locator("table.list tbody input[name=ids]");
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  const names = await page.locator("table.list tbody tr td:nth-child(2)").allTextContents();
  await page.getByLabel("With the selected:").selectOption("owner_id");
  await page.getByLabel("Reassign to").selectOption({ label: "Hiro Tanaka" });
  await page.getByRole("button", { name: "Apply to selected" }).click();
  await page.getByRole("status").filter({ hasText: "Changed 2 of 2." }).waitFor();
  await page.goto(`${baton.url}/deals?outcome=open&sort=name&q=${encodeURIComponent(names[0].trim().slice(0, 12))}`);
  const row = page.locator("table.list tbody tr", { hasText: names[0].trim() });
  assert.match(await row.first().textContent(), /Hiro Tanaka/);
  await page.close();

  const ana = await signIn(browser.context, baton.url, baton.logins.find((l) => l.email.startsWith("ana@")));
  await ana.goto(`${baton.url}/deals?outcome=open`);
  await ana.locator("table.list tbody input[name=ids]").first().check();
  await ana.getByLabel("With the selected:").selectOption("owner_id");
  await ana.getByLabel("Reassign to").selectOption({ label: "Hiro Tanaka" });
  await ana.getByRole("button", { name: "Apply to selected" }).click();
  const notice = ana.getByRole("status");
  await notice.waitFor();
  assert.match(await notice.textContent(), /Changed 0 of 1\. Not changed: #\d+: owner_id: you cannot assign records to user \d+/);
  await shot(ana, "deals-bulk-refused");
  await ana.close();
});

test("Export CSV downloads every deal the page's filters match, not one page", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "coordinator"));
  await page.goto(`${baton.url}/deals?outcome=open&sort=name`);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Export CSV" }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^deals-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = (await readFile(await download.path(), "utf8")).trim().split("\n");
  assert.ok(lines[0].startsWith("ID,Name,Account,Owner,Stage,Amount,Currency"), lines[0]);
  assert.ok(lines.length - 1 > 50, `every open deal, not one page: ${lines.length - 1}`);
  const first = (await page.locator("table.list tbody tr td:nth-child(2)").first().textContent()).trim();
  assert.ok(lines[1].includes(first), `the page's first row comes first: ${lines[1]} / ${first}`);
  await page.close();
});
