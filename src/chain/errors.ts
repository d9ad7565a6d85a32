import { getAddress, Interface as EthersInterface, isError, type ErrorDescription, type Interface } from "ethers";
import { ICertificateLedger__factory, ICertificateOutcomes__factory, IOriginRegistry__factory } from "../../typechain-types";
import { CertLedgerError, isCertLedgerError, type CertLedgerErrorCode } from "../errors";
import { isPartyCode } from "./party-code";

/**
 * The stable code of every custom error the ledger declares (contracts/interfaces/*.sol). One explicit table, so
 * that renaming an error in Solidity breaks a test here rather than a client's `switch` somewhere else.
 */
export const LEDGER_ERROR_CODES = {
  // ICertificateLedger
  LedgerBootstrapMismatch: "BOOTSTRAP_MISMATCH",
  // ILedgerParties
  LedgerInvalidPartyCode: "INVALID_PARTY_CODE",
  LedgerUnknownParty: "PARTY_NOT_FOUND",
  LedgerPartyAlreadyExists: "PARTY_ALREADY_EXISTS",
  LedgerPartyNotActive: "PARTY_NOT_ACTIVE",
  LedgerTooManyParties: "TOO_MANY_PARTIES",
  LedgerInvalidPartyStatus: "INVALID_PARTY_STATUS",
  LedgerNotPartyAdmin: "NOT_A_PARTY_ADMIN",
  LedgerAccountAlreadyPartyAdmin: "ACCOUNT_ALREADY_PARTY_ADMIN",
  LedgerLastPartyAdmin: "LAST_PARTY_ADMIN",
  LedgerZeroAddress: "ZERO_ADDRESS",
  LedgerInvalidPartyNode: "INVALID_PARTY_NODE",
  // ILedgerConsortium
  LedgerUnknownProposal: "PROPOSAL_NOT_FOUND",
  LedgerProposalExpired: "PROPOSAL_EXPIRED",
  LedgerProposalAlreadyExecuted: "PROPOSAL_ALREADY_EXECUTED",
  LedgerProposalAlreadyApproved: "PROPOSAL_ALREADY_APPROVED",
  LedgerProposalNotApproved: "PROPOSAL_NOT_APPROVED",
  LedgerInvalidThreshold: "INVALID_THRESHOLD",
  LedgerLastActiveParty: "LAST_ACTIVE_PARTY",
  // ILedgerAuthorities
  LedgerUnknownAuthority: "AUTHORITY_NOT_FOUND",
  LedgerInvalidScope: "INVALID_SCOPE",
  LedgerInvalidValidityPeriod: "INVALID_VALIDITY_PERIOD",
  LedgerNoAuthorityAccount: "NO_AUTHORITY_ACCOUNT",
  LedgerAccountAlreadyBound: "ACCOUNT_ALREADY_BOUND",
  LedgerNotAuthorityAccount: "NOT_AN_AUTHORITY_ACCOUNT",
  LedgerLastAuthorityAccount: "LAST_AUTHORITY_ACCOUNT",
  LedgerAuthorityNotActive: "AUTHORITY_NOT_ACTIVE",
  LedgerAuthorityAlreadyActive: "AUTHORITY_ALREADY_ACTIVE",
  LedgerAuthorityNotValidAt: "AUTHORITY_NOT_VALID_AT",
  LedgerTooManyAuthorityAccounts: "TOO_MANY_AUTHORITY_ACCOUNTS",
  LedgerNotAuthority: "NOT_AN_AUTHORITY",
  LedgerTypeNotInScope: "AUTHORITY_NOT_IN_SCOPE",
  LedgerNotAuthorityOrPartyAdmin: "NOT_CERTIFICATE_MANAGER",
  // ILedgerSigningKeys
  LedgerZeroKeyThumbprint: "ZERO_KEY_THUMBPRINT",
  LedgerEmptyKeyAlgorithm: "EMPTY_KEY_ALGORITHM",
  LedgerKeyAlreadyRegistered: "KEY_ALREADY_REGISTERED",
  LedgerUnknownKey: "KEY_NOT_FOUND",
  LedgerInvalidCompromiseTime: "INVALID_COMPROMISE_TIME",
  LedgerKeyAlreadyCompromised: "KEY_ALREADY_COMPROMISED",
  // ILedgerCertificates
  LedgerZeroCertificateHash: "ZERO_CERTIFICATE_HASH",
  LedgerCertificateAlreadyAnchored: "CERT_ALREADY_ANCHORED",
  LedgerUnknownCertificate: "CERT_NOT_FOUND",
  LedgerInvalidCertificateValidity: "INVALID_CERTIFICATE_VALIDITY",
  LedgerZeroBatchRoot: "ZERO_BATCH_ROOT",
  LedgerEmptyBatch: "EMPTY_BATCH",
  LedgerBatchAlreadyAnchored: "BATCH_ALREADY_ANCHORED",
  LedgerUnknownBatch: "BATCH_NOT_FOUND",
  LedgerInvalidBatchProof: "INVALID_BATCH_PROOF",
  LedgerInvalidStatusChange: "INVALID_STATUS_CHANGE",
  LedgerInvalidRevocationReason: "INVALID_REVOCATION_REASON",
  LedgerInvalidRevocationTime: "INVALID_REVOCATION_TIME",
  LedgerSelfReplacement: "SELF_REPLACEMENT",
  // ILedgerRecognition
  LedgerSelfRecognition: "SELF_RECOGNITION",
  // ICertificateOutcomes (the importing side's contract, deployed beside the ledger)
  OutcomesNotPartyAdmin: "NOT_A_PARTY_ADMIN",
  OutcomesUnknownAgency: "AGENCY_NOT_FOUND",
  OutcomesInvalidAccountCount: "INVALID_AGENCY_ACCOUNTS",
  OutcomesAccountAlreadyBound: "ACCOUNT_ALREADY_BOUND",
  OutcomesNotAgencyAccount: "NOT_AN_AGENCY_ACCOUNT",
  OutcomesLastAgencyAccount: "LAST_AGENCY_ACCOUNT",
  OutcomesInvalidAgencyStatus: "INVALID_AGENCY_STATUS",
  OutcomesNotAgency: "NOT_A_BORDER_AGENCY",
  OutcomesUnknownCertificate: "CERT_NOT_FOUND",
  OutcomesOwnCertificate: "OWN_PARTY_CERTIFICATE",
  OutcomesInvalidOutcome: "INVALID_OUTCOME",
  OutcomesInvalidItems: "INVALID_ITEMS",
  OutcomesItemsMismatch: "ITEMS_MISMATCH",
  OutcomesUnknownItem: "UNKNOWN_ITEM",
  OutcomesStaleUse: "STALE_USE",
  OutcomesOverUtilisation: "OVER_UTILISATION",
  OutcomesInvalidUse: "INVALID_USE",
  OutcomesNotIssuer: "NOT_CERTIFICATE_MANAGER",
  OutcomesItemsBelowUse: "ITEMS_BELOW_USE",
  // IOriginRegistry (agreements, registered exporters and importers, deployed beside the ledger)
  OriginNotPartyAdmin: "NOT_A_PARTY_ADMIN",
  OriginInvalidAgreementCode: "AGREEMENT_CODE_UNAVAILABLE",
  OriginInvalidAgreementParties: "INVALID_AGREEMENT_PARTIES",
  OriginUnknownAgreement: "AGREEMENT_NOT_FOUND",
  OriginNotAgreementParty: "NOT_AGREEMENT_PARTY",
  OriginAlreadyApproved: "AGREEMENT_ALREADY_APPROVED",
  OriginAgreementNotInForce: "AGREEMENT_NOT_IN_FORCE",
  OriginAgreementInForce: "AGREEMENT_IN_FORCE",
  OriginNotOriginAuthority: "NOT_AN_ORIGIN_AUTHORITY",
  OriginInvalidRegistrationNumber: "REGISTRATION_NUMBER_UNAVAILABLE",
  OriginInvalidHeadings: "INVALID_HEADINGS",
  OriginInvalidValidity: "INVALID_VALIDITY_PERIOD",
  OriginUnknownRegistration: "REGISTRATION_NOT_FOUND",
  OriginInvalidRegistrationStatus: "REGISTRATION_NOT_ACTIVE",
  OriginRegistrationNotValidAt: "REGISTRATION_NOT_VALID",
  OriginNotRegistrar: "NOT_A_REGISTRAR",
  OriginInvalidTraderKey: "INVALID_TRADER_KEY",
  OriginHeadingNotRegistered: "HEADING_NOT_REGISTERED",
  OriginInvalidCounterpart: "INVALID_COUNTERPART",
  OriginDeclarationConflict: "DECLARATION_CONFLICT",
  OriginZeroCertificateHash: "ZERO_CERTIFICATE_HASH",
  OriginSelfRecognition: "SELF_RECOGNITION",
  OriginInvalidProofs: "INVALID_PROOFS",
} as const satisfies Record<string, CertLedgerErrorCode>;

