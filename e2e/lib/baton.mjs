// Starts a real `baton demo` on a free port in a fresh data directory, and Debian's Chromium.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { before, after } from "node:test";
import { chromium } from "playwright-core";

const here = new URL(".", import.meta.url).pathname;
export const screenshots = resolve(here, "../screenshots");

/** Runs `baton demo` and resolves once it prints its URL and logins. */
export async function startDemo() {
  const bin = resolve(process.env.BATON_BIN ?? resolve(here, "../../target/debug/baton"));
  const dataDir = mkdtempSync(join(tmpdir(), "baton-e2e-"));
  const child = spawn(bin, ["--data-dir", dataDir, "demo", "--listen", "127.0.0.1:0"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, BATON_LOG: "warn" },
  });
  let output = "";
  let errors = "";
  child.stderr.on("data", (d) => (errors += d));
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`baton demo did not start:\n${output}\n${errors}`)), 120_000);
    child.stdout.on("data", (d) => {
      output += d;
      const match = output.match(/running at (http:\/\/\S+)/);
      if (match && output.includes("password")) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
    child.on("exit", (code) => reject(new Error(`baton demo exited with ${code}:\n${output}\n${errors}`)));
  });
  // Give the login lines a moment to arrive in full.
  await new Promise((r) => setTimeout(r, 200));
  const logins = [...output.matchAll(/^\s+(\w+)\s+(\S+@\S+)\s+(\S+)$/gm)].map((m) => ({
    role: m[1],
    email: m[2],
    password: m[3],
  }));
  return {
    url,
    logins,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless, with no network beyond what the page asks of localhost.
 * `context` is the first browser profile; `newContext()` opens another, with its own cookies,
 * for a second person at the same time. */
export async function launchBrowser() {
  mkdirSync(screenshots, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const context = await browser.newContext();
  return {
    context,
    newContext: (options) => browser.newContext(options),
    async close() {
      await browser.close();
    },
  };
}

/** Starts a demo and a browser before a file's tests and stops both after them; `set` receives
 * `{ baton, browser }` once they run (and is awaited, so it can prepare more), so a file can
 * keep them in its own variables: `withDemo((started) => ({ baton, browser } = started));` */
export function withDemo(set) {
  let started = {};
  before(async () => {
    started = { baton: await startDemo(), browser: await launchBrowser() };
    await set(started);
  });
  after(async () => {
    await started.browser?.close();
    await started.baton?.stop();
  });
}
