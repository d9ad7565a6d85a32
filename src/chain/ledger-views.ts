import { AbiCoder, JsonRpcApiProvider, toQuantity, type BlockTag, type FunctionFragment, type Interface, type Provider } from "ethers";
import type { ICertificateLedger } from "../../typechain-types";
import type { TypedContractMethod } from "../../typechain-types/common";

/** The ledger's functions of state mutability `S` ("view": reads; "nonpayable": writes), by name. */
type LedgerFunctionName<S extends "view" | "nonpayable"> = {
  [K in Extract<keyof ICertificateLedger, string>]: ICertificateLedger[K] extends TypedContractMethod<infer _A, infer _R, S> ? K : never;
}[Extract<keyof ICertificateLedger, string>];

/** The arguments of function `M`, as typechain declares them. */
type LedgerFunctionArgs<M extends keyof ICertificateLedger> =
  ICertificateLedger[M] extends TypedContractMethod<infer A, infer _R, infer _S> ? Readonly<A> : never;

/** The ledger's view functions, by name. */
export type LedgerViewName = LedgerFunctionName<"view">;

/** The arguments of view `M`, as typechain declares them. */
export type LedgerViewArgs<M extends LedgerViewName> = LedgerFunctionArgs<M>;

/** The ledger's functions that write (send a transaction), by name. */
export type LedgerWriteName = LedgerFunctionName<"nonpayable">;

/** The arguments of write `M`, as typechain declares them. */
export type LedgerWriteArgs<M extends LedgerWriteName> = LedgerFunctionArgs<M>;

/** What view `M` returns: its one output, or all of them (as ethers' Contract returns them). */
export type LedgerViewResult<M extends LedgerViewName> =
  ICertificateLedger[M] extends TypedContractMethod<infer _A, infer R, "view"> ? (R extends [infer Only] ? Only : R) : never;

const coder = AbiCoder.defaultAbiCoder();

/**
 * Calls the ledger's view functions with `eth_call`, encoding and decoding with each function's fragment and selector
 * found once. An ethers Contract finds the fragment again, hashes its signature again (keccak) and walks its
 * arguments through resolvers on every call: measured, that was a third of the server's CPU time per verification.
 * On a JSON-RPC provider the call goes out as `eth_call` directly, skipping the provider's request normalisation
 * (which checksums the address, another keccak, on every call); errors are the same, ethers makes them from the reply.
 */
export class LedgerViews {
  readonly #functions = new Map<string, { fragment: FunctionFragment; selector: string }>();

  constructor(
    private readonly contract: Interface,
    private readonly provider: Provider,
    private readonly address: string,
  ) {}

  /** Calls view `method` with `args` on the ledger's state at `blockTag` (default latest) and decodes its result. */
  async call<M extends LedgerViewName>(method: M, args: LedgerViewArgs<M>, blockTag?: BlockTag): Promise<LedgerViewResult<M>> {
    const { fragment, selector } = this.#function(method);
    const data = selector + coder.encode(fragment.inputs, args).slice(2);
    const tag = rpcBlockTag(blockTag);
    const result =
      this.provider instanceof JsonRpcApiProvider && tag !== undefined
        ? ((await this.provider.send("eth_call", [{ to: this.address, data }, tag])) as string)
        : await this.provider.call({ to: this.address, data, blockTag });
    // Through the Interface with the fragment in hand (no lookup): junk or empty data ("0x", no contract) is BAD_DATA.
    const decoded = this.contract.decodeFunctionResult(fragment, result);
    return (fragment.outputs.length === 1 ? decoded[0] : decoded) as LedgerViewResult<M>;
  }

  #function(method: string): { fragment: FunctionFragment; selector: string } {
    let known = this.#functions.get(method);
    if (!known) {
      const fragment = this.contract.getFunction(method);
      if (!fragment) throw new TypeError(`the ledger has no function ${method}`);
      known = { fragment, selector: fragment.selector };
      this.#functions.set(method, known);
    }
    return known;
  }
}

/**
 * A block tag as JSON-RPC takes it: a block number as a hex quantity, a name ("latest") or hex as it is; undefined for
 * what only ethers understands (a negative number, counted back from the head).
 */
function rpcBlockTag(blockTag: BlockTag | undefined): string | undefined {
  if (blockTag === undefined) return "latest";
  if (typeof blockTag === "string" && !/^\d+$/.test(blockTag)) return blockTag;
  const number = BigInt(blockTag);
  return number >= 0n ? toQuantity(number) : undefined;
}
