import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  ManifestBatchLocator,
  parseProofBundle,
  Verifier,
  type BatchLocator,
  type VerificationReport,
  type VerifyInput,
} from "../../src/verify";
import { ApiClient, apiBase } from "./api";
import { CHAIN_HELP, CHAIN_OPTIONS, connectLedger } from "./chain";
import { IPFS_OPTIONS, kuboOf } from "./ipfs";
import { firstLocator, runRecordLocator } from "./run-record-locator";
import { defineCommand, positionals } from "./command";
import { UsageError } from "./errors";
import { VERDICT_EXIT } from "./exit-codes";
import { certHashArgument } from "./status";
import { readHex32 } from "../../src/hex32";
import { OriginClient } from "../../src/origin";
import { spsDocumentLines } from "./sps-report-lines";

/** What `verify` was given. */
type Target =
  | { kind: "document"; file: string; input: Exclude<VerifyInput, { kind: "hash" } | { kind: "number" }> }
  | { kind: "hash"; certHash: string }
  | { kind: "link"; certHash: string; apiBase: string; linkKey?: string }
  /** A stamped PDF's link names the certificate by its issuing party and number. */
  | { kind: "number"; party: string; number: string; apiBase: string };

/** Options of a verification, as given. */
interface Asked {
  asOf?: string;
  forParty?: string;
  /** (--api) where the server reads the certificate's records: its chain index (its default) or its node. */
  source?: "index" | "chain";
}

export const verifyCommand = defineCommand({
  name: "verify",
  usage: "<file | certHash | link> (--api URL | --rpc URL --deployment FILE | --rpc URL --ledger ADDRESS) [options]",
  help: [
    "Verifies a certificate and prints the report: one line per check and the verdict. The exit code says the verdict",
    "(0 only for VALID). The certificate is given as",
    "  a file            its bytes are hashed and checked (a .jwt/.jws file is a signed credential, a .json file an",
    "                    offline proof bundle)",
    "  a certHash        64 hex digits",
    "  a link            a verification link (https://…/v/<certHash>#k=…, or a stamped PDF's …/v/<party>/<number>);",
    "                    with no --api, the link's server is asked",
    "",
    "through an API server, or straight against a JSON-RPC node with no CertLedger server involved. There, a certificate",
    "in a Merkle batch is found through the batch manifests on IPFS (--ipfs-api), or with its proof from the run record",
    "that certledger anchor wrote (--run-record), or from a proof bundle (see certledger bundle).",
    "",
    "options:",
    "  --api URL            verify through this API server (or CERTLEDGER_API)",
    ...CHAIN_HELP,
    "  --ledger ADDRESS     instead of --deployment: the ledger's address",
    "  --ipfs-api URL       (--rpc) a Kubo node's RPC API, to read the batch manifests the ledger's events name (or",
    "                       IPFS_API_URL)",
    "  --run-record FILE    (--rpc) the run.json of certledger anchor (or an older manifest.json; --manifest still works):",
    "                       batched certificates' proofs are taken from it",
    "  --expect HASH        the certHash the file claims to be (e.g. from its QR code): an altered copy reads TAMPERED",
    "  --as-of TIME         verify as of this time (ISO date-time or Unix seconds; default now)",
    "  --for-party P        report whether party P recognises the certificate",
    "  --source S           (--api) where the server reads the certificate: index (its chain index, the default) or chain",
    "  --receipt FILE       (--api) write the server's signed verification receipt (a JWS) to FILE",
    "  --json               print the report as JSON",
  ].join("\n"),
  options: {
    api: { type: "string" },
    ...CHAIN_OPTIONS,
    ...IPFS_OPTIONS,
    ledger: { type: "string" },
    "run-record": { type: "string" },
    // The name before 0.2.0, when the run record was called a manifest.
    manifest: { type: "string" },
    expect: { type: "string" },
    "as-of": { type: "string" },
    "for-party": { type: "string" },
    source: { type: "string" },
    receipt: { type: "string" },
  },
  async run({ values, positionals: args }, out) {
    const [argument] = positionals(args, ["the file, certHash or link to verify"]);
    const target = await targetOf(argument, values.expect);
    const source = values.source;
    if (source !== undefined && source !== "index" && source !== "chain") throw new UsageError(`--source ${source} is not index or chain`);
    const asked: Asked = { asOf: values["as-of"], forParty: values["for-party"], source };
    if (asked.forParty !== undefined && !/^[A-Z]{2}$/.test(asked.forParty)) {
      throw new UsageError(`--for-party ${asked.forParty} is not a party code (two capital letters)`);
    }
    const direct = values.rpc !== undefined || values.deployment !== undefined || values.ledger !== undefined;
    if (direct && values.api !== undefined) throw new UsageError("give --api, or --rpc with --deployment or --ledger, not both");
    if (direct && values.receipt !== undefined) throw new UsageError("--receipt needs --api: the server signs the receipt");
    if (direct && source !== undefined) throw new UsageError("--source needs --api: with --rpc the chain is read directly");
    const runRecord = values["run-record"] ?? values.manifest;
    if (!direct && (values["ipfs-api"] !== undefined || runRecord !== undefined)) {
      const option = runRecord !== undefined ? "--run-record" : "--ipfs-api";
      throw new UsageError(`${option} is for verifying straight against the chain: give --rpc URL with --deployment or --ledger`);
    }
    let report: VerificationReport;
    let receipt: string | undefined;
    if (direct) {
      report = await verifyDirect(target, asked, values, runRecord);
    } else {
      const fromLink = (target.kind === "link" || target.kind === "number") && !process.env.CERTLEDGER_API ? target.apiBase : undefined;
      const base = values.api ?? fromLink;
      ({ report, receipt } = await verifyThroughApi(new ApiClient(apiBase(base)), target, asked, values.receipt !== undefined));
    }
    if (values.receipt !== undefined && receipt !== undefined) await writeFile(values.receipt, receipt + "\n");
    out.result(report, reportLines(report));
    return VERDICT_EXIT[report.verdict];
  },
});

