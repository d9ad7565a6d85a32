/** A worker task's result whose bytes cross to the calling thread without a copy (piscina's move). */
import { move, transferableSymbol, valueSymbol } from "piscina";

/**
 * `value`, with the buffers under `bytes` moved rather than copied. Only an array that spans its whole buffer is moved
 * (TextEncoder's output, which nothing else on the worker holds); a view into a larger, shared buffer is copied.
 */
export function withBytesMoved(value: object, bytes: Uint8Array[]): unknown {
  const buffers = bytes.filter((array) => array.byteLength === array.buffer.byteLength).map((array) => array.buffer as ArrayBuffer);
  return move({ [transferableSymbol]: buffers, [valueSymbol]: value });
}
