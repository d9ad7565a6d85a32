/**
 * Serves the web pages built from `web/` (see scripts/build-web.ts): the public verifier at `/` and at every
 * verification link (`/v/…`, the link's `#k=` fragment never reaches here), the issuer console at `/console`, and their
 * assets under `/assets/`. The pages hold no rule: they call the API like any client.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import express, { type Router } from "express";
import helmet from "helmet";
import type { Logger } from "pino";

/** Where `npm run build:web` writes the pages. */
export const WEB_DIST_DIR = path.resolve(__dirname, "..", "web", "dist");

/**
 * The pages' own Content-Security-Policy: scripts only from this server; images, frames and objects may also be `blob:`
 * and `data:` URLs, because decrypted payloads (a PDF, a picture) and QR codes are shown from memory, never re-uploaded.
 */
const pagePolicy = helmet.contentSecurityPolicy({
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", "data:", "blob:"],
    frameSrc: ["'self'", "blob:"],
    objectSrc: ["'self'", "blob:"],
    connectSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'self'"],
    baseUri: ["'self'"],
  },
});

/** Mounts the pages and their assets on `router`; without a build it says how to make one instead of failing silently. */
export function mountWebPages(router: Router, logger: Logger, distDir = WEB_DIST_DIR): void {
  if (!existsSync(path.join(distDir, "verifier.js"))) {
    logger.warn({ distDir }, "the web pages are not built (npm run build:web); the API works without them");
  }
  const page = (file: string): express.RequestHandler[] => [
    pagePolicy,
    (_req, res, next) => {
      res.set("Cache-Control", "no-cache");
      res.sendFile(path.join(distDir, file), (error) => {
        if (error) next();
      });
    },
  ];
  router.get("/", ...page("verifier.html"));
  router.get("/v/{*link}", ...page("verifier.html"));
  router.get("/console", ...page("console.html"));
  router.use("/assets", pagePolicy, express.static(distDir, { index: false, fallthrough: true, maxAge: "5m" }));
}