/** Makes sense of the argument: an existing file, a certHash, or a verification link. */
async function targetOf(argument: string, expect: string | undefined): Promise<Target> {
  const info = await stat(argument).catch(() => undefined);
  if (info?.isFile()) {
    let bytes: Buffer;
    try {
      bytes = await readFile(argument);
    } catch {
      throw new UsageError(`cannot read ${argument}`);
    }
    const expectedCertHash = expect === undefined ? undefined : certHashArgument(expect);
    const extension = path.extname(argument).toLowerCase();
    if (extension === ".json") {
      if (expect !== undefined) throw new UsageError("--expect applies to a document file, not to a proof bundle");
      return { kind: "document", file: argument, input: { kind: "bundle", bundle: parseProofBundle(new Uint8Array(bytes)) } };
    }
    if (extension === ".jwt" || extension === ".jws") {
      if (expect !== undefined) throw new UsageError("--expect applies to a document file; a credential is its own hash");
      return { kind: "document", file: argument, input: { kind: "credential", jws: bytes.toString("utf8").trim() } };
    }
    return { kind: "document", file: argument, input: { kind: "file", bytes: new Uint8Array(bytes), expectedCertHash } };
  }
  if (info) throw new UsageError(`${argument} is not a file`);
  if (expect !== undefined) throw new UsageError("--expect applies to a document file");
  if (readHex32(argument, { prefix: "optional" }) !== undefined) return { kind: "hash", certHash: certHashArgument(argument) };
  if (/^https?:\/\//i.test(argument)) {
    let url: URL;
    try {
      url = new URL(argument);
    } catch {
      throw new UsageError(`${argument} is not a URL`);
    }
    const byNumber = /^(.*)\/v\/([A-Z]{2})\/([^/]+)$/.exec(url.pathname);
    if (byNumber) return { kind: "number", party: byNumber[2], number: decodeURIComponent(byNumber[3]), apiBase: url.origin + byNumber[1] };
    const match = /^(.*)\/v\/([^/]+)\/?$/.exec(url.pathname);
    if (!match || readHex32(match[2], { prefix: "optional" }) === undefined)
      throw new UsageError(`${argument} is not a verification link (…/v/<certHash> or …/v/<party>/<number>)`);
    const linkKey = new URLSearchParams(url.hash.slice(1)).get("k") ?? undefined;
    return { kind: "link", certHash: certHashArgument(match[2]), apiBase: url.origin + match[1], linkKey };
  }
  throw new UsageError(`cannot read ${argument}: it is not a file, a certHash (64 hex digits) or a verification link`);
}

