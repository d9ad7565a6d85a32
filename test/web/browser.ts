/**
 * Headless Chromium for the browser tests, driven by playwright-core (never `npx playwright install`: no download).
 * Which Chromium: `CHROMIUM_PATH` if set, else Debian's `/usr/bin/chromium` if installed, else the build shipped
 * inside the `@sparticuz/chromium` dev dependency (decompressed to the temp folder on first use), so `npm install`
 * then `npm test` works on a machine with no system browser. `CERTLEDGER_NO_SYSTEM_CHROMIUM=1` skips
 * `/usr/bin/chromium`, to test that last case on a machine that has it.
 * The pages are built once per run; screenshots go to test-output/screenshots/ for a person to look at.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { buildWebPages } from "../../scripts/build-web";

export const SYSTEM_CHROMIUM = "/usr/bin/chromium";
export const SCREENSHOT_DIR = path.resolve(__dirname, "..", "..", "test-output", "screenshots");

let built: Promise<void> | undefined;
let browser: Promise<Browser> | undefined;

/** Builds the pages (once per test run) so the server serves what the sources say now. */
export function ensureWebBuilt(): Promise<void> {
  built ??= buildWebPages();
  return built;
}

/** The Chromium the tests drive, and where it comes from. */
export async function chromiumExecutable(): Promise<{ path: string; source: "CHROMIUM_PATH" | "system" | "npm" }> {
  if (process.env.CHROMIUM_PATH) return { path: process.env.CHROMIUM_PATH, source: "CHROMIUM_PATH" };
  if (process.env.CERTLEDGER_NO_SYSTEM_CHROMIUM !== "1" && existsSync(SYSTEM_CHROMIUM)) {
    return { path: SYSTEM_CHROMIUM, source: "system" };
  }
  // Only its binary is used, not its `args`: those are for AWS Lambda (`--single-process` runs every page in the
  // browser's process, `--disable-web-security` would hide the pages' CSP and CORS mistakes from the tests).
  const { default: Sparticuz } = await import("@sparticuz/chromium");
  return { path: await Sparticuz.executablePath(), source: "npm" };
}

/** The shared headless browser (started on first use). */
export function launchBrowser(): Promise<Browser> {
  browser ??= chromiumExecutable().then(({ path: executablePath }) =>
    chromium.launch({
      executablePath,
      headless: true,
      args: ["--no-sandbox", "--disable-background-networking", "--disable-dev-shm-usage"],
    }),
  );
  return browser;
}

/** A fresh browser context (its own storage) and page; console errors and page errors are collected in `errors`. */
export async function openPage(options: { viewport?: { width: number; height: number }; locale?: string } = {}): Promise<{
  context: BrowserContext;
  page: Page;
  errors: string[];
}> {
  await ensureWebBuilt();
  const context = await (
    await launchBrowser()
  ).newContext({
    viewport: options.viewport ?? { width: 1280, height: 900 },
    locale: options.locale ?? "en-GB",
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  return { context, page, errors };
}

/** Saves a full-page screenshot as test-output/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Closes the shared browser (call from a root `after`). */
export async function closeBrowser(): Promise<void> {
  if (browser) await (await browser).close();
  browser = undefined;
}
