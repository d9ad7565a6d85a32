import pino, { type DestinationStream, type Logger } from "pino";

/**
 * Paths pino blanks in every log line: credentials, tokens, keys, link keys and document contents, wherever a caller
 * might have put them. Request logs carry only method, route, status and timing, so these are a second line of defence.
 */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "authorization",
  "token",
  "*.token",
  "linkKey",
  "*.linkKey",
  "privateJwk",
  "*.privateJwk",
  "d",
  "*.d",
  "jws",
  "*.jws",
  "credential",
  "*.credential",
  "bytes",
  "*.bytes",
  "plaintext",
  "*.plaintext",
  "body",
  "*.body",
];

/** The server's logger: JSON lines at `level`, secrets redacted. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, base: { service: "certledger" }, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } };
  return destination ? pino(options, destination) : pino(options);
}