async function verifyThroughApi(
  api: ApiClient,
  target: Target,
  asked: Asked,
  receipt: boolean,
): Promise<{ report: VerificationReport; receipt?: string }> {
  type Answer = { report: VerificationReport; receipt?: string };
  if (target.kind === "number") {
    const { party, number } = target;
    return api.request<Answer>("POST", "/v1/verify", { json: { number, party, ...asked, receipt } });
  }
  if (target.kind !== "document") {
    const query = new URLSearchParams();
    if (asked.asOf !== undefined) query.set("asOf", asked.asOf);
    if (asked.forParty !== undefined) query.set("forParty", asked.forParty);
    if (asked.source !== undefined) query.set("source", asked.source);
    if (receipt) query.set("receipt", "true");
    const suffix = query.size > 0 ? `?${query}` : "";
    return api.request<Answer>("GET", `/v1/verify/${target.certHash}${suffix}`);
  }
  const { input } = target;
  if (input.kind === "file") {
    const form = new FormData();
    form.append("file", new Blob([input.bytes]), path.basename(target.file));
    if (input.expectedCertHash !== undefined) form.append("expectedCertHash", input.expectedCertHash);
    if (asked.asOf !== undefined) form.append("asOf", asked.asOf);
    if (asked.forParty !== undefined) form.append("forParty", asked.forParty);
    if (asked.source !== undefined) form.append("source", asked.source);
    if (receipt) form.append("receipt", "true");
    return api.request<Answer>("POST", "/v1/verify", { form });
  }
  const document = input.kind === "credential" ? { jws: input.jws } : { bundle: input.bundle };
  return api.request<Answer>("POST", "/v1/verify", { json: { ...document, ...asked, receipt } });
}

async function verifyDirect(
  target: Target,
  asked: Asked,
  values: { rpc?: string; deployment?: string; ledger?: string; "ipfs-api"?: string },
  runRecord: string | undefined,
): Promise<VerificationReport> {
  // The run record first: a file that cannot be read stops here, before any node is asked.
  const fromFile = runRecord === undefined ? undefined : await runRecordLocator(runRecord);
  const payloads = await kuboOf(values["ipfs-api"]);
  const connection = await connectLedger(values, values.ledger);
  try {
    const locators: BatchLocator[] = [];
    if (fromFile) locators.push(fromFile);
    if (payloads) locators.push(new ManifestBatchLocator(connection.client, payloads));
    const input: VerifyInput =
      target.kind === "document"
        ? target.input
        : target.kind === "number"
          ? { kind: "number", number: target.number, party: target.party }
          : { kind: "hash", certHash: target.certHash };
    const verifier = new Verifier({
      client: connection.client,
      payloads,
      origin: connection.client.deployment.origin ? OriginClient.of(connection.client) : undefined,
      batches: locators.length > 0 ? firstLocator(locators) : undefined,
    });
    const { report } = await verifier.verify(input, {
      asOf: asked.asOf === undefined ? undefined : asOfSeconds(asked.asOf),
      forParty: asked.forParty,
      linkKey: target.kind === "link" ? target.linkKey : undefined,
    });
    return report;
  } finally {
    connection.close();
    await payloads?.stop();
  }
}

/** --as-of as Unix seconds. */
export function asOfSeconds(text: string): bigint {
  if (/^\d{1,12}$/.test(text)) return BigInt(text);
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms)) throw new UsageError(`--as-of ${text} is not an ISO date-time or Unix seconds`);
  return BigInt(Math.floor(ms / 1000));
}

const MARK = { pass: "✓", fail: "✗", warn: "!", skip: "-" } as const;

/** The report for a person: the verdict, one line per check, and what the certificate is. */
export function reportLines(report: VerificationReport): string[] {
  const lines = [`${report.verdict}  ${report.certHash ?? "(no certificate found)"}`];
  for (const check of report.checks) lines.push(`  ${MARK[check.result]} ${check.id.padEnd(12)} ${check.detail}`);
  const c = report.certificate;
  const declarant = report.origin?.declarant;
  if (c) {
    const by = declarant
      ? `declared by registered ${declarant.kind} ${declarant.registrationNumber} of ${declarant.party}, registered by ${c.authority.name} (authority ${c.authority.id})`
      : `issued by ${c.authority.name} (authority ${c.authority.id}, ${c.authority.party})`;
    lines.push(
      `certificate: ${c.certTypeName ?? `type ${c.certType}`}, ${by}`,
      `  issued ${c.issuedAt}, valid until ${c.validUntil}, status ${c.status}` +
        (c.revocation ? `, revoked (${c.revocation.reasonName}) from ${c.revocation.effectiveAt}` : ""),
      `  anchored ${c.anchor.kind === "batch" ? `in batch ${c.anchor.root}` : "on its own"}, transaction ${c.anchor.txHash} (block ${c.anchor.blockNumber})`,
    );
    const agreement = report.origin?.agreement;
    if (agreement) lines.push(`  under ${agreement.code} (${agreement.name}; parties ${agreement.parties.join(", ")})`);
  }
  if (report.document) lines.push(...spsDocumentLines(report.document));
  lines.push(
    `as of ${report.asOf}${report.forParty ? ` for ${report.forParty}` : ""}; chain ${report.chain.chainId} at block ${report.chain.blockNumber}${report.chain.source === undefined ? "" : ` (read from the ${report.chain.source === "index" ? "chain index" : "node"})`}, ledger ${report.chain.ledger}`,
  );
  return lines;
}
