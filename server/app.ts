import { randomUUID } from "node:crypto";
import type { IncomingMessage, RequestListener } from "node:http";
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from "express";
import { rateLimit, type Store } from "express-rate-limit";
import helmet from "helmet";
import type { Logger } from "pino";
import { CertLedgerError } from "../src/errors";
import type { AppDependencies } from "./dependencies";
import { createLogger } from "./logger";
import { withDirectRoute } from "./direct-route";
import { Metrics } from "./metrics";
import { mountOpenApiRoutes } from "./openapi";
import { expressPath, type MountContext } from "./operation";
import { problemHandler, routeNotFound } from "./problem";
import { mountRoutes } from "./routes";
import { mountVerifyRoutes, verifyOperations, type VerifyRouteDependencies } from "./routes/verify";
import { mountWebPages } from "./web-pages";

export type { AppDependencies } from "./dependencies";

/** JSON bodies that carry no document (status changes, admin operations). */
const SMALL_JSON_BYTES = 64 * 1024;
/**
 * The public verification's JSON body: a hash, a number, a credential (a compact JWS of at most 1,000,000 characters)
 * or a proof bundle, which has its own cap, {@link PROOF_BUNDLE_JSON_BYTES}, the larger of the two. A bundle that
 * carries a larger document is verified as a file (the web verifier sends it so), or offline with `verify-bundle`.
 */
const PROOF_BUNDLE_JSON_BYTES = 2 * 1024 * 1024;
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** How an app is assembled besides its dependencies. */
export interface AppOptions {
  /**
   * Where the public rate limit counts requests (default: in this process). Verification processes count in the node's
   * process, with the node's own requests, so a client's limit holds whichever process answers it.
   */
  rateLimitStore?: Store;
}

/** What every app is built from, whatever routes it mounts. */
type AppBase = Pick<AppDependencies, "config" | "auth" | "logger" | "metrics">;

/**
 * The Express application of the API, built from its dependencies: security headers, request logs without secrets,
 * metrics, the public rate limit, every route under /v1 (plus /healthz, /readyz, /metrics, /openapi.json, /docs), and
 * problem+json for every failure.
 */
export function createApp(deps: AppDependencies, options: AppOptions = {}): Express {
  return assembleApp(deps, options, (router, context, metrics) => {
    mountRoutes(router, deps, context, metrics);
    mountOpenApiRoutes(router, deps.config, context);
    mountWebPages(router, context.logger);
  }).app;
}

/**
 * A verification process's app, and the listener to serve (with expressServerClasses(app)), which answers its own
 * route without the router.
 */
export interface VerificationApp {
  app: Express;
  listener: RequestListener;
}

/**
 * The app of a verification process (server/verification-process.ts): the same headers, logs, metrics, rate limit and
 * problems as {@link createApp}, with the verification routes alone. `front` runs first and passes on only what this app
 * answers; it forwards the rest to the node. The requests `byHash` claims (GET /v1/verify/{certHash}, its certHash
 * decoded) are answered by the same handlers without Express's router (server/direct-route.ts).
 */
export function createVerificationApp(
  deps: AppBase & VerifyRouteDependencies,
  options: AppOptions & { front: RequestHandler; byHash: (req: IncomingMessage) => string | undefined },
): VerificationApp {
  let verifyByHash: RequestHandler[] = [];
  const assembled = assembleApp(
    deps,
    options,
    (router, context) => ({ verifyByHash } = mountVerifyRoutes(router, deps, context)),
    options.front,
  );
  const listener = withDirectRoute(assembled.app, {
    pattern: expressPath(verifyOperations.verifyByHash.path),
    match: (req) => {
      const certHash = options.byHash(req);
      return certHash === undefined ? undefined : { certHash };
    },
    handlers: [...assembled.middlewares, ...verifyByHash],
    onError: assembled.onError,
  });
  return { app: assembled.app, listener };
}

/** An app, with the middlewares it runs before its routes and its error handler, for a route answered directly. */
interface AssembledApp {
  app: Express;
  middlewares: RequestHandler[];
  onError: ErrorRequestHandler;
}

function assembleApp(
  deps: AppBase,
  options: AppOptions,
  mount: (router: express.Router, context: MountContext, metrics: Metrics) => void,
  front?: RequestHandler,
): AssembledApp {
  const logger = deps.logger ?? createLogger(deps.config.logLevel);
  const metrics = deps.metrics ?? new Metrics();
  const app = express();
  app.disable("x-powered-by");
  // Who the client is (req.ip, which the public rate limit keys on): the TCP peer, unless TRUST_PROXY names the
  // reverse proxies whose X-Forwarded-For is believed. Any client can write that header; only a proxy's counts.
  app.set("trust proxy", deps.config.trustProxy);
  // No ETag on JSON answers: they are computed per request (a verification's report carries the time it was made), so
  // hashing every body (SHA-1) for a validator no client can use cost a tenth of a cached verification's CPU time.
  // Files (web pages, Swagger UI) keep theirs: express.static and sendFile make their own.
  app.set("etag", false);
  if (front) app.use(front);
  const middlewares = [requestLog(logger), helmet(), metrics.middleware()];
  for (const middleware of middlewares) app.use(middleware);

  const context: MountContext = {
    auth: deps.auth,
    logger,
    publicLimiter: rateLimit({
      windowMs: 60_000,
      limit: deps.config.rateLimitPerMinute,
      standardHeaders: "draft-8",
      legacyHeaders: false,
      store: options.rateLimitStore,
      // Callers with a valid token are the ledger's own issuers and admins, not the anonymous public.
      skip: (_req, res) => res.locals.principal !== undefined,
      handler: (_req, _res, next) =>
        next(
          new CertLedgerError(
            "RATE_LIMITED",
            `more than ${deps.config.rateLimitPerMinute} requests a minute from this address; wait a little`,
          ),
        ),
    }),
    limits: {
      smallJsonBytes: SMALL_JSON_BYTES,
      verificationJsonBytes: PROOF_BUNDLE_JSON_BYTES,
      // A proof bundle or a batch may carry a whole file as base64 (4/3 of its size), plus its JSON around it.
      documentJsonBytes: Math.ceil((deps.config.maxFileBytes * 4) / 3) + 1024 * 1024,
      maxFileBytes: deps.config.maxFileBytes,
    },
  };
  const router = express.Router();
  mount(router, context, metrics);
  app.use(router);
  app.use(routeNotFound());
  const onError = problemHandler(logger);
  app.use(onError);
  return { app, middlewares, onError };
}

/**
 * Gives each request an id (echoing a well-formed X-Request-Id) and logs it when answered: method, route, status, time —
 * never headers or bodies. The line is built here from those fields alone, so it goes through a child logger without
 * the redaction pass (which walks every redacted path, wildcards included, for each line: 2-3 times the cost of the
 * line itself); and when info is off, nothing is timed or listened for at all.
 */
function requestLog(logger: Logger): RequestHandler {
  const requests = logger.child({}, { redact: { paths: [] } });
  const logging = requests.isLevelEnabled("info");
  return (req, res, next) => {
    const given = req.get("x-request-id");
    const requestId = given !== undefined && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader("X-Request-Id", requestId);
    if (logging) {
      const started = performance.now();
      res.once("finish", () => {
        const pattern = (req.route as { path?: unknown } | undefined)?.path;
        requests.info(
          {
            requestId,
            method: req.method,
            route: typeof pattern === "string" ? pattern : undefined,
            path: req.path,
            status: res.statusCode,
            ms: Math.round((performance.now() - started) * 1000) / 1000,
          },
          "request",
        );
      });
    }
    next();
  };
}
