/** The part of @digitalbazaar/vc-bitstring-status-list (untyped, ESM) the interop tests use. */
declare module "@digitalbazaar/vc-bitstring-status-list" {
  export function decodeList(options: { encodedList: string }): Promise<{ length: number; getStatus(index: number): boolean }>;
}
