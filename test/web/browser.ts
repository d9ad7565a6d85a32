/**
 * Headless Chromium for the browser tests: Debian's `chromium` driven by playwright-core (never a downloaded browser).
 * The pages are built once per run; screenshots go to test-output/screenshots/ for a person to look at.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { buildWebPages } from "../../scripts/build-web";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOT_DIR = path.resolve(__dirname, "..", "..", "test-output", "screenshots");

let built: Promise<void> | undefined;
let browser: Promise<Browser> | undefined;

/** Builds the pages (once per test run) so the server serves what the sources say now. */
export function ensureWebBuilt(): Promise<void> {
  built ??= buildWebPages();
  return built;
}

/** The shared headless browser (started on first use). */
export function launchBrowser(): Promise<Browser> {
  browser ??= chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-dev-shm-usage"],
  });
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
