/**
 * How the library reaches `jose`. jose v6 is ESM-only and this package compiles to CommonJS (module node16), where
 * `tsc` refuses a static `import … from "jose"` (TS1479) even though Node 20.19+ could `require()` it. A dynamic
 * `import()` is kept as a real `import()` by tsc and works under ts-node too, so every runtime use goes through
 * `loadJose()`, and types come from the `resolution-mode: "import"` type imports below (erased at run time).
 */
export type { CompactJWSHeaderParameters, FlattenedJWE, GeneralJWE, JWEHeaderParameters, JWK } from "jose" with {
  "resolution-mode": "import",
};

/** The `jose` module's namespace. */
export type Jose = typeof import("jose", { with: { "resolution-mode": "import" } });

let loaded: Promise<Jose> | undefined;

/** The `jose` module, imported once on first use. */
export function loadJose(): Promise<Jose> {
  loaded ??= import("jose");
  return loaded;
}
