import { z } from "zod";
import { decodeQbftExtraData, encodeQbftGenesisExtraData } from "./qbft-extra-data";
import type { ChainOptions } from "./kit-input";

/** The mixHash that marks a BFT (Istanbul-family) block, as Besu's QBFT genesis requires. */
export const BFT_MIX_HASH = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365";

const hex = (what: string) => z.string().regex(/^0x[0-9a-fA-F]*$/, `${what} must be 0x hex`);

/** The forks, all active from genesis: London (EIP-1559 with a zero base fee), nothing after it, so `paris` bytecode runs. */
const FORK_BLOCKS = [
  "homesteadBlock",
  "eip150Block",
  "eip155Block",
  "eip158Block",
  "byzantiumBlock",
  "constantinopleBlock",
  "petersburgBlock",
  "istanbulBlock",
  "muirGlacierBlock",
  "berlinBlock",
  "londonBlock",
] as const;

/** What a CertLedger Besu QBFT genesis must be (Besu accepts more; this is what the kit promises). */
export const besuGenesisSchema = z.strictObject({
  config: z.strictObject({
    chainId: z.number().int().positive(),
    ...Object.fromEntries(FORK_BLOCKS.map((fork) => [fork, z.literal(0)])),
    zeroBaseFee: z.literal(true, { error: "zeroBaseFee must be true: transactions are free on this chain" }),
    contractSizeLimit: z.number().int().min(24_576),
    qbft: z.strictObject({
      blockperiodseconds: z.number().int().positive(),
      epochlength: z.number().int().positive(),
      requesttimeoutseconds: z.number().int().positive(),
    }),
  }),
  nonce: z.literal("0x0"),
  timestamp: hex("timestamp"),
  gasLimit: hex("gasLimit"),
  difficulty: z.literal("0x1"),
  mixHash: z.literal(BFT_MIX_HASH),
  coinbase: z.literal("0x0000000000000000000000000000000000000000"),
  extraData: hex("extraData").refine((value) => {
    try {
      return decodeQbftExtraData(value).validators.length > 0;
    } catch {
      return false;
    }
  }, "extraData must be QBFT extra data naming at least one validator"),
  alloc: z.record(z.string(), z.unknown()),
});

export type BesuGenesis = z.output<typeof besuGenesisSchema>;

/**
 * A Besu QBFT genesis for `validators` (sorted ascending, as Besu's docs list them). No account holds ether: with a
 * zero base fee and `min-gas-price=0` on every node, transactions cost nothing, so no balance is needed to send them.
 */
export function buildGenesis(options: ChainOptions, validators: string[]): BesuGenesis {
  const sorted = [...validators].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  return besuGenesisSchema.parse({
    config: {
      chainId: options.chainId,
      ...Object.fromEntries(FORK_BLOCKS.map((fork) => [fork, 0])),
      zeroBaseFee: true,
      contractSizeLimit: options.contractSizeLimit,
      qbft: {
        blockperiodseconds: options.blockPeriodSeconds,
        epochlength: options.epochLength,
        requesttimeoutseconds: options.requestTimeoutSeconds,
      },
    },
    nonce: "0x0",
    timestamp: "0x0",
    gasLimit: "0x" + options.gasLimit.toString(16),
    difficulty: "0x1",
    mixHash: BFT_MIX_HASH,
    coinbase: "0x0000000000000000000000000000000000000000",
    extraData: encodeQbftGenesisExtraData(sorted),
    alloc: {},
  });
}
