import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { type CertLedgerError, type CertLedgerErrorCode, isCertLedgerError } from "../../src/errors";

/**
 * `n` deterministic bytes from a 64-bit LCG (Knuth's MMIX constants), the top byte of each state: no two chunks
 * alike, so a dropped or reordered chunk changes the CID. Kept in 16-bit limbs because BigInt is twice as slow and
 * the two-level vector is 50 MB.
 */
export function pattern(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  // state and multiplier/increment (6364136223846793005, 1442695040888963407) as little-endian 16-bit limbs
  let s0 = 1;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const [a0, a1, a2, a3] = [0x7f2d, 0x4c95, 0xf42d, 0x5851];
  const [c0, c1, c2, c3] = [0x814f, 0xf767, 0x7b7e, 0x1405];
  for (let i = 0; i < n; i++) {
    const r0 = s0 * a0 + c0;
    const r1 = s0 * a1 + s1 * a0 + c1 + Math.floor(r0 / 65536);
    const r2 = s0 * a2 + s1 * a1 + s2 * a0 + c2 + Math.floor(r1 / 65536);
    const r3 = s0 * a3 + s1 * a2 + s2 * a1 + s3 * a0 + c3 + Math.floor(r2 / 65536);
    s0 = r0 % 65536;
    s1 = r1 % 65536;
    s2 = r2 % 65536;
    s3 = r3 % 65536;
    bytes[i] = s3 >>> 8;
  }
  return bytes;
}

/** UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Asserts that `actual` is a Uint8Array holding exactly `expected` (chai's deep equality is too slow for MiBs). */
export function expectBytes(actual: Uint8Array, expected: Uint8Array, what = "bytes"): void {
  expect(actual, what).to.be.instanceOf(Uint8Array);
  expect(actual.byteLength, `${what}: length`).to.equal(expected.byteLength);
  expect(Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(expected), `${what}: content`).to.equal(true);
}

/** Temporary folders, removed by `removeAll` (call it from an `after` hook). */
export class TempDirs {
  readonly #dirs: string[] = [];

  /** A new empty folder under the system's temporary folder. */
  async make(prefix = "certledger-ipfs-"): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
    this.#dirs.push(dir);
    return dir;
  }

  async removeAll(): Promise<void> {
    await Promise.all(this.#dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

/** Awaits `promise`, expecting it to reject with a CertLedgerError of `code`; returns that error. */
export async function rejection(promise: Promise<unknown>, code: CertLedgerErrorCode): Promise<CertLedgerError> {
  let outcome: unknown;
  try {
    await promise;
    outcome = "no error";
  } catch (error) {
    if (isCertLedgerError(error, code)) return error;
    outcome = error;
  }
  expect.fail(
    `expected a CertLedgerError ${code}, got ${outcome instanceof Error ? `${outcome.name}: ${outcome.message}` : String(outcome)}`,
  );
}

/** Runs `fn`, expecting it to throw a CertLedgerError of `code`; returns that error. */
export function thrown(fn: () => unknown, code: CertLedgerErrorCode): CertLedgerError {
  try {
    fn();
  } catch (error) {
    if (isCertLedgerError(error, code)) return error;
    expect.fail(`expected a CertLedgerError ${code}, got ${String(error)}`);
  }
  expect.fail(`expected a CertLedgerError ${code}, got no error`);
}