/** The name of a custom error of the ledger. */
export type LedgerErrorName = keyof typeof LEDGER_ERROR_CODES;

/** A ledger revert decoded: the error's name, its stable code and its arguments by name (JSON-safe values). */
export interface DecodedLedgerError {
  name: LedgerErrorName;
  code: CertLedgerErrorCode;
  args: Record<string, string | number | boolean>;
}

/** Names of the Solidity enums that appear in error arguments, by their ABI `internalType`. */
const ENUMS: Record<string, readonly string[]> = {
  "enum CertificateStatus": ["None", "Active", "Suspended", "Revoked"],
  "enum PartyStatus": ["None", "Active", "Suspended"],
  "enum RegistrationStatus": ["None", "Active", "Suspended", "Revoked"],
};

interface AbiInput {
  name: string;
  type: string;
  internalType?: string;
}

// The errors of the three contracts in one interface: a revert of either decodes the same way.
const errorAbi = [...ICertificateLedger__factory.abi, ...ICertificateOutcomes__factory.abi, ...IOriginRegistry__factory.abi].filter(
  (entry) => entry.type === "error",
);
const ledgerInterface: Interface = new EthersInterface(errorAbi);
const errorInputs = new Map<string, readonly AbiInput[]>(errorAbi.map((entry) => [entry.name, entry.inputs]));

