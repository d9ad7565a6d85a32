import { decodeRlp, encodeRlp, getAddress, hexlify, isAddress, zeroPadValue, type RlpStructuredData } from "ethers";
import { CertLedgerError } from "../../src/errors";

/**
 * A QBFT block's `extraData` as Hyperledger Besu lays it out (QbftExtraDataCodec):
 * RLP([32-byte vanity, [validator addresses], vote, round, [commit seals]]). In a genesis block the vote is the empty
 * list (no vote), the round is 0 written as an RLP scalar (the empty byte string, 0x80) and there are no seals, so
 * the validators are all it says. What `besu rlp encode --type=QBFT_EXTRA_DATA` prints for a list of validators.
 */
export interface QbftExtraData {
  /** 32 bytes, 0x hex. */
  vanity: string;
  /** Checksummed addresses, in the order encoded. */
  validators: string[];
  /** The validator vote, when there is one: its recipient, and whether it adds (true) or drops (false). */
  vote?: { recipient: string; add: boolean };
  round: number;
  /** The commit seals, 0x hex each. */
  seals: string[];
}

const ZERO_VANITY = "0x" + "00".repeat(32);

/** The genesis `extraData` for `validators` (in the order given; Besu's docs list them in ascending order). */
export function encodeQbftGenesisExtraData(validators: string[]): string {
  if (validators.length === 0) throw new CertLedgerError("INVALID_NETWORK_KIT", "a QBFT network needs at least one validator");
  const addresses = validators.map((v) => {
    if (!isAddress(v)) throw new CertLedgerError("INVALID_NETWORK_KIT", `validator ${JSON.stringify(v)} is not an address`);
    return getAddress(v).toLowerCase();
  });
  if (new Set(addresses).size !== addresses.length) {
    throw new CertLedgerError("INVALID_NETWORK_KIT", "a validator address appears twice in the QBFT validator list");
  }
  // "0x" is RLP's empty byte string: the round, 0, as the scalar Besu's writeIntScalar(0) writes.
  return encodeRlp([ZERO_VANITY, addresses, [], "0x", []]);
}

/** Decodes a QBFT `extraData` (any block's); INVALID_NETWORK_KIT naming what is malformed. */
export function decodeQbftExtraData(extraData: string): QbftExtraData {
  let decoded: RlpStructuredData;
  try {
    decoded = decodeRlp(extraData);
  } catch (cause) {
    throw new CertLedgerError("INVALID_NETWORK_KIT", `extraData is not RLP: ${(cause as Error).message}`, { cause });
  }
  if (!Array.isArray(decoded) || decoded.length !== 5) {
    throw new CertLedgerError("INVALID_NETWORK_KIT", "QBFT extraData is an RLP list of 5 items: vanity, validators, vote, round, seals");
  }
  const [vanity, validators, vote, round, seals] = decoded;
  if (typeof vanity !== "string" || (vanity.length - 2) / 2 !== 32) {
    throw new CertLedgerError("INVALID_NETWORK_KIT", "QBFT extraData: the vanity is not 32 bytes");
  }
  if (!Array.isArray(validators) || validators.some((v) => typeof v !== "string" || (v.length - 2) / 2 !== 20)) {
    throw new CertLedgerError("INVALID_NETWORK_KIT", "QBFT extraData: the validators are not a list of 20-byte addresses");
  }
  if (!Array.isArray(vote) || (vote.length !== 0 && vote.length !== 2)) {
    throw new CertLedgerError("INVALID_NETWORK_KIT", "QBFT extraData: the vote is neither empty nor [recipient, type]");
  }
  if (typeof round !== "string" || round.length > 10 || /^0x00/.test(round)) {
    throw new CertLedgerError("INVALID_NETWORK_KIT", "QBFT extraData: the round is not an RLP scalar of at most 4 bytes");
  }
  if (!Array.isArray(seals) || seals.some((s) => typeof s !== "string")) {
    throw new CertLedgerError("INVALID_NETWORK_KIT", "QBFT extraData: the seals are not a list of byte strings");
  }
  return {
    vanity: hexlify(vanity),
    validators: (validators as string[]).map((v) => getAddress(v)),
    vote: vote.length === 2 ? decodeVote(vote) : undefined,
    round: round === "0x" ? 0 : Number(round),
    seals: seals as string[],
  };
}

function decodeVote([recipient, type]: RlpStructuredData[]): { recipient: string; add: boolean } {
  if (typeof recipient !== "string" || (recipient.length - 2) / 2 !== 20 || (type !== "0x" && type !== "0xff")) {
    throw new CertLedgerError("INVALID_NETWORK_KIT", "QBFT extraData: the vote is not [20-byte recipient, 0xff (add) or empty (drop)]");
  }
  return { recipient: getAddress(zeroPadValue(recipient, 20)), add: type === "0xff" };
}
