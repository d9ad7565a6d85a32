import { CertLedgerError } from "../errors";

/**
 * Certificate types as the ledger numbers them; 7..63 are free for more without a contract change. Types 5 and 6 are
 * origin declarations, made by a registered exporter or importer (src/origin) rather than issued by an authority.
 */
export const CERTIFICATE_TYPES = {
  conformityCertificate: 1,
  testReport: 2,
  certificateOfOrigin: 3,
  phytosanitaryCertificate: 4,
  exporterDeclaration: 5,
  importerDeclaration: 6,
} as const;

/** The types only a registered exporter or importer declares (POST /v1/declarations), never an authority on its own. */
export const DECLARATION_TYPES: readonly number[] = [CERTIFICATE_TYPES.exporterDeclaration, CERTIFICATE_TYPES.importerDeclaration];

/** A certificate type's name, e.g. "conformityCertificate". */
export type CertificateTypeName = keyof typeof CERTIFICATE_TYPES;

/** The types an authority issues itself (every type but the declarations). */
export type IssuedTypeName = Exclude<CertificateTypeName, "exporterDeclaration" | "importerDeclaration">;

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
