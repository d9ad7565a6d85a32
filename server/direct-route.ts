import type { IncomingMessage, RequestListener } from "node:http";
import type { ErrorRequestHandler, Express, NextFunction, Request, RequestHandler, Response } from "express";
import { CertLedgerError } from "../src/errors";

/**
 * One route of an Express app answered without Express's router: the same handlers, called in the same order, on a
 * request and response set up as Express sets them up. A verification process answers its one route this way
 * (createVerificationApp), the route the public calls most: leaving out the router's layers, path matching and
 * dispatch gave cold 2,011-2,065/s against 1,656-1,955 and hot 4,916-5,138/s against 3,844-4,448 (side by side, 2
 * processes, 2 cores). What the route does — headers, logs, metrics, the rate limit, validation, problems — is the
 * app's own code, not a copy.
 */
export interface DirectRoute {
  /** The route's pattern as Express names it (`/v1/verify/:certHash`): request logs and metrics label requests by it. */
  pattern: string;
  /**
   * The route's parameters, decoded as Express decodes them, when this route takes the request; undefined leaves the
   * request to the app (another method, another path, a path Express would read differently).
   */
  match(req: IncomingMessage): Record<string, string> | undefined;
  /** What the app runs for the route, in order: its own middlewares first, then the route's handlers. */
  handlers: RequestHandler[];
  /** The app's error handler (problem+json). */
  onError: ErrorRequestHandler;
}

/**
 * A request listener that answers `route` directly and hands every other request to `app`. Served with
 * expressServerClasses(app), no request has its prototype changed on the way.
 */
export function withDirectRoute(app: Express, route: DirectRoute): RequestListener {
  const matched = Object.freeze({ path: route.pattern });
  return (incoming, outgoing) => {
    const params = route.match(incoming);
    if (params === undefined) {
      app(incoming as Request, outgoing as Response);
      return;
    }
    const req = incoming as Request;
    const res = outgoing as Response;
    // What app.handle and the router set up before the first handler (express/lib/application.js, router/index.js).
    req.res = res;
    res.req = req;
    Object.setPrototypeOf(req, app.request);
    Object.setPrototypeOf(res, app.response);
    res.locals = Object.create(null) as Response["locals"];
    req.baseUrl = "";
    req.originalUrl = req.url;
    req.params = params;
    req.route = matched;
    const failed = (error: unknown) => {
      try {
        route.onError(error, req, res, () => undefined);
      } catch {
        res.destroy();
      }
    };
    let at = 0;
    const next: NextFunction = (error?: unknown) => {
      if (error !== undefined && error !== null) return failed(error);
      const handler = route.handlers[at++];
      // A last handler that passes the request on: the app would answer that no route took it.
      if (!handler) return failed(new CertLedgerError("ROUTE_NOT_FOUND", `there is no ${req.method} ${req.path}`));
      try {
        const result: unknown = handler(req, res, next);
        // As the router does: a handler's rejected promise goes to the error handler.
        if (result instanceof Promise) result.catch((rejected: unknown) => next(rejected ?? new Error("Rejected promise")));
      } catch (thrown) {
        next(thrown);
      }
    };
    next();
  };
}
