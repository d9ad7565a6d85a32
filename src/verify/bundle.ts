import type { LedgerClient } from "../chain/ledger-client";
import { LedgerClient as Client } from "../chain/ledger-client";
import type { Deployment } from "../chain/deployment";
import { connectRpc } from "../chain/provider";
import { certHashOf, parseCertHash } from "../documents/hashing";
import { CertLedgerError } from "../errors";
import { cidFromBytes } from "../ipfs/cid";
import type { BatchLocator } from "./batch-locator";
import { proofBundleSchema, type ProofBundle } from "./bundle-schema";
import type { CertificateAnchoredEvent } from "../chain/ledger-events";
import { Verifier, type EventSource, type VerificationResult, type VerifyOptions } from "./verifier";

export { proofBundleSchema, type ProofBundle } from "./bundle-schema";

/** The document a bundle carries, when it carries one. */
export type BundleDocument = { kind: "credential"; jws: string } | { kind: "file"; bytes: Uint8Array; mediaType: string };

/**
 * Builds the offline proof bundle of an anchored certificate: where it is anchored (and its Merkle proof when it is in
 * a batch), the chain and the ledger, and optionally the document itself.
 */
export async function createProofBundle(
  client: LedgerClient,
  certHashInput: string,
  options: { document?: BundleDocument; batches?: BatchLocator; events?: EventSource } = {},
): Promise<ProofBundle> {
  const certHash = parseCertHash(certHashInput);
  const { document } = options;
  if (document) {
    const documentHash = certHashOf(document.kind === "credential" ? document.jws.trim() : document.bytes);
    if (documentHash !== certHash) throw new CertLedgerError("INVALID_BUNDLE", `the document's SHA-256 ${documentHash} is not ${certHash}`);
  }
  const base = {
    format: "certledger-proof-bundle" as const,
    version: 1 as const,
    chainId: await client.chainId(),
    ledger: client.address,
    certHash,
    document:
      document === undefined
        ? undefined
        : document.kind === "credential"
          ? { kind: "credential" as const, jws: document.jws.trim() }
          : { kind: "file" as const, mediaType: document.mediaType, base64: Buffer.from(document.bytes).toString("base64") },
    createdAt: new Date().toISOString(),
  };
  // The bundle names the certificate's earliest anchoring: a later one of the same hash (another authority's direct
  // anchor of a hash first batched, say) is a conflict, and a bundle pointing at it would name the wrong issuer offline.
  const [anchored, member] = await Promise.all([directAnchor(client, certHash, options.events), options.batches?.locate(certHash)]);
  const batch = member && (await batchAnchor(client, member.root, member.authorityId, options.events));
  const batchFirst =
    batch &&
    (!anchored ||
      batch.blockNumber < anchored.blockNumber ||
      (batch.blockNumber === anchored.blockNumber && batch.logIndex < anchored.logIndex));
  if (anchored && !batchFirst) {
    const payloadCid = anchored.args.payloadCid.length > 0 ? cidFromBytes(anchored.args.payloadCid) : undefined;
    return proofBundleSchema.parse({
      ...base,
      anchor: { kind: "direct", txHash: anchored.txHash, blockNumber: anchored.blockNumber },
      payloadCid,
    });
  }
  if (!member || !batch)
    throw new CertLedgerError("CERT_NOT_FOUND", `certificate ${certHash} is not anchored (nor found in a known batch)`);
  return proofBundleSchema.parse({
    ...base,
    anchor: {
      kind: "batch",
      root: member.root,
      authorityId: member.authorityId,
      numberHash: member.numberHash,
      validUntil: member.validUntil.toString(),
      proof: member.proof,
      txHash: batch.txHash,
      blockNumber: batch.blockNumber,
    },
    payloadCid: member.payloadCid,
  });
}

