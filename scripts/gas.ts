/**
 * `npm run gas`: the gas of every state-changing ledger operation, one line each, measured on the in-process
 * Hardhat network with realistic inputs (random 32-byte hashes, a 36-byte CIDv1). Targets from issue #2 are
 * shown beside the operations they bound.
 */
import { ethers } from "hardhat";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import type { ContractTransactionResponse } from "ethers";
import { deployLedger } from "../src/chain/deploy";
import { partyCodeToBytes2 } from "../src/chain/party-code";
import { CertificateLedger__factory, CertificateOutcomes__factory, OriginRegistry__factory } from "../typechain-types";

const TARGETS: Record<string, number> = {
  anchorCertificate: 55_000,
  "anchorBatch (10 certificates)": 60_000,
  "anchorBatch (100000 certificates)": 60_000,
  suspendCertificate: 40_000,
  "revokeCertificate (no replacement)": 40_000,
  "recordOutcome (direct certificate)": 60_000,
  "recordOutcome (batched certificate)": 60_000,
  "recordUtilisation (1 item)": 60_000,
};

const rows: [string, bigint][] = [];
async function measure(name: string, tx: Promise<ContractTransactionResponse>): Promise<void> {
  const receipt = await (await tx).wait();
  rows.push([name, receipt!.gasUsed]);
}

const randomHash = (): string => ethers.hexlify(ethers.randomBytes(32));
const randomCid = (): string => ethers.concat(["0x01551220", ethers.randomBytes(32)]);
const YEAR = 365 * 24 * 3600;
const alg = ethers.encodeBytes32String("ES256").slice(0, 34);

