/**
 * Builds the web pages (verifier, issuer console) from TypeScript in `web/` into `web/dist/` with esbuild: one bundle per
 * page, for the browsers customs posts and banks use (ES2020). `npm start` and the browser tests run it; the server only
 * serves what is there.
 */
import { copyFile, mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";

export const WEB_DIR = path.resolve(__dirname, "..", "web");
export const WEB_DIST_DIR = path.join(WEB_DIR, "dist");

/** The pages: each an HTML shell in web/static and an entry point in web/<page>/main.ts. */
const PAGES = ["verifier", "console"] as const;

/** Bundles every page's script and copies the static files (HTML, CSS) beside them. */
export async function buildWebPages(outDir = WEB_DIST_DIR): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: Object.fromEntries(PAGES.map((page) => [page, path.join(WEB_DIR, page, "main.ts")])),
    outdir: outDir,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2020",
    minify: true,
    sourcemap: true,
    logLevel: "warning",
    legalComments: "linked",
  });
  const staticDir = path.join(WEB_DIR, "static");
  for (const name of await readdir(staticDir)) await copyFile(path.join(staticDir, name), path.join(outDir, name));
}

if (require.main === module) {
  buildWebPages().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
