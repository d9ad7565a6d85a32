import { expect } from "chai";
import { CertLedgerError, type CertLedgerErrorCode } from "../../src/errors";

/** Runs `fn`, asserting that it throws a CertLedgerError with `code` (and a message matching `message`). */
export function expectError(fn: () => unknown, code: CertLedgerErrorCode, message?: RegExp): CertLedgerError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  return check(thrown, code, message);
}

/** Awaits `promise`, asserting that it rejects with a CertLedgerError with `code` (and a message matching `message`). */
export async function expectRejection(promise: Promise<unknown>, code: CertLedgerErrorCode, message?: RegExp): Promise<CertLedgerError> {
  let thrown: unknown;
  try {
    await promise;
  } catch (error) {
    thrown = error;
  }
  return check(thrown, code, message);
}

function check(thrown: unknown, code: CertLedgerErrorCode, message?: RegExp): CertLedgerError {
  expect(thrown, `expected a CertLedgerError ${code}, nothing was thrown`).to.not.equal(undefined);
  expect(thrown).to.be.instanceOf(CertLedgerError, String(thrown));
  const error = thrown as CertLedgerError;
  expect(error.code, error.message).to.equal(code);
  if (message !== undefined) expect(error.message).to.match(message);
  return error;
}
