import type { Signer } from "ethers";
import { CertificateLedger__factory } from "../../typechain-types";
import { CERTIFICATE_TYPES, typeSet } from "../documents/certificate-types";
import { partyCodeToBytes2 } from "./party-code";

/** Who is who in the demo consortium seeded on a first start. */
export interface DemoConsortium {
  parties: { code: string; admin: string; authority: { id: number; name: string; account: string; scope: string[] } }[];
  recognitions: string[];
}

interface DemoSigners {
  admins: Record<"KG" | "KZ" | "UZ", Signer>;
  authorities: Record<"KG" | "KZ" | "UZ", Signer>;
}

const DEMO = [
  { code: "KG", name: "Kyrgyzstandard certification body", types: ["conformityCertificate", "testReport"] },
  { code: "KZ", name: "KZ chamber of commerce", types: ["certificateOfOrigin"] },
  { code: "UZ", name: "UZ plant quarantine inspectorate", types: ["phytosanitaryCertificate"] },
] as const;

/**
 * Seeds the demo consortium on a ledger whose parties KG, KZ and UZ were bootstrapped with `signers.admins`:
 * one issuing authority each (valid for ten years), and KZ recognising KG's conformity certificates.
 */
export async function seedDemoConsortium(ledgerAddress: string, signers: DemoSigners): Promise<DemoConsortium> {
  const parties: DemoConsortium["parties"] = [];
  for (const party of DEMO) {
    const admin = signers.admins[party.code];
    const ledger = CertificateLedger__factory.connect(ledgerAddress, admin);
    const account = await signers.authorities[party.code].getAddress();
    const block = await admin.provider!.getBlock("latest");
    const from = BigInt(block!.timestamp);
    const scope = typeSet(...party.types.map((t) => CERTIFICATE_TYPES[t]));
    const receipt = await (
      await ledger.registerAuthority(partyCodeToBytes2(party.code), party.name, [account], scope, from, from + 10n * 365n * 86400n)
    ).wait();
    const event = receipt!.logs.map((log) => ledger.interface.parseLog(log)).find((e) => e?.name === "AuthorityRegistered");
    parties.push({
      code: party.code,
      admin: await admin.getAddress(),
      authority: { id: Number(event!.args.authorityId), name: party.name, account, scope: [...party.types] },
    });
  }
  const kz = CertificateLedger__factory.connect(ledgerAddress, signers.admins.KZ);
  await (
    await kz.setPartyRecognition(partyCodeToBytes2("KZ"), partyCodeToBytes2("KG"), typeSet(CERTIFICATE_TYPES.conformityCertificate))
  ).wait();
  return { parties, recognitions: ["KZ recognises KG conformity certificates"] };
}
