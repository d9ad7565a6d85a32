import { CertLedgerError } from "../errors";

/** Certificate types as the ledger numbers them; 5..63 are free for more without a contract change. */
export const CERTIFICATE_TYPES = {
  conformityCertificate: 1,
  testReport: 2,
  certificateOfOrigin: 3,
  phytosanitaryCertificate: 4,
} as const;

/** A certificate type's name, e.g. "conformityCertificate". */
export type CertificateTypeName = keyof typeof CERTIFICATE_TYPES;

const NAMES = Object.fromEntries(Object.entries(CERTIFICATE_TYPES).map(([name, n]) => [n, name])) as Record<number, CertificateTypeName>;

/** Whether `name` is a known certificate type. */
export function isCertificateTypeName(name: string): name is CertificateTypeName {
  return Object.hasOwn(CERTIFICATE_TYPES, name);
}

/** The ledger's number for type `name`. */
export function certificateTypeNumber(name: string): number {
  if (!isCertificateTypeName(name)) {
    throw new CertLedgerError(
      "INVALID_CERTIFICATE_TYPE",
      `unknown certificate type ${JSON.stringify(name)}; known: ${Object.keys(CERTIFICATE_TYPES).join(", ")}`,
    );
  }
  return CERTIFICATE_TYPES[name];
}

/** The name of the ledger's type `n`, or undefined for a number with no name yet. */
export function certificateTypeName(n: number): CertificateTypeName | undefined {
  return NAMES[n];
}

/** The bit set (a scope or a recognition) of the given type numbers. */
export function typeSet(...types: number[]): bigint {
  return types.reduce((set, type) => set | (1n << BigInt(type)), 0n);
}