/** Whether `name` is one of the ledger's custom errors. */
export function isLedgerErrorName(name: string): name is LedgerErrorName {
  return Object.hasOwn(LEDGER_ERROR_CODES, name);
}

/** Decodes revert `data` into the ledger's custom error, or undefined when it is not one of them. */
export function decodeLedgerRevert(data: string): DecodedLedgerError | undefined {
  let parsed: ErrorDescription | null;
  try {
    parsed = ledgerInterface.parseError(data);
  } catch {
    return undefined;
  }
  if (!parsed || !isLedgerErrorName(parsed.name)) return undefined;
  const inputs = errorInputs.get(parsed.name) ?? [];
  const args: DecodedLedgerError["args"] = {};
  inputs.forEach((input, i) => (args[input.name] = jsonValue(input, parsed.args[i])));
  return { name: parsed.name, code: LEDGER_ERROR_CODES[parsed.name], args };
}

/**
 * The revert data carried by a failed call or transaction, wherever the provider put it: ethers puts it on
 * `data`, Hardhat's in-process provider on its `SolidityError.data`, a JSON-RPC node on `error.data(.data)`.
 * `"0x"` means the call reverted without data; undefined means no revert data was found at all.
 */
export function findRevertData(error: unknown, depth = 0): string | undefined {
  if (depth > 6 || typeof error !== "object" || error === null) return undefined;
  const record = error as Record<string, unknown>;
  if (
    typeof record.data === "string" &&
    /^0x([0-9a-fA-F]{2})*$/.test(record.data) &&
    (record.data.length >= 10 || isError(error, "CALL_EXCEPTION"))
  ) {
    return record.data;
  }
  // Never descend into `transaction` or `payload`: their `data` is the call data, not the revert.
  for (const key of ["data", "error", "info", "cause"]) {
    const found = findRevertData(record[key], depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Whether `error` is the contract refusing (a revert), as opposed to the chain or the network failing. */
export function isRevert(error: unknown): boolean {
  if (isError(error, "CALL_EXCEPTION")) return true;
  const data = findRevertData(error);
  if (data !== undefined && data.length >= 10) return true;
  return messagesOf(error).some((message) => /\brevert(ed)?\b/i.test(message));
}

/**
 * Turns anything a chain operation threw into a CertLedgerError: the ledger's custom error with its stable code and
 * `details: { error, args }`; `TX_FAILED` for a revert without data (or one that is not the ledger's) and for a
 * transaction the node refused; `INVALID_CHAIN_ARGUMENT` for a value ethers could not encode; `CHAIN_UNAVAILABLE`
 * for everything else (network down, timeouts, a node that answers nonsense). `action` names what was attempted.
 */
export function toCertLedgerError(error: unknown, action: string): CertLedgerError {
  if (isCertLedgerError(error)) return error;
  const data = findRevertData(error);
  if (data !== undefined && data.length >= 10) {
    const decoded = decodeLedgerRevert(data);
    if (decoded) {
      const args = Object.entries(decoded.args)
        .map(([name, value]) => `${name}=${String(value)}`)
        .join(", ");
      return new CertLedgerError(decoded.code, `${action}: the ledger refused: ${decoded.name}(${args})`, {
        cause: error,
        details: { error: decoded.name, args: decoded.args },
      });
    }
    return new CertLedgerError("TX_FAILED", `${action}: reverted with data the ledger does not declare (${data.slice(0, 10)})`, {
      cause: error,
      details: { data: data.length > 1000 ? data.slice(0, 1000) : data },
    });
  }
  if (isRevert(error)) {
    return new CertLedgerError("TX_FAILED", `${action}: reverted without a reason`, { cause: error });
  }
  if (isError(error, "INVALID_ARGUMENT") || isError(error, "NUMERIC_FAULT")) {
    return new CertLedgerError("INVALID_CHAIN_ARGUMENT", `${action}: ${error.shortMessage}`, { cause: error });
  }
  if (isError(error, "BAD_DATA")) {
    return new CertLedgerError(
      "CHAIN_MISMATCH",
      `${action}: the ledger's address did not answer as the ledger (${error.shortMessage}); wrong deployment file?`,
      {
        cause: error,
      },
    );
  }
  if (isError(error, "INSUFFICIENT_FUNDS") || isError(error, "NONCE_EXPIRED") || isError(error, "REPLACEMENT_UNDERPRICED")) {
    return new CertLedgerError("TX_FAILED", `${action}: the node refused the transaction: ${error.shortMessage}`, { cause: error });
  }
  const reason = messagesOf(error)[0] ?? String(error);
  return new CertLedgerError("CHAIN_UNAVAILABLE", `${action}: the chain did not answer: ${reason}`, { cause: error });
}

/** Every message in an error and the errors it wraps, outermost first (ethers nests the node's own message). */
export function messagesOf(error: unknown, depth = 0): string[] {
  if (depth > 6 || typeof error !== "object" || error === null) return [];
  const record = error as Record<string, unknown>;
  const own = [record.shortMessage, record.message].filter((m): m is string => typeof m === "string" && m.length > 0);
  return [...own, ...["error", "info", "cause", "data"].flatMap((key) => messagesOf(record[key], depth + 1))];
}

function jsonValue(input: AbiInput, value: unknown): string | number | boolean {
  const names = input.internalType ? ENUMS[input.internalType] : undefined;
  if (names) return names[Number(value)] ?? Number(value);
  if (input.type === "address") return getAddress(String(value));
  if (input.type === "bool") return Boolean(value);
  if (input.type === "bytes4") {
    // A UN/ECE Rec 20 unit code, left-aligned ("KGM" is 0x4b474d00).
    const text = Buffer.from(String(value).slice(2), "hex").toString("latin1").replace(/\0+$/, "");
    if (/^[A-Z0-9]{2,3}$/.test(text)) return text;
  }
  if (input.type === "bytes2") {
    const code = Buffer.from(String(value).slice(2), "hex").toString("latin1");
    return isPartyCode(code) ? code : String(value).toLowerCase();
  }
  const bits = /^u?int(\d+)$/.exec(input.type);
  // Up to 48 bits fits a JSON number exactly; wider integers travel as decimal strings.
  if (bits) return Number(bits[1]) <= 48 ? Number(value) : String(value);
  return String(value).toLowerCase();
}
