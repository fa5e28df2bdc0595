// Possible duplicates: the coordinator finds them on Today and merges two accounts; an admin
// undoes the merge.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo } from "../lib/baton.mjs";
import { signIn, shot, loginFor } from "../lib/pages.mjs";

let baton;
let browser;

withDemo((started) => ({ baton, browser } = started));

test("the coordinator merges two spellings of one company and an admin undoes it", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "coordinator"));
  const card = page.locator("#duplicates");
  // The card's contents arrive after the page.
  await card.getByText(/NORTHWIND TRADERS, INC\./).waitFor();
  assert.ok(Number(await card.locator(".count").textContent()) >= 2, "the demo plants an account and a contact duplicate");
  assert.match(await card.textContent(), /NORTHWIND TRADERS, INC\./);
  await card.getByRole("link", { name: "Review duplicates" }).click();
  await page.waitForURL(/\/duplicates$/);

  const group = page.locator(".duplicate-group", { hasText: "same name: northwind traders" });
  await group.waitFor();
  assert.equal(await group.locator("tbody tr").first().locator("td").count(), 2);
  const keep = group.getByRole("radio", { name: /^Keep Northwind Traders Inc \(\d+\)$/ });
  assert.ok(await keep.isChecked(), "the oldest record is kept unless chosen otherwise");
  const kept = await keep.getAttribute("value");
  await shot(page, "duplicates-review");
  await group.getByRole("button", { name: "Merge" }).click();
  await page.getByRole("status").filter({ hasText: `Merged 1 into account ${kept}` }).waitFor();
  assert.equal(await page.locator(".duplicate-group", { hasText: "northwind traders" }).count(), 0);

  // The kept account now has both contacts.
  await page.goto(`${baton.url}/accounts/${kept}`);
  await page.getByText("Nancy Davolio").first().waitFor();
  await page.getByText("Andrew Fuller").first().waitFor();
  await page.close();

  const admin = await signIn(browser.context, baton.url, loginFor(baton.logins, "admin"));
  await admin.goto(`${baton.url}/duplicates/merges`);
  const row = admin.locator(".merges li", { hasText: `account ${kept}` }).first();
  await row.getByRole("button", { name: /^Undo merge \d+$/ }).click();
  await admin.getByRole("status").filter({ hasText: /Merge \d+ was undone\./ }).waitFor();
  assert.match(await admin.locator(".merges li", { hasText: `account ${kept}` }).first().textContent(), /undone/);
  assert.equal(await admin.locator(".merges li", { hasText: `account ${kept}` }).first().getByRole("button").count(), 0);
  await shot(admin, "duplicates-undone");
  await admin.goto(`${baton.url}/duplicates?entity=accounts`);
  await admin.locator(".duplicate-group", { hasText: "same name: northwind traders" }).waitFor();
  await admin.close();
});
