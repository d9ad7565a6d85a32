/**
 * The importing side on the command line, through an API server: a border agency records an outcome or writes an
 * import declaration's quantities off a certificate; anyone reads a certificate's use.
 */
import { readFile } from "node:fs/promises";
import { AGENCY_OUTCOMES as OUTCOMES, REJECTION_REASONS } from "../../src/outcomes/vocabulary";
import { apiClient, API_OPTIONS } from "./api";
import { defineCommand, positionals } from "./command";
import { UsageError } from "./errors";
import { EXIT } from "./exit-codes";
import { certHashArgument } from "./status";

/** What the outcome and write-off routes answer. */
interface Recorded {
  certHash: string;
  party: string;
  txHash?: string;
  blockNumber?: number;
  alreadyRecorded: boolean;
  summary: string[];
}

const PRESENTED_HELP = [
  "  --credential FILE  the credential presented (a .jwt file), when its payload was not addressed to this party",
  "  --file FILE        or the document presented (e.g. the PDF)",
];

/** The body fields for the document presented, read from --credential or --file. */
async function presented(values: { credential?: string; file?: string }): Promise<Record<string, string>> {
  if (values.credential !== undefined && values.file !== undefined) throw new UsageError("give --credential or --file, not both");
  const read = async (file: string) =>
    readFile(file).catch(() => {
      throw new UsageError(`cannot read ${file}`);
    });
  if (values.credential !== undefined) return { credential: (await read(values.credential)).toString("utf8").trim() };
  if (values.file !== undefined) return { file: (await read(values.file)).toString("base64") };
  return {};
}

function printed(result: Recorded): string {
  const where = result.txHash ? ` (transaction ${result.txHash}, block ${result.blockNumber})` : "";
  const head = result.alreadyRecorded ? `already recorded by ${result.party}${where}` : `recorded by ${result.party}${where}`;
  return [head, ...result.summary.map((line) => `  ${line}`)].join("\n");
}

export const outcomeCommand = defineCommand({
  name: "outcome",
  usage: "<certHash> --outcome O [--reason R] [--remarks TEXT] [--credential FILE | --file FILE] --api URL --token T",
  help: [
    "Records a border agency's outcome for a certificate presented at its party's border, with its customs token.",
    "",
    "options:",
    `  --outcome O        ${OUTCOMES.join(", ")}`,
    `  --reason R         a rejection's reason: ${REJECTION_REASONS.map((r) => r.name).join(", ")}`,
    "  --remarks TEXT     free text, stored encrypted to the issuing and the importing party",
    ...PRESENTED_HELP,
    "  --api URL          the API server (or CERTLEDGER_API)",
    "  --token T          a customs token (or CERTLEDGER_TOKEN)",
    "  --json             print the result as JSON",
    "",
    "exit 6 when an acceptance is refused because the certificate is already used in full.",
  ].join("\n"),
  options: {
    ...API_OPTIONS,
    outcome: { type: "string" },
    reason: { type: "string" },
    remarks: { type: "string" },
    credential: { type: "string" },
    file: { type: "string" },
  },
  async run({ values, positionals: args }, out) {
    const [hashArgument] = positionals(args, ["the certHash"]);
    const certHash = certHashArgument(hashArgument);
    const outcome = values.outcome;
    if (!outcome || !(OUTCOMES as readonly string[]).includes(outcome))
      throw new UsageError(`--outcome must be one of ${OUTCOMES.join(", ")}`);
    if ((outcome === "rejected") !== (values.reason !== undefined))
      throw new UsageError("--reason goes with --outcome rejected, and only with it");
    const json = { outcome, rejectionReason: values.reason, remarks: values.remarks, ...(await presented(values)) };
    const result = await apiClient(values, true).request<Recorded>("POST", `/v1/certificates/${certHash}/outcomes`, { json });
    out.result(result, printed(result));
    return EXIT.OK;
  },
});

export const writeOffCommand = defineCommand({
  name: "write-off",
  usage: "<certHash> --declaration REF --item N:QUANTITY:UNIT [--item …] [--credential FILE | --file FILE] --api URL --token T",
  help: [
    "Writes an import declaration's quantities off a certificate's goods items, with a customs token. Sent again with the",
    "same declaration and items it changes nothing (it says so); the ledger refuses use beyond an item's quantity.",
    "",
    "options:",
    "  --declaration REF  the import declaration's reference (the ledger keeps its hash only)",
    "  --item N:Q:UNIT    item number (from 1), quantity (at most 3 decimals) and unit as on the certificate, e.g. 1:10000:KGM",
    ...PRESENTED_HELP,
    "  --api URL          the API server (or CERTLEDGER_API)",
    "  --token T          a customs token (or CERTLEDGER_TOKEN)",
    "  --json             print the result as JSON",
    "",
    "exit 6 when a quantity is more than what is left of its item (the message names the item, what is left and the unit).",
  ].join("\n"),
  options: {
    ...API_OPTIONS,
    declaration: { type: "string" },
    item: { type: "string", multiple: true },
    credential: { type: "string" },
    file: { type: "string" },
  },
  async run({ values, positionals: args }, out) {
    const [hashArgument] = positionals(args, ["the certHash"]);
    const certHash = certHashArgument(hashArgument);
    if (!values.declaration) throw new UsageError("--declaration REF is required: the import declaration's reference");
    const items = (values.item ?? []).map((text) => {
      const match = /^(\d{1,3}):(\d+(?:\.\d{1,3})?):([A-Z0-9]{2,3})$/.exec(text);
      if (!match) throw new UsageError(`--item ${JSON.stringify(text)} is not N:QUANTITY:UNIT, e.g. 1:10000:KGM`);
      return { item: Number(match[1]), quantity: match[2], unit: match[3] };
    });
    if (items.length === 0) throw new UsageError("at least one --item N:QUANTITY:UNIT is required");
    const json = { declaration: values.declaration, items, ...(await presented(values)) };
    const result = await apiClient(values, true).request<Recorded>("POST", `/v1/certificates/${certHash}/utilisations`, { json });
    out.result(result, printed(result));
    return EXIT.OK;
  },
});

export const useCommand = defineCommand({
  name: "use",
  usage: "<certHash> --api URL",
  help: [
    "Shows what importing parties recorded about a certificate: outcomes, its goods items with what is used of them,",
    "and whether it is used in full. No token needed.",
    "",
    "options:",
    "  --api URL      the API server (or CERTLEDGER_API)",
    "  --json         print the whole answer as JSON",
  ].join("\n"),
  options: { ...API_OPTIONS },
  async run({ values, positionals: args }, out) {
    const [hashArgument] = positionals(args, ["the certHash"]);
    const certHash = certHashArgument(hashArgument);
    const result = await apiClient(values, false).request<{ certHash: string; summary: string[] }>(
      "GET",
      `/v1/certificates/${certHash}/use`,
    );
    out.result(
      result,
      result.summary.length === 0 ? `${result.certHash}: nothing recorded by an importing party yet` : result.summary.join("\n"),
    );
    return EXIT.OK;
  },
});
