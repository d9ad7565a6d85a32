import { readFile, writeFile } from "node:fs/promises";
import { inspectFile } from "../../src/documents/files";
import { certHashOf } from "../../src/documents/hashing";
import { parseProofBundle, verifyProofBundle, type ProofBundle } from "../../src/verify";
import { apiClient, API_OPTIONS } from "./api";
import { rpcUrl } from "./chain";
import { defineCommand, positionals } from "./command";
import { UsageError } from "./errors";
import { VERDICT_EXIT } from "./exit-codes";
import { certHashArgument } from "./status";
import { asOfSeconds, reportLines } from "./verify";

export const bundleCommand = defineCommand({
  name: "bundle",
  usage: "<certHash> --api URL [--out FILE] [--document FILE]",
  help: [
    "Writes the certificate's offline proof bundle (from GET /v1/certificates/{certHash}/bundle): where it is anchored,",
    "its Merkle proof when it is in a batch, the chain and the ledger. Anyone can check it later against any node of",
    "the chain with certledger verify-bundle, without any CertLedger server.",
    "",
    "options:",
    "  --api URL          the API server (or CERTLEDGER_API)",
    "  --out FILE         where to write it (default <certHash>.bundle.json)",
    "  --document FILE    put the document itself in the bundle (its SHA-256 must be the certHash)",
    "  --json             print the bundle as JSON instead of a summary",
  ].join("\n"),
  options: { ...API_OPTIONS, out: { type: "string" }, document: { type: "string" } },
  async run({ values, positionals: args }, out) {
    const [hashArgument] = positionals(args, ["the certHash"]);
    const certHash = certHashArgument(hashArgument);
    const api = apiClient(values, false);
    const bundle = await api.request<ProofBundle>("GET", `/v1/certificates/${certHash}/bundle`, { auth: false });
    if (values.document !== undefined) bundle.document = await documentOf(values.document, certHash);
    const file = values.out ?? `${certHash}.bundle.json`;
    await writeFile(file, JSON.stringify(parseProofBundle(bundle), null, 2) + "\n");
    out.result(bundle, [
      `proof bundle of ${certHash} written to ${file}`,
      `  anchored ${bundle.anchor.kind === "batch" ? `in batch ${bundle.anchor.root}` : "on its own"} in block ${bundle.anchor.blockNumber} of chain ${bundle.chainId}, ledger ${bundle.ledger}`,
    ]);
    return 0;
  },
});

async function documentOf(file: string, certHash: string): Promise<NonNullable<ProofBundle["document"]>> {
  const bytes = await readFile(file).catch(() => {
    throw new UsageError(`cannot read ${file}`);
  });
  if (certHashOf(bytes) !== certHash) throw new UsageError(`the SHA-256 of ${file} is ${certHashOf(bytes)}, not ${certHash}`);
  if (/\.(jwt|jws)$/i.test(file)) return { kind: "credential", jws: bytes.toString("utf8").trim() };
  return { kind: "file", mediaType: inspectFile(new Uint8Array(bytes)).mediaType, base64: bytes.toString("base64") };
}

export const verifyBundleCommand = defineCommand({
  name: "verify-bundle",
  usage: "<bundle file> --rpc URL [--as-of TIME] [--for-party P]",
  help: [
    "Verifies an offline proof bundle against any JSON-RPC node of its chain, with no CertLedger server and no IPFS:",
    "the document's hash (when the bundle carries it), the anchor (by Merkle proof for a batch), the issuer, the",
    "signature, the status and recognition, all read from the chain. The exit code says the verdict (0 only for VALID).",
    "",
    "options:",
    "  --rpc URL          a JSON-RPC node of the bundle's chain (or RPC_URL)",
    "  --as-of TIME       verify as of this time (ISO date-time or Unix seconds; default now)",
    "  --for-party P      report whether party P recognises the certificate",
    "  --json             print the report as JSON",
  ].join("\n"),
  options: { rpc: { type: "string" }, "as-of": { type: "string" }, "for-party": { type: "string" } },
  async run({ values, positionals: args }, out) {
    const [file] = positionals(args, ["the bundle file"]);
    const text = await readFile(file, "utf8").catch(() => {
      throw new UsageError(`cannot read the bundle file ${file}`);
    });
    const bundle = parseProofBundle(text);
    const forParty = values["for-party"];
    if (forParty !== undefined && !/^[A-Z]{2}$/.test(forParty)) throw new UsageError(`--for-party ${forParty} is not a party code`);
    const { report } = await verifyProofBundle(bundle, {
      rpcUrl: rpcUrl(values.rpc),
      asOf: values["as-of"] === undefined ? undefined : asOfSeconds(values["as-of"]),
      forParty,
    });
    out.result(report, reportLines(report));
    return VERDICT_EXIT[report.verdict];
  },
});
