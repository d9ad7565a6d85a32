import { Agent, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { Request, RequestHandler } from "express";
import { CertLedgerError } from "../src/errors";

/**
 * The header a verification process names the client in when it forwards a request to the node. The node believes it
 * only on its internal socket, which only its own verification processes reach (see clientNamedByForwarder); a client
 * that sends it to the public port has it replaced.
 */
export const FORWARDED_CLIENT = "x-certledger-client";

/** Headers of one connection, not of the request: never passed on (RFC 9110 7.6.1). */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"]);

/**
 * Forwards every request `answersHere` does not claim to the node's internal socket `socketPath`, streaming the body
 * both ways, and answers the node's answer as it is (status, headers, body). What is forwarded is answered by the node
 * with its own rules, rate limit and logs; the client is named in {@link FORWARDED_CLIENT} as this app sees it (req.ip,
 * after TRUST_PROXY). When the node cannot be reached the answer is 503 NODE_UNAVAILABLE.
 */
export function forwardToNode(socketPath: string, answersHere: (req: Request) => boolean): RequestHandler {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  return (req, res, next) => {
    if (answersHere(req)) return next();
    const upstream = request(
      { socketPath, agent, method: req.method, path: req.originalUrl, headers: { ...passedOn(req.headers), [FORWARDED_CLIENT]: req.ip } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, passedOn(answer.headers));
        answer.pipe(res);
        answer.on("error", () => res.destroy());
      },
    );
    upstream.on("error", (error) => {
      if (res.headersSent) res.destroy();
      else next(new CertLedgerError("NODE_UNAVAILABLE", `the node did not answer: ${error.message}`));
    });
    // A client that goes away takes its forwarded request with it.
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  };
}

function passedOn(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const kept: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) kept[name] = value;
  return kept;
}

/**
 * For the node's internal socket: takes the client a verification process named (FORWARDED_CLIENT) as the request's
 * req.ip, for the rate limit and the logs, before the app sees the request. Only this socket's requests go through it.
 */
export function clientNamedByForwarder(app: (req: IncomingMessage, res: ServerResponse) => void) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const named = req.headers[FORWARDED_CLIENT];
    delete req.headers[FORWARDED_CLIENT];
    if (typeof named === "string" && named !== "") Object.defineProperty(req, "ip", { value: named, configurable: true });
    app(req, res);
  };
}
