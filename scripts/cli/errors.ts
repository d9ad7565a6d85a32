import { isCertLedgerError } from "../../src/errors";
import { EXIT } from "./exit-codes";

/** Bad arguments or an unreadable input: exit code 2, with the command's usage line. */
export class UsageError extends Error {}

/** The API server or the JSON-RPC node did not answer: exit code 4. */
export class UnreachableError extends Error {}

/** An RFC 9457 problem answered by the API server. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(detail);
  }
}

/** The exit code and one-line message for an error thrown by a command. */
export function describeFailure(error: unknown): { exitCode: number; code?: string; message: string } {
  if (error instanceof UsageError) return { exitCode: EXIT.USAGE, message: error.message };
  if (error instanceof UnreachableError) return { exitCode: EXIT.UNREACHABLE, message: error.message };
  if (error instanceof ApiProblem) {
    const usedUp = error.code === "OVER_UTILISATION" || error.code === "ALREADY_USED_IN_FULL";
    const exitCode = usedUp ? EXIT.USED_UP : error.status === 503 ? EXIT.UNREACHABLE : error.status >= 500 ? EXIT.FAILED : EXIT.REFUSED;
    return { exitCode, code: error.code, message: `the server answered ${error.status} ${error.code}: ${error.message}` };
  }
  if (
    (error as { code?: unknown })?.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ||
    /^ERR_PARSE_ARGS/.test(String((error as { code?: unknown })?.code))
  ) {
    return { exitCode: EXIT.USAGE, message: (error as Error).message };
  }
  if (isCertLedgerError(error)) {
    // The library's INVALID_* errors (and a missing deployment file) come from what the user gave: a hash, a file, a bundle.
    const usage =
      /^INVALID_|^EMPTY_FILE$|^FILE_|^UNSUPPORTED_MEDIA_TYPE$|^MEDIA_TYPE_MISMATCH$|^DEPLOYMENT_NOT_FOUND$|^KEYSTORE_EXISTS$/.test(
        error.code,
      );
    const unreachable = error.code === "CHAIN_UNAVAILABLE" || error.code === "IPFS_UNAVAILABLE";
    return {
      exitCode: usage ? EXIT.USAGE : unreachable ? EXIT.UNREACHABLE : EXIT.REFUSED,
      code: error.code,
      message: `${error.code}: ${error.message}`,
    };
  }
  return { exitCode: EXIT.FAILED, message: error instanceof Error ? error.message : String(error) };
}