async function main(): Promise<void> {
  const [deployer, kgAdmin, kzAdmin, uzAdmin, issuer, issuer2, tjAdmin, spare, kzCustoms, kzCustoms2, uzCustoms, kgRegistrar] =
    await ethers.getSigners();
  const KG = partyCodeToBytes2("KG");
  const KZ = partyCodeToBytes2("KZ");
  const UZ = partyCodeToBytes2("UZ");
  const deployment = await deployLedger(deployer, {
    parties: [
      { code: "KG", admin: kgAdmin.address },
      { code: "KZ", admin: kzAdmin.address },
      { code: "UZ", admin: uzAdmin.address },
    ],
    threshold: 2,
  });
  const deployReceipt = await ethers.provider.getTransactionReceipt(deployment.ledger.deploymentTx);
  rows.push(["deploy (3 parties)", deployReceipt!.gasUsed]);
  const ledger = CertificateLedger__factory.connect(deployment.ledger.address, deployer);
  const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);

  await measure("addPartyAdmin", ledger.connect(kgAdmin).addPartyAdmin(KG, spare.address));
  await measure("removePartyAdmin", ledger.connect(kgAdmin).removePartyAdmin(KG, spare.address));
  await measure("setPartyEncryptionKey", ledger.connect(kgAdmin).setPartyEncryptionKey(KG, randomHash(), randomCid()));
  await measure(
    "setPartyNode",
    ledger.connect(kgAdmin).setPartyNode(KG, "12D3KooWQvZ5pBkqUXtzjCRsTkoeJoGQqt1fcq8QSNuUVcy6Wqa1", "/dns4/ipfs.kg.example/tcp/4001"),
  );

  const TJ = partyCodeToBytes2("TJ");
  await measure("propose (admit party)", ledger.connect(kgAdmin).propose(0, TJ, tjAdmin.address, 0));
  await measure("approve", ledger.connect(kzAdmin).approve(1));
  await measure("execute (admit party)", ledger.connect(uzAdmin).execute(1));

  const scope = (1n << 1n) | (1n << 2n);
  await measure(
    "registerAuthority (1 account)",
    ledger
      .connect(kgAdmin)
      .registerAuthority(KG, "Kyrgyzstandard certification body", [issuer.address], scope, now, now + 5n * BigInt(YEAR)),
  );
  await measure("addAuthorityAccount", ledger.connect(kgAdmin).addAuthorityAccount(1, issuer2.address));
  await measure("removeAuthorityAccount", ledger.connect(kgAdmin).removeAuthorityAccount(1, issuer2.address));
  await measure("updateAuthority", ledger.connect(kgAdmin).updateAuthority(1, scope | (1n << 3n), now, now + 6n * BigInt(YEAR)));
  await measure("suspendAuthority", ledger.connect(kgAdmin).suspendAuthority(1));
  await measure("reactivateAuthority", ledger.connect(kgAdmin).reactivateAuthority(1));

  const key1 = randomHash();
  const key2 = randomHash();
  await measure("addSigningKey", ledger.connect(issuer).addSigningKey(1, key1, alg, now, now + BigInt(YEAR)));
  await measure("rotateSigningKey", ledger.connect(issuer).rotateSigningKey(1, key1, key2, alg, now + 2n * BigInt(YEAR)));
  await measure("compromiseSigningKey", ledger.connect(issuer).compromiseSigningKey(1, key1, now));

  const validUntil = now + BigInt(YEAR);
  const certs = [randomHash(), randomHash(), randomHash()];
  for (const cert of certs) {
    await measure("anchorCertificate", ledger.connect(issuer).anchorCertificate(cert, 1, validUntil, randomHash(), randomCid()));
  }
  await measure("suspendCertificate", ledger.connect(issuer).suspendCertificate(certs[0]));
  await measure("reinstateCertificate", ledger.connect(issuer).reinstateCertificate(certs[0]));
  const issuedAt = async (cert: string) => (await ledger.getCertificate(cert)).issuedAt;
  await measure(
    "revokeCertificate (no replacement)",
    ledger.connect(issuer).revokeCertificate(certs[0], 4, await issuedAt(certs[0]), ethers.ZeroHash),
  );
  await measure(
    "revokeCertificate (with replacement)",
    ledger.connect(kgAdmin).revokeCertificate(certs[1], 4, await issuedAt(certs[1]), certs[2]),
  );

  const authorityId = 1;
  let batchMember:
    { root: string; authorityId: number; certHash: string; numberHash: string; validUntil: bigint; proof: string[] } | undefined;
  for (const size of [10, 100_000]) {
    // The batch size only changes the root, so a large batch is measured by its declared leaf count. Every leaf names
    // the authority that anchors the batch, as the contract's batchLeaf does.
    const leaves = Array.from({ length: Math.min(size, 10) }, () => [randomHash(), randomHash(), validUntil, authorityId]);
    const tree = StandardMerkleTree.of(leaves, ["bytes32", "bytes32", "uint64", "uint32"]);
    await measure(`anchorBatch (${size} certificates)`, ledger.connect(issuer).anchorBatch(tree.root, 2, size, randomCid()));
    if (size !== 10) continue;
    const member = (i: number) => ({
      root: tree.root,
      authorityId,
      certHash: leaves[i][0] as string,
      numberHash: leaves[i][1] as string,
      validUntil,
      proof: tree.getProof(i),
    });
    const batchIssuedAt = (await ledger.getBatch(tree.root, authorityId)).issuedAt;
    await measure("suspendBatchedCertificate (first change)", ledger.connect(issuer).suspendBatchedCertificate(member(0)));
    await measure("reinstateBatchedCertificate", ledger.connect(issuer).reinstateBatchedCertificate(member(0)));
    await measure("suspendBatchedCertificate (materialised)", ledger.connect(issuer).suspendBatchedCertificate(member(0)));
    await measure(
      "revokeBatchedCertificate (first change)",
      ledger.connect(issuer).revokeBatchedCertificate(member(1), 1, batchIssuedAt, ethers.ZeroHash),
    );
    await measure(
      "revokeBatchedCertificate (first change, with replacement)",
      ledger.connect(issuer).revokeBatchedCertificate(member(2), 1, batchIssuedAt, randomHash()),
    );
    batchMember = member(5);
  }

  // The importing side: KZ's customs answers for KG's certificates and writes their quantities off.
  const outcomes = CertificateOutcomes__factory.connect(deployment.outcomes!.address, deployer);
  const outcomesReceipt = await ethers.provider.getTransactionReceipt(deployment.outcomes!.deploymentTx);
  rows.push(["deploy CertificateOutcomes", outcomesReceipt!.gasUsed]);
  await measure("registerAgency (1 account)", outcomes.connect(kzAdmin).registerAgency(KZ, "KZ customs", [kzCustoms.address]));
  await measure("addAgencyAccount", outcomes.connect(kzAdmin).addAgencyAccount(1, kzCustoms2.address));
  await outcomes.connect(uzAdmin).registerAgency(UZ, "UZ customs", [uzCustoms.address]);
  const direct = [certs[2], authorityId, ethers.ZeroHash] as const;
  await measure("recordOutcome (direct certificate)", outcomes.connect(kzCustoms).recordOutcome(...direct, 2, 0, randomHash()));
  await measure(
    "recordOutcome (batched certificate)",
    outcomes.connect(kzCustoms).recordOutcome(batchMember!.certHash, authorityId, batchMember!.root, 1, 0, ethers.ZeroHash),
  );
  const unit = (code: string) => ethers.zeroPadBytes(ethers.toUtf8Bytes(code), 4);
  await measure("declareItems (1 item)", outcomes.connect(kzCustoms).declareItems(...direct, [{ total: 18_000_000n, unit: unit("KGM") }]));
  await measure(
    "declareItems (3 items, batched certificate)",
    outcomes.connect(kzCustoms).declareItems(batchMember!.certHash, authorityId, batchMember!.root, [
      { total: 18_000_000n, unit: unit("KGM") },
      { total: 500_000n, unit: unit("LTR") },
      { total: 40_000n, unit: unit("H87") },
    ]),
  );
  await measure(
    "correctItems (1 item, by the issuer)",
    outcomes.connect(issuer).correctItems(...direct, [{ total: 20_000_000n, unit: unit("KGM") }]),
  );
  const use = (quantity: bigint, usedBefore = 0n) => [{ item: 0, quantity, usedBefore }];
  await measure(
    "recordUtilisation (1 item)",
    outcomes.connect(kzCustoms).recordUtilisation(certs[2], authorityId, ethers.ZeroHash, randomHash(), use(10_000_000n)),
  );
  await measure(
    "recordUtilisation (1 item, by another party)",
    outcomes.connect(uzCustoms).recordUtilisation(certs[2], authorityId, ethers.ZeroHash, randomHash(), use(5_000_000n, 10_000_000n)),
  );
  await measure(
    "recordUtilisation (3 items)",
    outcomes.connect(kzCustoms).recordUtilisation(batchMember!.certHash, authorityId, batchMember!.root, randomHash(), [
      { item: 0, quantity: 1_000n, usedBefore: 0n },
      { item: 1, quantity: 1_000n, usedBefore: 0n },
      { item: 2, quantity: 1_000n, usedBefore: 0n },
    ]),
  );
  await measure("suspendAgency (2 accounts)", outcomes.connect(kzAdmin).suspendAgency(1));

  await measure("setPartyRecognition", ledger.connect(kzAdmin).setPartyRecognition(KZ, KG, 1n << 1n));
  await measure("setAuthorityRecognition", ledger.connect(kzAdmin).setAuthorityRecognition(KZ, 1, 1n << 2n));

  // Origin: KG and KZ agree, KG's origin authority registers an exporter who declares the origin of goods bound for KZ.
  const origin = OriginRegistry__factory.connect(deployment.origin!.address, deployer);
  const originReceipt = await ethers.provider.getTransactionReceipt(deployment.origin!.deploymentTx);
  rows.push(["deploy OriginRegistry", originReceipt!.gasUsed]);
  await ledger
    .connect(kgAdmin)
    .registerAuthority(KG, "KG export promotion centre", [kgRegistrar.address], 1n << 5n, now, now + 5n * BigInt(YEAR));
  const originAuthority = Number(await ledger.authorityCount());
  await measure(
    "proposeAgreement (2 parties)",
    origin.connect(kgAdmin).proposeAgreement("KG-KZ", "Kyrgyzstan–Kazakhstan free trade agreement", [KG, KZ], KG),
  );
  await measure("approveAgreement (brings it into force)", origin.connect(kzAdmin).approveAgreement(1, KZ));
  const publicDetails = JSON.stringify({ name: "Issyk-Kul Dried Fruit LLC", address: "12 Chui Ave, Bishkek", contact: "export@ikdf.kg" });
  await measure(
    "registerTrader (2 headings, with public details)",
    origin.connect(kgRegistrar).registerTrader({
      authorityId: originAuthority,
      kind: 1,
      number: "KG-REX-000123",
      headings: [813, 809],
      validFrom: now,
      validUntil: now + 3n * BigInt(YEAR),
      detailsDigest: ethers.sha256(ethers.toUtf8Bytes(publicDetails)),
      publicDetails,
    }),
  );
  await measure("addTraderKey", origin.connect(kgRegistrar).addTraderKey(1, randomHash(), now, now + BigInt(YEAR)));
  await measure("recordDeclaration (2 headings)", origin.connect(kgRegistrar).recordDeclaration(randomHash(), 1, 1, KZ, [813, 809]));
  await measure("setRegistrationStatus (suspend)", origin.connect(kgRegistrar).setRegistrationStatus(1, 2));
  await measure("setAgreementRecognition", origin.connect(kzAdmin).setAgreementRecognition(KZ, KG, 1, 2, now, now + BigInt(YEAR)));

  const seen = new Set<string>();
  const width = Math.max(...rows.map(([name]) => name.length));
  console.log(`${"operation".padEnd(width)}  ${"gas".padStart(9)}  target`);
  for (const [name, gas] of rows) {
    if (seen.has(name)) continue;
    seen.add(name);
    const target = TARGETS[name];
    const verdict = target === undefined ? "" : `≤ ${target.toLocaleString("en")} ${gas <= BigInt(target) ? "ok" : "OVER"}`;
    console.log(`${name.padEnd(width)}  ${gas.toLocaleString("en").padStart(9)}  ${verdict}`);
  }
  const code = await ethers.provider.getCode(deployment.ledger.address);
  console.log(`\nCertificateLedger runtime size: ${(code.length - 2) / 2} bytes (limit 24,576)`);
  const outcomesCode = await ethers.provider.getCode(deployment.outcomes!.address);
  console.log(`CertificateOutcomes runtime size: ${(outcomesCode.length - 2) / 2} bytes (limit 24,576)`);
  const originCode = await ethers.provider.getCode(deployment.origin!.address);
  console.log(`OriginRegistry runtime size: ${(originCode.length - 2) / 2} bytes (limit 24,576)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
