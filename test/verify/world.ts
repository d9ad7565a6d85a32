/**
 * The verifier's test world: the ledger on the in-process Hardhat network with a real LedgerClient, one real Helia
 * node for payloads and manifests, and issuing authorities with registered ES256 keys:
 *   1 KG certification body (conformity certificates, test reports)   2 KG plant protection (phytosanitary)
 *   3 KZ chamber of commerce (certificates of origin)                  4 UZ chamber of commerce (certificates of origin)
 * KZ recognises KG's conformity certificates and has a registered encryption key.
 */
import os from "node:os";
import path from "node:path";
import { mkdtemp, rm } from "node:fs/promises";
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { LedgerClient } from "../../src/chain/ledger-client";
import { CERTIFICATE_TYPES, typeSet, type IssuedTypeName } from "../../src/documents/certificate-types";
import { buildCredential, credentialNumberHash, type CredentialInputOf } from "../../src/documents/credentials";
import { certHashOf, certificateNumberHash } from "../../src/documents/hashing";
import { signCredential, VC_JWT_MEDIA_TYPE } from "../../src/documents/vc-jose";
import { generateEncryptionKey, generateSigningKey, type GeneratedKey } from "../../src/crypto/keys";
import { encryptPayload } from "../../src/crypto/payload-encryption";
import { createHeliaStore, type HeliaStore } from "../../src/ipfs/helia-store";
import { cidToBytes } from "../../src/ipfs/cid";
import { deployedLedger, loadFixture, time } from "../contracts/fixtures";
import { EXAMPLE_INPUTS } from "../documents/credential-examples";
import { pdfOfObjects } from "../documents/pdf-file";

export const DAY = 86_400n;

/** Who issues which type in this world. */
export const ISSUER_OF: Record<IssuedTypeName, "kgBody" | "kgPlant" | "kzChamber"> = {
  conformityCertificate: "kgBody",
  testReport: "kgBody",
  certificateOfOrigin: "kzChamber",
  phytosanitaryCertificate: "kgPlant",
};

export interface Authority {
  id: number;
  party: string;
  name: string;
  account: HardhatEthersSigner;
  key: GeneratedKey;
}

let store: HeliaStore | undefined;
let storeDir: string | undefined;

/** The shared Helia node (started once per test run, stopped by {@link stopPayloadStore}). */
export async function payloadStore(): Promise<HeliaStore> {
  if (!store) {
    storeDir = await mkdtemp(path.join(os.tmpdir(), "certledger-verify-"));
    store = await createHeliaStore({ dataDir: storeDir });
  }
  return store;
}

/** Stops the shared Helia node and removes its folder. */
export async function stopPayloadStore(): Promise<void> {
  await store?.stop();
  if (storeDir) await rm(storeDir, { recursive: true, force: true });
  store = undefined;
  storeDir = undefined;
}

let keys:
  { kgBody: GeneratedKey; kgPlant: GeneratedKey; kzChamber: GeneratedKey; uzChamber: GeneratedKey; kzEncryption: GeneratedKey } | undefined;

/** The ledger with the four authorities, their keys, KZ's recognition and encryption key (a loadFixture fixture). */
export async function verifierWorld() {
  const base = await loadFixture(deployedLedger);
  const { deployment, kgAdmin, kzAdmin, uzAdmin, signers } = base;
  keys ??= {
    kgBody: await generateSigningKey(),
    kgPlant: await generateSigningKey(),
    kzChamber: await generateSigningKey(),
    uzChamber: await generateSigningKey(),
    kzEncryption: await generateEncryptionKey(),
  };
  const client = LedgerClient.connect({ deployment, provider: ethers.provider, pollIntervalMs: 20 });
  const now = BigInt(await time.latest());
  const until = now + 3650n * DAY;
  const [kgBodyAccount, kgPlantAccount, kzChamberAccount, uzChamberAccount] = signers.slice(6, 10);
  const register = async (
    admin: HardhatEthersSigner,
    party: string,
    name: string,
    account: HardhatEthersSigner,
    types: number[],
    key: GeneratedKey,
  ) => {
    const { authorityId } = await client
      .withSigner(admin)
      .registerAuthority({ party, name, accounts: [account.address], scope: typeSet(...types), validFrom: now, validUntil: until });
    await client
      .withSigner(account)
      .addSigningKey({ authorityId, thumbprint: key.thumbprint, alg: "ES256", validFrom: now, validUntil: until });
    return { id: authorityId, party, name, account, key } satisfies Authority;
  };
  const { conformityCertificate, testReport, certificateOfOrigin, phytosanitaryCertificate } = CERTIFICATE_TYPES;
  const authorities = {
    kgBody: await register(kgAdmin, "KG", "KG certification body", kgBodyAccount, [conformityCertificate, testReport], keys.kgBody),
    kgPlant: await register(kgAdmin, "KG", "KG plant protection", kgPlantAccount, [phytosanitaryCertificate], keys.kgPlant),
    kzChamber: await register(kzAdmin, "KZ", "KZ chamber of commerce", kzChamberAccount, [certificateOfOrigin], keys.kzChamber),
    uzChamber: await register(uzAdmin, "UZ", "UZ chamber of commerce", uzChamberAccount, [certificateOfOrigin], keys.uzChamber),
  };
  await client.withSigner(kzAdmin).setPartyRecognition({ importer: "KZ", issuer: "KG", types: typeSet(conformityCertificate) });
  await client.withSigner(kzAdmin).setPartyEncryptionKey({ party: "KZ", thumbprint: keys.kzEncryption.thumbprint, cid: "0x" });
  return { ...base, client, authorities, kzEncryption: keys.kzEncryption };
}

