// Importing from the web page: a CSV stops at its preview, where the coordinator maps a column
// Baton did not recognise, then imports; a Salesforce export's files upload together and end
// with a summary and the rejected rows to download.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo } from "../lib/baton.mjs";
import { signIn, shot, loginFor } from "../lib/pages.mjs";

let baton;
let browser;

withDemo((started) => ({ baton, browser } = started));

const csv = (name, text) => ({ name, mimeType: "text/csv", buffer: Buffer.from(text) });

test("a CSV shows its first rows and mapping, and imports once the mapping is confirmed", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "coordinator"));
  await page.getByRole("link", { name: "Import" }).click();
  await page.waitForURL(/\/import$/);
  await page.getByLabel("From").selectOption("csv");
  await page.getByLabel("The CSV holds").selectOption("accounts");
  await page.getByLabel("Files").setInputFiles(
    csv("firms.csv", "Firm,Website,Staff\nUmbrella Web Import,umbrella-web.example,40\nHooli Web Import,,7\n"),
  );
  await page.getByRole("button", { name: "Upload and import" }).click();

  const panel = page.locator("#import-panel");
  await panel.getByRole("heading", { name: "Check the columns" }).waitFor();
  assert.match(page.url(), /\/import\/\d+$/, "the address is the job's page");
  assert.equal(await panel.locator("table.preview tbody tr").count(), 2);
  assert.equal(await panel.getByLabel("domain", { exact: true }).inputValue(), "Website", "a known header is matched");
  assert.equal(await panel.getByLabel("name", { exact: true }).inputValue(), "", "Firm is not a known header");
  await panel.getByLabel("name", { exact: true }).selectOption("Firm");
  await panel.getByLabel("employees", { exact: true }).selectOption("Staff");
  await shot(page, "import-preview");
  await panel.getByRole("button", { name: "Import" }).click();

  await panel.getByRole("heading", { name: "Imported" }).waitFor({ timeout: 20000 });
  assert.match(await panel.locator(".import-result").textContent(), /2 rows read, 0 rejected/);
  await page.goto(`${baton.url}/accounts?q=Umbrella%20Web`);
  await page.getByRole("link", { name: "Umbrella Web Import" }).waitFor();
  await page.close();
});

test("a Salesforce export's files import together and the rejected rows can be downloaded", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "admin"));
  await page.goto(`${baton.url}/import`);
  await page.getByLabel("From").selectOption("salesforce");
  assert.ok(await page.locator(".import-object").isHidden(), "only a CSV asks what it holds");
  await page.getByLabel("Files").setInputFiles([
    csv("User.csv", "Id,Name,Email,IsActive\n005000000000001,Ana Upload,ana.web-upload@example.com,true\n"),
    csv("Account.csv", "Id,Name,OwnerId\n001000000000001,Globex Web Upload,005000000000001\n"),
    csv(
      "Opportunity.csv",
      "Id,AccountId,OwnerId,Name,StageName,Amount,CloseDate\n" +
        "006000000000001,001000000000001,005000000000001,Globex web deal,Prospecting,1200,2026-12-01\n" +
        "006000000000002,001000000000404,005000000000001,Dangling web deal,Prospecting,100,2026-12-01\n",
    ),
  ]);
  await page.getByLabel("Add stages the pipeline lacks").check();
  await page.getByRole("button", { name: "Upload and import" }).click();

  const panel = page.locator("#import-panel");
  await panel.getByRole("heading", { name: "Imported" }).waitFor({ timeout: 20000 });
  assert.match(await panel.locator(".import-result").textContent(), /4 rows read, 1 rejected/);
  const row = panel.locator("tr", { hasText: "Opportunity.csv" });
  assert.deepEqual(await row.locator("td").allTextContents(), ["Opportunity.csv", "2", "1"]);
  await shot(page, "import-summary");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    panel.getByRole("link", { name: /Download the rejected rows/ }).click(),
  ]);
  const report = await (await download.createReadStream()).toArray();
  assert.match(Buffer.concat(report).toString(), /Opportunity\.csv,3,AccountId,/);

  await page.goto(`${baton.url}/import`);
  await page.locator("table.list tbody tr").first().getByText("done").waitFor();
  await page.close();
});

test("a file that is not an export is refused beside the form", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "coordinator"));
  await page.goto(`${baton.url}/import`);
  await page.getByLabel("From").selectOption("salesforce");
  await page.getByLabel("Files").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hi") });
  await page.getByRole("button", { name: "Upload and import" }).click();
  await page.getByRole("alert").filter({ hasText: "upload .csv files or a .zip of them" }).waitFor();
  assert.match(page.url(), /\/import$/);
  await page.close();
});
