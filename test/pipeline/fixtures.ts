/**
 * The pipeline's test world: the verifier's world (the ledger on the in-process Hardhat network, four authorities
 * with registered ES256 keys, one real Helia node) plus outbox files in temporary folders, batchers wired to the
 * authorities' accounts, signers that "crash" around a send, and a check that every certificate is on chain once.
 */
import os from "node:os";
import path from "node:path";
import { mkdtemp, rm } from "node:fs/promises";
import { expect } from "chai";
import { AbstractSigner, ethers, type Provider, type TransactionRequest, type TransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { cidFromBytes } from "../../src/ipfs/cid";
import type { PayloadStore } from "../../src/ipfs/payload-store";
import { parseBatchManifest } from "../../src/merkle/batch";
import { Batcher, type BatcherOptions } from "../../src/pipeline/batcher";
import type { AnchorRequestInput } from "../../src/pipeline/anchor-request";
import { Outbox } from "../../src/pipeline/outbox";
import { time } from "../contracts/fixtures";
import { DAY, payloadStore, type Authority, type World } from "../verify/world";

export { DAY, payloadStore, stopPayloadStore, verifierWorld as pipelineWorld, type World } from "../verify/world";

const dirs: string[] = [];

/** A path for a new outbox file in a fresh temporary folder (removed by {@link removeOutboxFiles}). */
export async function outboxFile(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "certledger-outbox-"));
  dirs.push(dir);
  return path.join(dir, "outbox.sqlite");
}

/** Removes every folder {@link outboxFile} made. */
export async function removeOutboxFiles(): Promise<void> {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** A random 32-byte hash as 0x hex. */
export const randomHash = (): string => ethers.hexlify(ethers.randomBytes(32));

/** A request of `authority` for a random certificate of `certType`, valid for 90 days of chain time. */
export async function requestOf(
  authority: Authority,
  certType: number,
  extra: Partial<AnchorRequestInput> = {},
): Promise<AnchorRequestInput> {
  return {
    certHash: randomHash(),
    authorityId: authority.id,
    certType,
    validUntil: BigInt(await time.latest()) + 90n * DAY,
    numberHash: randomHash(),
    ...extra,
  };
}

/** The accounts of the world's authorities, by authority id. */
export function signersOf(world: World): (authorityId: number) => HardhatEthersSigner | undefined {
  const byId = new Map(Object.values(world.authorities).map((a) => [a.id, a.account]));
  return (authorityId) => byId.get(authorityId);
}

/** A batcher on `outbox` for the world, with quick timings for tests. */
export async function batcherFor(world: World, outbox: Outbox, options: Partial<BatcherOptions> = {}): Promise<Batcher> {
  return new Batcher({
    outbox,
    client: world.client,
    signerFor: signersOf(world),
    payloads: await payloadStore(),
    maxWaitMs: 30,
    pollIntervalMs: 5,
    retry: { baseDelayMs: 10, maxDelayMs: 100 },
    stopTimeoutMs: 100,
    ...options,
  });
}

/**
 * A signer that dies around the send, as a process killed at that moment would: "before-send" never sends;
 * "after-send" sends the transaction (the node mines it) but never hears back. `sent` collects what was sent.
 */
export class CrashingSigner extends AbstractSigner {
  readonly sent: string[] = [];

  constructor(
    readonly inner: HardhatEthersSigner,
    readonly mode: "before-send" | "after-send",
  ) {
    super(inner.provider);
  }

  getAddress(): Promise<string> {
    return this.inner.getAddress();
  }

  connect(_provider: Provider | null): CrashingSigner {
    return this;
  }

  signTransaction(tx: TransactionRequest): Promise<string> {
    return this.inner.signTransaction(tx);
  }

  signMessage(message: string | Uint8Array): Promise<string> {
    return this.inner.signMessage(message);
  }

  signTypedData(...args: Parameters<HardhatEthersSigner["signTypedData"]>): Promise<string> {
    return this.inner.signTypedData(...args);
  }

  override async sendTransaction(tx: TransactionRequest): Promise<TransactionResponse> {
    if (this.mode === "after-send") this.sent.push((await this.inner.sendTransaction(tx)).hash);
    return new Promise<never>(() => undefined);
  }
}

/** A payload store that fails with IPFS_UNAVAILABLE (through a Kubo client of a closed port) while `down` is set. */
export function switchableStore(working: PayloadStore, dead: PayloadStore): PayloadStore & { down: boolean } {
  return {
    down: true,
    add(bytes, options) {
      return this.down ? dead.add(bytes, options) : working.add(bytes, options);
    },
    get(cid, options) {
      return this.down ? dead.get(cid, options) : working.get(cid, options);
    },
    pin(cid, options) {
      return this.down ? dead.pin(cid, options) : working.pin(cid, options);
    },
    stop: async () => undefined,
  };
}

/** Polls `condition` every 10 ms until it holds, failing after `timeoutMs`. */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) expect.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Where each certificate is on chain: the roots of the batches (read from their manifests) and direct records. */
export async function placesOnChain(world: World): Promise<Map<string, string[]>> {
  const places = new Map<string, string[]>();
  const add = (certHash: string, place: string) => places.set(certHash, [...(places.get(certHash) ?? []), place]);
  const store = await payloadStore();
  for (const event of await world.client.batchAnchors()) {
    const manifest = parseBatchManifest(await store.get(cidFromBytes(event.manifestCid)));
    for (const [certHash] of manifest.leaves) add(certHash, event.root);
  }
  return places;
}

/**
 * Asserts that each of `certHashes` is anchored exactly once: in exactly one batch and with no record of its own,
 * or with a direct record (a CertificateAnchored event) and in no batch. Returns how many batches hold them.
 */
export async function expectAnchoredOnce(world: World, certHashes: string[]): Promise<{ batches: number; direct: number }> {
  const places = await placesOnChain(world);
  const roots = new Set<string>();
  let direct = 0;
  for (const certHash of certHashes) {
    const inBatches = places.get(certHash) ?? [];
    const anchored = (await world.client.certificateHistory(certHash)).filter((e) => e.event === "CertificateAnchored");
    expect(inBatches.length + anchored.length, `${certHash}: batches ${inBatches.join(", ")}, direct ${anchored.length}`).to.equal(1);
    inBatches.forEach((root) => roots.add(root));
    direct += anchored.length;
  }
  return { batches: roots.size, direct };
}
