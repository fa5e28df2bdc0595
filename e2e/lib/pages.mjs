// Page helpers shared by the browser tests.
import { join } from "node:path";
import { screenshots } from "./baton.mjs";

/** Signs `login` ({email, password}) in on a fresh page and returns it on the page signed in to. */
export async function signIn(context, baseUrl, login) {
  // The tests share one browser profile: start each sign-in signed out.
  await context.clearCookies();
  const page = await context.newPage();
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel("Email").fill(login.email);
  await page.getByLabel("Password").fill(login.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/today$/);
  return page;
}

/** Saves a screenshot under e2e/screenshots/. */
export async function shot(page, name) {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

/** The first login with `role`. */
export function loginFor(logins, role) {
  const login = logins.find((l) => l.role === role);
  if (!login) throw new Error(`no ${role} login among ${JSON.stringify(logins)}`);
  return login;
}
