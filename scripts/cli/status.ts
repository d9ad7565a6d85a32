import { parseCertHash } from "../../src/documents/hashing";
import { apiClient, API_OPTIONS } from "./api";
import { defineCommand, positionals, type Command } from "./command";
import { UsageError } from "./errors";
import { EXIT } from "./exit-codes";

/** POST /v1/certificates/{certHash}/{action}'s answer. */
interface StatusChange {
  certHash: string;
  action: string;
  txHash: string;
  blockNumber: number;
}

/** A certHash argument, canonical; a UsageError naming it when malformed. */
export function certHashArgument(value: string): string {
  try {
    return parseCertHash(value);
  } catch {
    throw new UsageError(`${JSON.stringify(value)} is not a certHash (64 hex digits, optionally 0x-prefixed)`);
  }
}

const REASONS =
  "unspecified, keyCompromise, cACompromise, affiliationChanged, superseded, cessationOfOperation, certificateHold, privilegeWithdrawn";

function statusCommand(
  action: "suspend" | "reinstate" | "revoke",
  what: string,
  extra: Record<string, { type: "string" }>,
  help: string[],
): Command {
  return defineCommand({
    name: action,
    usage: `<certHash> --api URL --token T${action === "revoke" ? " --reason R [--effective-at TIME] [--replacement HASH]" : ""}`,
    help: [
      `${what}, through the API server, with the token of its issuing authority or of its party's admin.`,
      "",
      "options:",
      "  --api URL      the API server (or CERTLEDGER_API)",
      "  --token T      an issuer or party-admin token (or CERTLEDGER_TOKEN)",
      ...help,
      "  --json         print the result as JSON",
    ].join("\n"),
    options: { ...API_OPTIONS, ...extra },
    async run({ values: given, positionals: args }, out) {
      // Only revoke declares these; parseArgs refuses them for suspend and reinstate.
      const values = given as typeof given & { reason?: string; "effective-at"?: string; replacement?: string };
      const [hashArgument] = positionals(args, ["the certHash"]);
      const certHash = certHashArgument(hashArgument);
      const api = apiClient(values, true);
      let body: Record<string, unknown> | undefined;
      if (action === "revoke") {
        const reason = values.reason;
        if (!reason) throw new UsageError(`--reason is required: an RFC 5280 reason (${REASONS}) or its code`);
        body = {
          reason: /^\d+$/.test(reason) ? Number(reason) : reason,
          effectiveAt: values["effective-at"],
          replacement: values.replacement === undefined ? undefined : certHashArgument(values.replacement),
        };
      }
      const result = await api.request<StatusChange>("POST", `/v1/certificates/${certHash}/${action}`, { json: body ?? {} });
      out.result(result, `${action}: ${result.certHash} (transaction ${result.txHash}, block ${result.blockNumber})`);
      return EXIT.OK;
    },
  });
}

export const suspendCommand = statusCommand("suspend", "Suspends a certificate (reinstate undoes it)", {}, []);
export const reinstateCommand = statusCommand("reinstate", "Reinstates a suspended certificate", {}, []);
export const revokeCommand = statusCommand(
  "revoke",
  "Revokes a certificate for good",
  { reason: { type: "string" }, "effective-at": { type: "string" }, replacement: { type: "string" } },
  [
    `  --reason R         an RFC 5280 reason: ${REASONS}, or its code`,
    "  --effective-at T   when it takes effect: an ISO date-time or Unix seconds (default now; never before issuance)",
    "  --replacement H    the certHash of the certificate that replaces it",
  ],
);