export type World = Awaited<ReturnType<typeof verifierWorld>>;

let serial = 0;

/** A signed credential of `type` by `authority` (its number unique in the run), valid for `validDays`. */
export async function signedCredential(
  type: IssuedTypeName,
  authority: Authority,
  options: { validDays?: bigint; signWith?: GeneratedKey; claimAuthorityId?: number } = {},
) {
  const now = BigInt(await time.latest());
  const validUntil = now + (options.validDays ?? 90n) * DAY;
  const input = {
    ...EXAMPLE_INPUTS[type],
    issuer: { party: authority.party, authorityId: options.claimAuthorityId ?? authority.id, name: authority.name },
    certificateNumber: `${authority.party}-${type}-${++serial}-${Date.now()}`,
    validFrom: new Date(Number(now) * 1000).toISOString(),
    validUntil: new Date(Number(validUntil) * 1000).toISOString(),
  } as CredentialInputOf<typeof type>;
  const vc = buildCredential(input);
  const jws = await signCredential(vc, options.signWith ?? authority.key);
  return { vc, jws, certHash: certHashOf(jws), numberHash: credentialNumberHash(vc), validUntil };
}

/** Encrypts `document` for the holder (and `recipients`), puts it on IPFS, and returns the link key and CID. */
export async function storePayload(
  document: Uint8Array,
  certHash: string,
  contentType: string,
  recipients: { party: string; publicJwk: GeneratedKey["publicJwk"] }[] = [],
) {
  const { bytes, linkKey } = await encryptPayload(document, { certHash, contentType, recipients });
  const cid = await (await payloadStore()).add(bytes);
  return { cid, linkKey };
}

/** Issues a credential of `type` end to end: signed, encrypted on IPFS, anchored by its authority. */
export async function issueCredential(
  world: World,
  type: IssuedTypeName,
  options: Parameters<typeof signedCredential>[2] & {
    anchorAs?: number;
    by?: Authority;
    recipients?: { party: string; publicJwk: GeneratedKey["publicJwk"] }[];
  } = {},
) {
  const authority = options.by ?? world.authorities[ISSUER_OF[type]];
  const credential = await signedCredential(type, authority, options);
  const payload = await storePayload(new TextEncoder().encode(credential.jws), credential.certHash, VC_JWT_MEDIA_TYPE, options.recipients);
  const anchor = await world.client.withSigner(authority.account).anchorCertificate({
    certHash: credential.certHash,
    certType: options.anchorAs ?? CERTIFICATE_TYPES[type],
    validUntil: credential.validUntil,
    numberHash: credential.numberHash,
    payloadCid: cidToBytes(payload.cid),
  });
  return { ...credential, ...payload, anchor, authority };
}

/**
 * A small but real one-page A4 PDF that shows `text` (what pdf-lib, and so the server's stamping, can open), built
 * synchronously with a correct cross-reference table.
 */
export function pdfBytes(text: string): Uint8Array {
  const shown = text.replace(/[\\()]/g, (c) => `\\${c}`).replace(/[^\x20-\x7e]/g, "?");
  const content = `BT /F1 12 Tf 72 770 Td (${shown}) Tj ET`;
  const objects = [
    "<</Type/Catalog/Pages 2 0 R>>",
    "<</Type/Pages/Count 1/Kids[3 0 R]>>",
    "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 4 0 R>>>>/Contents 5 0 R>>",
    "<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    `<</Length ${content.length}>>\nstream\n${content}\nendstream`,
  ];
  return pdfOfObjects(objects);
}

/** Issues a PDF certificate of `type` by `authority`: encrypted on IPFS and anchored with its number. */
export async function issueFile(world: World, bytes: Uint8Array, type: IssuedTypeName = "conformityCertificate") {
  const authority = world.authorities[ISSUER_OF[type]];
  const certHash = certHashOf(bytes);
  const number = `PDF-${++serial}-${Date.now()}`;
  const validUntil = BigInt(await time.latest()) + 90n * DAY;
  const payload = await storePayload(bytes, certHash, "application/pdf");
  await world.client.withSigner(authority.account).anchorCertificate({
    certHash,
    certType: CERTIFICATE_TYPES[type],
    validUntil,
    numberHash: certificateNumberHash(authority.party, number),
    payloadCid: cidToBytes(payload.cid),
  });
  return { certHash, number, validUntil, ...payload, authority };
}
