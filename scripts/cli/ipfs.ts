import { createKuboStore, type PayloadStore } from "../../src/ipfs";
import { UsageError } from "./errors";

/** The option of the commands that read or write batch manifests on IPFS. */
export const IPFS_OPTIONS = { "ipfs-api": { type: "string" } } as const;

/** The Kubo node of --ipfs-api (or IPFS_API_URL, as `certledger start` reads it), or undefined when none is given. */
export async function kuboOf(value: string | undefined): Promise<PayloadStore | undefined> {
  const given = value ?? process.env.IPFS_API_URL;
  if (given === undefined || given === "") return undefined;
  if (!/^https?:\/\/[^\s/]+/.test(given)) throw new UsageError(`--ipfs-api ${given} is not an http(s) URL of a Kubo node's RPC API`);
  return createKuboStore({ url: given, timeoutMs: 30_000 });
}
