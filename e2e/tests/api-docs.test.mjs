// The API reference page renders from files embedded in the binary, with no network.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { withDemo, screenshots } from "../lib/baton.mjs";

let baton;
let browser;

withDemo((started) => ({ baton, browser } = started));

test("the demo prints a login for every role", () => {
  const roles = new Set(baton.logins.map((l) => l.role));
  for (const role of ["admin", "coordinator", "manager", "rep", "finance"]) {
    assert.ok(roles.has(role), `no ${role} login in ${JSON.stringify(baton.logins)}`);
  }
  assert.ok(baton.logins.some((l) => l.email === "maria@demo.baton.local" && l.role === "coordinator"));
});

test("the API reference renders every operation offline", async () => {
  const page = await browser.context.newPage();
  const origin = new URL(baton.url).origin;
  const elsewhere = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith("data:")) return route.continue();
    elsewhere.push(url);
    return route.abort();
  });
  await page.goto(`${baton.url}/api/v1/docs`);
  await page.locator(".opblock").first().waitFor({ timeout: 30_000 });
  const operations = await page.locator(".opblock").count();
  assert.ok(operations >= 50, `only ${operations} operations rendered`);
  await page.getByText("/api/v1/deals/{id}/history").first().waitFor();
  await page.screenshot({ path: join(screenshots, "api-docs.png"), fullPage: false });
  assert.deepEqual(elsewhere, [], "the page asked for something outside Baton");
  await page.close();
});