/**
 * The certificate's direct anchoring. With the index (`events`), a lookup by an attacker's random hash costs the same
 * whatever the chain's height: the index answers for the blocks it has read and only the blocks since are asked of the
 * chain. Without it, the ledger's logs are read from the deployment block.
 */
async function directAnchor(client: LedgerClient, certHash: string, events: EventSource | undefined) {
  if (!events) return client.anchorEvent(certHash);
  const indexed = events.history(certHash).find((e): e is CertificateAnchoredEvent => e.event === "CertificateAnchored");
  return indexed ?? (await client.anchorEvent(certHash, { fromBlock: events.lastBlock() + 1 }));
}

/**
 * The BatchAnchored event of the batch `root` of `authorityId`: from the index when there is one (and the blocks it has
 * not read yet), as above.
 */
async function batchAnchor(
  client: LedgerClient,
  root: string,
  authorityId: number,
  events: EventSource | undefined,
): Promise<{ txHash: string; blockNumber: number; logIndex: number } | undefined> {
  const indexed = events?.batch(root, authorityId);
  if (indexed) return { txHash: indexed.txHash, blockNumber: indexed.blockNumber, logIndex: indexed.logIndex };
  const fromBlock = events ? events.lastBlock() + 1 : undefined;
  return (await client.batchAnchors(fromBlock)).find((e) => e.root === root && e.authorityId === authorityId);
}

/** Parses and validates a proof bundle (JSON text, bytes or a parsed object), naming the first bad field. */
export function parseProofBundle(input: string | Uint8Array | unknown): ProofBundle {
  let json: unknown = input;
  if (typeof input === "string" || input instanceof Uint8Array) {
    try {
      json = JSON.parse(typeof input === "string" ? input : new TextDecoder().decode(input));
    } catch {
      throw new CertLedgerError("INVALID_BUNDLE", "the proof bundle is not JSON");
    }
  }
  const parsed = proofBundleSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CertLedgerError("INVALID_BUNDLE", `proof bundle: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Verifies a proof bundle against any JSON-RPC node of its chain, with no CertLedger server and no IPFS: the document's
 * hash, its anchor (by Merkle proof for a batch), the issuer, the signature, the status and recognition, read from
 * the chain itself.
 */
export async function verifyProofBundle(
  bundleInput: ProofBundle | unknown,
  options: VerifyOptions & { rpcUrl: string },
): Promise<VerificationResult> {
  const bundle = parseProofBundle(bundleInput);
  const provider = connectRpc(options.rpcUrl, { chainId: bundle.chainId });
  try {
    // Asked of the node itself: a provider pinned to the bundle's chain id would simply repeat it back.
    const chainId = await provider.send("eth_chainId", []).then(Number, (cause: unknown) => {
      throw new CertLedgerError("CHAIN_UNAVAILABLE", `no JSON-RPC node answers at ${options.rpcUrl}`, { cause });
    });
    if (chainId !== bundle.chainId) {
      throw new CertLedgerError(
        "CHAIN_MISMATCH",
        `the bundle is for chain ${bundle.chainId}, the node at ${options.rpcUrl} is chain ${chainId}`,
      );
    }
    const client = Client.connect({ deployment: bundleDeployment(bundle), provider });
    await client.assertDeployment();
    return await new Verifier({ client }).verify({ kind: "bundle", bundle }, options);
  } finally {
    provider.destroy();
  }
}

/**
 * The client needs a deployment; a bundle knows the ledger's address and chain, and the block it was anchored in,
 * from which on its history can be read. The consortium's bootstrap parameters play no part in verification.
 */
function bundleDeployment(bundle: ProofBundle): Deployment {
  return {
    chainId: bundle.chainId,
    ledger: { address: bundle.ledger, deploymentBlock: bundle.anchor.blockNumber, deploymentTx: bundle.anchor.txHash },
    parties: [],
    threshold: 1,
    proposalLifetimeSeconds: 1,
    deployedAt: bundle.createdAt,
  };
}
