import { CERTIFICATE_TYPES, typeSet, type CertificateTypeName } from "../src/documents/certificate-types";
import type { LedgerClient } from "../src/chain/ledger-client";
import { OutcomesClient } from "../src/outcomes";
import { OriginClient, proofBits } from "../src/origin";
import { generateSigningKey } from "../src/crypto/keys";
import type { Keyring } from "../src/keys/keyring";
import type { Auth } from "./auth";

/** What a newcomer needs to try the demo: a token per party admin and per issuing authority. */
export interface DemoCredentials {
  parties: Record<
    string,
    {
      adminToken: string;
      admin: string;
      authorities: { id: number; name: string; account: string; scope: CertificateTypeName[]; token: string }[];
      /** Its border agency (customs), which records outcomes and write-offs of other parties' certificates. */
      agencies: { id: number; name: string; account: string; token: string }[];
    }
  >;
}

const DEMO = [
  {
    code: "KG",
    admin: 1,
    account: 4,
    name: "Kyrgyzstandard certification body",
    // Also KG's origin authority: it registers exporters, whose declarations it anchors (exporterDeclaration).
    scope: ["conformityCertificate", "testReport", "exporterDeclaration"],
    customs: { account: 7, name: "KG State Customs Service" },
  },
  {
    code: "KZ",
    admin: 2,
    account: 5,
    name: "KZ chamber of commerce",
    // Also registers importers allowed to declare origin for imports into KZ (importerDeclaration).
    scope: ["certificateOfOrigin", "importerDeclaration"],
    customs: { account: 8, name: "KZ State Revenue Committee, customs" },
  },
  {
    code: "UZ",
    admin: 3,
    account: 6,
    name: "UZ plant quarantine inspectorate",
    scope: ["phytosanitaryCertificate"],
    customs: { account: 9, name: "UZ Customs Committee" },
  },
] as const;

/** Demo tokens live a year: the demo is for trying things, not for production. */
const DEMO_TOKEN_TTL = "365d";

/**
 * Seeds the demo consortium on a fresh embedded ledger whose parties KG, KZ and UZ were bootstrapped with the
 * development accounts 1-3: one issuing authority each (accounts 4-6) with a registered ES256 signing key kept in the
 * keyring, one border agency each (accounts 7-9), KZ recognising KG's conformity certificates, two trade agreements in
 * force (KG-KZ between KG and KZ, CISFTA among all three) with KZ accepting KG's exporters' declarations under KG-KZ
 * and UZ only KG's certificates of origin under CISFTA, and access tokens for every admin, authority and agency.
 */
export async function seedDemo(options: {
  client: LedgerClient;
  keyring: Keyring;
  auth: Auth;
  accounts: string[];
}): Promise<DemoCredentials> {
  const { client, keyring, auth, accounts } = options;
  const parties: DemoCredentials["parties"] = {};
  const now = await client.now();
  for (const party of DEMO) {
    const admin = accounts[party.admin];
    const account = accounts[party.account];
    await keyring.addParty(party.code, admin);
    const asAdmin = client.withSigner((await keyring.signerForParty(party.code))!);
    const { authorityId } = await asAdmin.registerAuthority({
      party: party.code,
      name: party.name,
      accounts: [account],
      scope: typeSet(...party.scope.map((t) => CERTIFICATE_TYPES[t])),
      validFrom: now,
      validUntil: now + 10n * 365n * 86_400n,
    });
    const key = await generateSigningKey();
    await keyring.addAuthority(authorityId, account, key);
    await client.withSigner((await keyring.signerFor(authorityId))!).addSigningKey({
      authorityId,
      thumbprint: key.thumbprint,
      alg: "ES256",
      validFrom: now,
      validUntil: now + 5n * 365n * 86_400n,
    });
    const customsAccount = accounts[party.customs.account];
    const { agencyId } = await OutcomesClient.of(asAdmin).registerAgency({
      party: party.code,
      name: party.customs.name,
      accounts: [customsAccount],
    });
    await keyring.addAgency(agencyId, customsAccount);
    parties[party.code] = {
      admin,
      adminToken: await auth.mintToken({ role: "party-admin", party: party.code, ttl: DEMO_TOKEN_TTL }),
      authorities: [
        {
          id: authorityId,
          name: party.name,
          account,
          scope: [...party.scope],
          token: await auth.mintToken({ role: "issuer", authorityId, ttl: DEMO_TOKEN_TTL }),
        },
      ],
      agencies: [
        {
          id: agencyId,
          name: party.customs.name,
          account: customsAccount,
          token: await auth.mintToken({ role: "customs", agencyId, ttl: DEMO_TOKEN_TTL }),
        },
      ],
    };
  }
  const kz = client.withSigner((await keyring.signerForParty("KZ"))!);
  await kz.setPartyRecognition({ importer: "KZ", issuer: "KG", types: typeSet(CERTIFICATE_TYPES.conformityCertificate) });
  await seedAgreements(client, keyring, now);
  return { parties };
}

/** The demo's trade agreements, each approved by its parties' admins, and what KZ and UZ accept under them. */
async function seedAgreements(client: LedgerClient, keyring: Keyring, now: bigint): Promise<void> {
  if (!client.deployment.origin) return;
  const as = async (party: "KG" | "KZ" | "UZ") => OriginClient.of(client.withSigner((await keyring.signerForParty(party))!));
  const agreements = [
    { code: "KG-KZ", name: "Agreement between Kyrgyzstan and Kazakhstan on free trade", parties: ["KG", "KZ"] as const },
    { code: "CISFTA", name: "CIS Free Trade Area Agreement", parties: ["KG", "KZ", "UZ"] as const },
  ];
  const ids: Record<string, number> = {};
  for (const agreement of agreements) {
    const [proposer, ...others] = agreement.parties;
    const { agreementId } = await (await as(proposer)).proposeAgreement({ ...agreement, parties: [...agreement.parties], proposer });
    for (const party of others) await (await as(party)).approveAgreement(agreementId, party);
    ids[agreement.code] = agreementId;
  }
  const tenYears = now + 10n * 365n * 86_400n;
  await (
    await as("KZ")
  ).setAgreementRecognition({
    importer: "KZ",
    issuer: "KG",
    agreementId: ids["KG-KZ"],
    proofs: proofBits(["exporterDeclaration"]),
    validFrom: now,
    validUntil: tenYears,
  });
  await (
    await as("UZ")
  ).setAgreementRecognition({
    importer: "UZ",
    issuer: "KG",
    agreementId: ids.CISFTA,
    proofs: proofBits(["certificate"]),
    validFrom: now,
    validUntil: tenYears,
  });
}
