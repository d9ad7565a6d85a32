import type { ErrorRequestHandler, Request, RequestHandler, Response } from "express";
import type { Logger } from "pino";
import { CertLedgerError, isCertLedgerError, type CertLedgerErrorCode } from "../src/errors";

/**
 * The one place where errors become HTTP answers: every CertLedgerError code has its status here, and every failure
 * is an RFC 9457 `application/problem+json` document with `type`, `title`, `status`, `detail` and `code`.
 */

/** The media type of every error answer. */
export const PROBLEM_MEDIA_TYPE = "application/problem+json";

/** An RFC 9457 problem document as this server writes it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: CertLedgerErrorCode;
  instance?: string;
  /** Structured facts (a contract error's name and arguments, the failing fields); only on 4xx answers. */
  details?: Record<string, unknown>;
}

/**
 * The HTTP status of each code. `satisfies Record<CertLedgerErrorCode, …>` makes a code added to src/errors.ts without
 * a status here a compile error, so no library error can fall through to a 500 unnoticed.
 */
export const HTTP_STATUS = {
  // 400: the request is malformed, or names something malformed
  INVALID_REQUEST: 400,
  MALFORMED_JSON: 400,
  MALFORMED_MULTIPART: 400,
  INVALID_CID: 400,
  INVALID_PARTY_CODE: 400,
  INVALID_PARTY_NODE: 400,
  INVALID_CHAIN_ARGUMENT: 400,
  INVALID_BATCH_LEAF: 400,
  DUPLICATE_LEAF: 400,
  EMPTY_BATCH: 400,
  INVALID_CERT_HASH: 400,
  INVALID_CERTIFICATE_NUMBER: 400,
  EMPTY_FILE: 400,
  INVALID_CREDENTIAL: 400,
  INVALID_DID: 400,
  DID_NOT_FOUND: 404,
  STATUS_LIST_NOT_FOUND: 404,
  STATUS_LIST_FULL: 503,
  INVALID_STATUS_ENTRY: 422,
  INVALID_KEY: 400,
  INVALID_KEY_ID: 400,
  INVALID_PAYLOAD: 400,
  INVALID_LINK_KEY: 400,
  INVALID_CERTIFICATE_TYPE: 400,
  INVALID_REVOCATION_REASON: 400,
  INVALID_BUNDLE: 400,
  INVALID_RECEIPT: 400,
  INVALID_MANIFEST: 400,
  INVALID_MULTIADDR: 400,
  INVALID_BATCH_PROOF: 400,
  ZERO_ADDRESS: 400,
  ZERO_KEY_THUMBPRINT: 400,
  EMPTY_KEY_ALGORITHM: 400,
  ZERO_CERTIFICATE_HASH: 400,
  ZERO_BATCH_ROOT: 400,
  DECRYPTION_FAILED: 400,
  INVALID_ANCHOR_REQUEST: 400,
  INVALID_INDEX_QUERY: 400,
  INVALID_AGENCY_ACCOUNTS: 400,
  INVALID_OUTCOME: 400,
  INVALID_ITEMS: 400,
  INVALID_USE: 400,
  // 401 / 403: who is asking
  UNAUTHENTICATED: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_REVOKED: 401,
  INVALID_TOKEN: 401,
  FORBIDDEN: 403,
  NOT_CERTIFICATE_MANAGER: 403,
  NOT_A_PARTY_ADMIN: 403,
  NOT_AN_AUTHORITY: 403,
  NOT_AN_AUTHORITY_ACCOUNT: 403,
  NOT_AN_AGENCY_ACCOUNT: 403,
  NOT_A_BORDER_AGENCY: 403,
  OWN_PARTY_CERTIFICATE: 403,
  UNTRUSTED_RECEIPT_KEY: 403,
  ISSUER_MISMATCH: 403,
  // 404: nothing by that name
  ROUTE_NOT_FOUND: 404,
  CERT_NOT_FOUND: 404,
  AGENCY_NOT_FOUND: 404,
  UNKNOWN_ITEM: 404,
  PARTY_NOT_FOUND: 404,
  AUTHORITY_NOT_FOUND: 404,
  KEY_NOT_FOUND: 404,
  BATCH_NOT_FOUND: 404,
  PROPOSAL_NOT_FOUND: 404,
  IPFS_NOT_FOUND: 404,
  // 409: conflicts with what already is
  CERT_ALREADY_ANCHORED: 409,
  BATCH_ALREADY_ANCHORED: 409,
  KEY_ALREADY_REGISTERED: 409,
  KEY_ALREADY_COMPROMISED: 409,
  PARTY_ALREADY_EXISTS: 409,
  ACCOUNT_ALREADY_PARTY_ADMIN: 409,
  ACCOUNT_ALREADY_BOUND: 409,
  AUTHORITY_ALREADY_ACTIVE: 409,
  PROPOSAL_ALREADY_EXECUTED: 409,
  PROPOSAL_ALREADY_APPROVED: 409,
  INVALID_STATUS_CHANGE: 409,
  REQUEST_CONFLICT: 409,
  REQUEST_NOT_ANCHORED: 409,
  LAST_AGENCY_ACCOUNT: 409,
  INVALID_AGENCY_STATUS: 409,
  ITEMS_MISMATCH: 409,
  ITEMS_BELOW_USE: 409,
  STALE_USE: 409,
  OVER_UTILISATION: 409,
  ALREADY_USED_IN_FULL: 409,
  DUPLICATE_DECLARATION: 409,
  // 413 / 415: the body itself
  FILE_TOO_LARGE: 413,
  PAYLOAD_TOO_LARGE: 413,
  REQUEST_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNSUPPORTED_CONTENT_TYPE: 415,
  MEDIA_TYPE_MISMATCH: 415,
  // 422: well-formed, but the ledger's rules refuse it
  AUTHORITY_NOT_IN_SCOPE: 422,
  CERT_NOT_ACTIVE: 422,
  UNIT_MISMATCH: 422,
  NO_ITEMS: 422,
  NOT_PRESENTED: 422,
  CERT_NOT_ACCEPTABLE: 422,
  INVALID_REVOCATION_TIME: 422,
  INVALID_CERTIFICATE_VALIDITY: 422,
  PDF_UNREADABLE: 422,
  INVALID_SPS_XML: 422,
  NOT_PHYTOSANITARY_CERTIFICATE: 422,
  INVALID_VALIDITY_PERIOD: 422,
  INVALID_SCOPE: 422,
  INVALID_SIGNATURE: 422,
  INVALID_COMPROMISE_TIME: 422,
  INVALID_THRESHOLD: 422,
  INVALID_PARTY_STATUS: 422,
  SELF_REPLACEMENT: 422,
  SELF_RECOGNITION: 422,
  PARTY_NOT_ACTIVE: 422,
  AUTHORITY_NOT_ACTIVE: 422,
  AUTHORITY_NOT_VALID_AT: 422,
  LAST_PARTY_ADMIN: 422,
  LAST_AUTHORITY_ACCOUNT: 422,
  LAST_ACTIVE_PARTY: 422,
  NO_AUTHORITY_ACCOUNT: 422,
  TOO_MANY_AUTHORITY_ACCOUNTS: 422,
  TOO_MANY_PARTIES: 422,
  PROPOSAL_EXPIRED: 422,
  PROPOSAL_NOT_APPROVED: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  UNTRUSTED_KEY: 422,
  NO_SIGNING_KEY: 422,
  // 429: slow down
  RATE_LIMITED: 429,
  // 5xx: this server or what it depends on (never the client's input)
  INTERNAL_ERROR: 500,
  INVALID_CONFIG: 500,
  INVALID_DEPLOYMENT: 500,
  INVALID_DEPLOY_PARAMS: 500,
  INVALID_NETWORK_KIT: 500,
  DEPLOYMENT_NOT_FOUND: 500,
  BOOTSTRAP_MISMATCH: 500,
  NO_SIGNER: 500,
  WRONG_PASSWORD: 500,
  INVALID_KEYSTORE: 500,
  KEYSTORE_EXISTS: 500,
  FILE_UNREADABLE: 500,
  INDEX_MISMATCH: 500,
  TX_FAILED: 502,
  CID_MISMATCH: 502,
  CHAIN_MISMATCH: 502,
  LEDGER_VERSION_MISMATCH: 502,
  CHAIN_UNAVAILABLE: 503,
  NODE_UNAVAILABLE: 503,
  IPFS_UNAVAILABLE: 503,
  NOT_READY: 503,
  OUTCOMES_NOT_DEPLOYED: 503,
  // origin declarations: refusals as their kind (see each code)
  AGREEMENT_CODE_UNAVAILABLE: 409,
  INVALID_AGREEMENT_PARTIES: 422,
  AGREEMENT_NOT_FOUND: 404,
  NOT_AGREEMENT_PARTY: 422,
  AGREEMENT_ALREADY_APPROVED: 409,
  AGREEMENT_NOT_IN_FORCE: 422,
  NOT_AN_ORIGIN_AUTHORITY: 403,
  REGISTRATION_NUMBER_UNAVAILABLE: 409,
  INVALID_HEADINGS: 400,
  REGISTRATION_NOT_FOUND: 404,
  REGISTRATION_NOT_ACTIVE: 422,
  REGISTRATION_NOT_VALID: 422,
  NOT_A_REGISTRAR: 403,
  INVALID_TRADER_KEY: 409,
  HEADING_NOT_REGISTERED: 422,
  INVALID_COUNTERPART: 422,
  DECLARATION_CONFLICT: 409,
  INVALID_PROOFS: 400,
  ORIGIN_NOT_DEPLOYED: 503,
  NOT_A_DECLARANT: 403,
  DECLARATION_NEEDS_DECLARANT: 403,
  IMPORTER_NOT_OWN_PARTY: 422,
  EXPORTER_NOT_OWN_PARTY: 422,
  AGREEMENT_IN_FORCE: 409,
  OUTBOX_UNAVAILABLE: 503,
  BATCHER_NOT_RUNNING: 503,
  INDEX_CLOSED: 503,
  PDF_STAMPER_CLOSED: 503,
  INDEX_UNAVAILABLE: 503,
  CHAIN_REORGANISED: 503,
  TX_NOT_CONFIRMED: 504,
} as const satisfies Record<CertLedgerErrorCode, number>;

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** What a 5xx answer says instead of the error's own message, which may name hosts, files or node internals. */
const SERVER_SIDE_DETAIL: Partial<Record<CertLedgerErrorCode, string>> = {
  CHAIN_UNAVAILABLE: "The ledger's chain node is not reachable right now; try again shortly.",
  NODE_UNAVAILABLE: "The CertLedger node behind this verification process is not answering right now; try again shortly.",
  IPFS_UNAVAILABLE: "The IPFS node is not reachable right now; try again shortly.",
  NOT_READY: "The service is starting or one of its dependencies is down; try again shortly.",
  OUTBOX_UNAVAILABLE: "The anchoring queue is not available right now; try again shortly.",
  BATCHER_NOT_RUNNING: "The anchoring service is not running right now; try again shortly.",
  INDEX_CLOSED: "The chain index is not available right now; try again shortly.",
  PDF_STAMPER_CLOSED: "PDFs cannot be stamped right now (the server is stopping); try again shortly.",
  INDEX_UNAVAILABLE: "The chain index is not available right now; try again shortly.",
  CHAIN_REORGANISED: "The chain reorganised while it was read; try again.",
  TX_NOT_CONFIRMED: "The transaction was sent but not confirmed in time; its outcome will show on the ledger.",
  TX_FAILED: "The chain refused the transaction for a reason the ledger does not declare.",
  CID_MISMATCH: "IPFS returned bytes that do not match the content identifier.",
  CHAIN_MISMATCH: "The chain node does not serve this server's ledger.",
  LEDGER_VERSION_MISMATCH: "The ledger at the configured address is of an earlier, incompatible version.",
};
const GENERIC_DETAIL = "The server could not complete the request. The error was logged; please report it if it persists.";

