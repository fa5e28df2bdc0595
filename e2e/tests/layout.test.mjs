// Usable at a phone's width, and the keyboard's focus always visible.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo } from "../lib/baton.mjs";
import { signIn, shot, loginFor } from "../lib/pages.mjs";

let baton;
let browser;

withDemo((started) => ({ baton, browser } = started));

test("every page fits a phone's width: nothing but a wide table or the board scrolls sideways", async () => {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await signIn(phone, baton.url, loginFor(baton.logins, "coordinator"));
  const firstDeal = async () => {
    await page.goto(`${baton.url}/deals`);
    return page.locator("table.list tbody tr td:nth-child(2) a").first().getAttribute("href");
  };
  const paths = ["/today", "/pipeline", "/deals", await firstDeal(), "/accounts", "/contacts", "/activities", "/search?q=a"];
  const failures = [];
  for (const path of paths) {
    await page.goto(`${baton.url}${path}`);
    // On a phone the browser widens the layout to fit what overflows, so measure against the
    // phone's own width.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - 390);
    if (overflow > 0) failures.push(`${path} is ${overflow}px wider than the phone`);
    const name = path.replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "root";
    await shot(page, `phone-${name}`);
  }
  assert.deepEqual(failures, []);
  await phone.close();
});

test("the keyboard's focus is visible on links, buttons and fields", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "coordinator"));
  await page.goto(`${baton.url}/deals`);
  for (const selector of ["nav a", "button", "input[type=search], input[name=q]"]) {
    const element = page.locator(selector).first();
    await element.focus();
    // Focus from the keyboard: Tab away and back so :focus-visible applies.
    await page.keyboard.press("Tab");
    await page.keyboard.press("Shift+Tab");
    const outline = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement);
      return { style: style.outlineStyle, width: parseFloat(style.outlineWidth), shadow: style.boxShadow };
    });
    assert.ok(
      (outline.style !== "none" && outline.width > 0) || outline.shadow !== "none",
      `${selector} shows no focus: ${JSON.stringify(outline)}`,
    );
  }
  await page.close();
});
