import { CertLedgerError } from "../errors";

/** An ISO 3166-1 alpha-2 code as the ledger keys parties: two upper-case ASCII letters, e.g. "KG". */
export type PartyCode = string;

const PARTY_CODE = /^[A-Z]{2}$/;

/** Whether `code` is a well-formed party code. */
export function isPartyCode(code: string): code is PartyCode {
  return PARTY_CODE.test(code);
}

/** The `bytes2` the contracts use for party `code` ("KG" → "0x4b47"). */
export function partyCodeToBytes2(code: string): string {
  if (!isPartyCode(code)) {
    throw new CertLedgerError(
      "INVALID_PARTY_CODE",
      `party code ${JSON.stringify(code)} is not two upper-case letters (ISO 3166-1 alpha-2)`,
    );
  }
  return "0x" + Buffer.from(code, "ascii").toString("hex");
}

/** The party code for a `bytes2` read from the chain ("0x4b47" → "KG"). */
export function bytes2ToPartyCode(value: string): PartyCode {
  const code = /^0x[0-9a-fA-F]{4}$/.test(value) ? Buffer.from(value.slice(2), "hex").toString("latin1") : "";
  if (!isPartyCode(code)) {
    throw new CertLedgerError("INVALID_PARTY_CODE", `chain value ${JSON.stringify(value)} is not a party code`);
  }
  return code;
}