/** The HTTP status of `code`. */
export function httpStatusOf(code: CertLedgerErrorCode): number {
  return HTTP_STATUS[code];
}

/** The problem document for `error` (anything thrown); unknown errors become a generic 500 INTERNAL_ERROR. */
export function problemOf(error: unknown, instance?: string): Problem {
  const known = isCertLedgerError(error) && Object.hasOwn(HTTP_STATUS, error.code) ? error : clientErrorOf(error);
  const code: CertLedgerErrorCode = known?.code ?? "INTERNAL_ERROR";
  const status = httpStatusOf(code);
  const problem: Problem = {
    type: `urn:certledger:problem:${code.toLowerCase().replace(/_/g, "-")}`,
    title: TITLES[status] ?? "Error",
    status,
    detail: status < 500 && known ? known.message : (SERVER_SIDE_DETAIL[code] ?? GENERIC_DETAIL),
    code,
  };
  if (instance !== undefined) problem.instance = instance;
  if (status < 500 && known?.details !== undefined) problem.details = known.details;
  return problem;
}

/**
 * Express's own refusals of a request (an undecodable path parameter, say) carry a 4xx `status`: they are the
 * client's error, so they get a 4xx code too, never the 500 of an unknown error.
 */
function clientErrorOf(error: unknown): CertLedgerError | undefined {
  const e = error as { status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown } | null;
  const status = typeof e?.status === "number" ? e.status : e?.statusCode;
  if (typeof status !== "number" || status < 400 || status > 499) return undefined;
  const code: CertLedgerErrorCode =
    status === 404
      ? "ROUTE_NOT_FOUND"
      : status === 413
        ? "REQUEST_TOO_LARGE"
        : status === 415
          ? "UNSUPPORTED_CONTENT_TYPE"
          : "INVALID_REQUEST";
  const message = e?.expose === true && typeof e.message === "string" ? e.message : "the request could not be read";
  return new CertLedgerError(code, message);
}

/** Writes `problem` as the answer of `res` (with `WWW-Authenticate` on a 401, as RFC 6750 asks). */
export function sendProblem(res: Response, problem: Problem): void {
  if (problem.status === 401) {
    const error = problem.code === "UNAUTHENTICATED" ? "" : `, error="invalid_token"`;
    res.set("WWW-Authenticate", `Bearer realm="certledger"${error}`);
  }
  res.status(problem.status).type(PROBLEM_MEDIA_TYPE).send(JSON.stringify(problem));
}

/** The last error handler: logs server-side failures (with their cause) and answers with problem+json. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req: Request, res: Response, _next) => {
    const problem = problemOf(error, req.path);
    if (problem.status >= 500) logger.error({ err: error, method: req.method, path: req.path, code: problem.code }, "request failed");
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendProblem(res, problem);
  };
}

/** Answers any request no route took with 404 ROUTE_NOT_FOUND. */
export function routeNotFound(): RequestHandler {
  return (req, _res, next) => next(new CertLedgerError("ROUTE_NOT_FOUND", `there is no ${req.method} ${req.path}`));
}
