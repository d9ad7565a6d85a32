/**
 * Quantities as the outcomes contract keeps them: whole thousandths of a unit in a uint96 (so "10000.5" KGM is
 * 10,000,500), and UN/ECE Recommendation 20 unit codes left-aligned in 4 bytes ("KGM" is 0x4b474d00). Three decimals
 * cover what trade documents state (grams of a kilogram, millilitres of a litre); a finer quantity is refused rather
 * than rounded, so nothing is ever written off that nobody asked for.
 */
import { CertLedgerError } from "../errors";

const MAX_UINT96 = (1n << 96n) - 1n;
const DECIMAL = /^(\d{1,24})(?:\.(\d{1,3}))?$/;
const UNIT = /^[A-Z0-9]{2,3}$/;

/** `value` (a positive number or decimal string, at most 3 decimals) in thousandths; INVALID_USE naming `what` otherwise. */
export function toThousandths(value: number | string, what: string): bigint {
  const text = typeof value === "number" ? numberText(value) : value.trim();
  const match = DECIMAL.exec(text);
  if (!match) {
    throw new CertLedgerError(
      "INVALID_USE",
      `${what}: ${JSON.stringify(value)} is not a quantity with at most 3 decimals, e.g. 10000 or 12.5`,
    );
  }
  const thousandths = BigInt(match[1]) * 1000n + BigInt((match[2] ?? "").padEnd(3, "0"));
  if (thousandths === 0n) throw new CertLedgerError("INVALID_USE", `${what}: a quantity must be more than 0`);
  if (thousandths > MAX_UINT96) throw new CertLedgerError("INVALID_USE", `${what}: ${text} is more than the ledger can count`);
  return thousandths;
}

/** Thousandths back as a decimal string without trailing zeros: 10000500n → "10000.5". */
export function fromThousandths(thousandths: bigint): string {
  const whole = thousandths / 1000n;
  const fraction = (thousandths % 1000n).toString().padStart(3, "0").replace(/0+$/, "");
  return fraction === "" ? whole.toString() : `${whole}.${fraction}`;
}

/** A unit code as the contract's bytes4. */
export function unitToBytes4(unit: string): string {
  if (!UNIT.test(unit)) throw new CertLedgerError("INVALID_USE", `unit ${JSON.stringify(unit)} is not a UN/ECE Rec 20 code such as KGM`);
  return "0x" + Buffer.from(unit.padEnd(4, "\0"), "latin1").toString("hex");
}

/** The contract's bytes4 back as a unit code. */
export function unitFromBytes4(bytes4: string): string {
  return Buffer.from(bytes4.slice(2), "hex").toString("latin1").replace(/\0+$/, "");
}

function numberText(value: number): string {
  if (!Number.isFinite(value) || value < 0) return String(value);
  // Up to 3 decimals, without the float's noise (0.1 + 0.2); more decimals stay and are refused.
  const fixed = value.toFixed(3);
  return Number(fixed) === value ? fixed.replace(/\.?0+$/, "") || "0" : String(value);
}
