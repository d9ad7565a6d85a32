/** The ledger client's calls of the contract's authorities and signing keys modules. */
import type { LedgerCallsHost } from "./ledger-calls-host";
import type { AddSigningKeyInput, ReadOptions, RegisterAuthorityInput, RotateSigningKeyInput, WriteResult } from "./ledger-inputs";
import { toAuthorityRecord, toSigningKeyRecord, type AuthorityRecord, type SigningKeyRecord } from "./ledger-records";
import { partyCodeToBytes2 } from "./party-code";
import { address, algBytes16, bytes32, smallUint, uint64 } from "./values";

/** Installed on LedgerClient (ledger-client.ts): `this` is the client. */
export const authorityCalls = {
  /** Registers an issuing authority of `party`; returns its new id. */
  async registerAuthority(this: LedgerCallsHost, input: RegisterAuthorityInput): Promise<WriteResult & { authorityId: number }> {
    const { receipt, ...result } = await this.connection.send("registerAuthority", [
      partyCodeToBytes2(input.party),
      input.name,
      input.accounts.map((account, i) => address(account, `accounts[${i}]`)),
      uint64(input.scope, "scope"),
      uint64(input.validFrom, "validFrom"),
      uint64(input.validUntil, "validUntil"),
    ]);
    const event = this.connection.eventIn(receipt, "AuthorityRegistered");
    return { ...result, authorityId: Number(event.args.getValue("authorityId")) };
  },

  /** Changes an authority's scope and validity. */
  async updateAuthority(
    this: LedgerCallsHost,
    input: { authorityId: number; scope: bigint; validFrom: bigint; validUntil: bigint },
  ): Promise<WriteResult> {
    return this.connection.write("updateAuthority", [
      smallUint(input.authorityId, 32, "authorityId"),
      uint64(input.scope, "scope"),
      uint64(input.validFrom, "validFrom"),
      uint64(input.validUntil, "validUntil"),
    ]);
  },

  /** Suspends an authority. */
  async suspendAuthority(this: LedgerCallsHost, authorityId: number): Promise<WriteResult> {
    return this.connection.write("suspendAuthority", [smallUint(authorityId, 32, "authorityId")]);
  },

  /** Reactivates a suspended authority. */
  async reactivateAuthority(this: LedgerCallsHost, authorityId: number): Promise<WriteResult> {
    return this.connection.write("reactivateAuthority", [smallUint(authorityId, 32, "authorityId")]);
  },

  /** Lets `account` write for `authorityId`. */
  async addAuthorityAccount(this: LedgerCallsHost, authorityId: number, account: string): Promise<WriteResult> {
    return this.connection.write("addAuthorityAccount", [smallUint(authorityId, 32, "authorityId"), address(account, "account")]);
  },

  /** Stops `account` writing for `authorityId`. */
  async removeAuthorityAccount(this: LedgerCallsHost, authorityId: number, account: string): Promise<WriteResult> {
    return this.connection.write("removeAuthorityAccount", [smallUint(authorityId, 32, "authorityId"), address(account, "account")]);
  },

  /** Registers a signing key of an authority. */
  async addSigningKey(this: LedgerCallsHost, input: AddSigningKeyInput): Promise<WriteResult> {
    return this.connection.write("addSigningKey", [
      smallUint(input.authorityId, 32, "authorityId"),
      bytes32(input.thumbprint, "thumbprint"),
      algBytes16(input.alg),
      uint64(input.validFrom, "validFrom"),
      uint64(input.validUntil, "validUntil"),
    ]);
  },

  /** Retires a key now in favour of a new one. */
  async rotateSigningKey(this: LedgerCallsHost, input: RotateSigningKeyInput): Promise<WriteResult> {
    return this.connection.write("rotateSigningKey", [
      smallUint(input.authorityId, 32, "authorityId"),
      bytes32(input.oldThumbprint, "oldThumbprint"),
      bytes32(input.newThumbprint, "newThumbprint"),
      algBytes16(input.alg),
      uint64(input.validUntil, "validUntil"),
    ]);
  },

  /** Marks authority `authorityId`'s key `thumbprint` compromised since `compromisedAt` (seconds; not in the future). */
  async compromiseSigningKey(this: LedgerCallsHost, authorityId: number, thumbprint: string, compromisedAt: bigint): Promise<WriteResult> {
    return this.connection.write("compromiseSigningKey", [
      smallUint(authorityId, 32, "authorityId"),
      bytes32(thumbprint, "thumbprint"),
      uint64(compromisedAt, "compromisedAt"),
    ]);
  },

  /** Authority `id` with its name, or undefined. */
  async getAuthority(this: LedgerCallsHost, id: number, options: ReadOptions = {}): Promise<AuthorityRecord | undefined> {
    const authorityId = smallUint(id, 32, "authorityId");
    const [record, name] = await Promise.all([
      this.connection.view("getAuthority", [authorityId], options),
      this.connection.view("authorityName", [authorityId], options),
    ]);
    return toAuthorityRecord(authorityId, record, name);
  },

  /** The accounts that write for authority `id`. */
  async authorityAccounts(this: LedgerCallsHost, id: number, options: ReadOptions = {}): Promise<string[]> {
    const authorityId = smallUint(id, 32, "authorityId");
    return this.connection.view("authorityAccounts", [authorityId], options);
  },

  /** The authority `account` writes for, or undefined. */
  async authorityOfAccount(this: LedgerCallsHost, account: string, options: ReadOptions = {}): Promise<number | undefined> {
    const who = address(account, "account");
    const id = Number(await this.connection.view("authorityOfAccount", [who], options));
    return id === 0 ? undefined : id;
  },

  /** Authority `authorityId`'s key `thumbprint`, or undefined when that authority registered no such key. */
  async getSigningKey(
    this: LedgerCallsHost,
    authorityId: number,
    thumbprint: string,
    options: ReadOptions = {},
  ): Promise<SigningKeyRecord | undefined> {
    const key = bytes32(thumbprint, "thumbprint");
    return toSigningKeyRecord(key, await this.connection.view("getSigningKey", [smallUint(authorityId, 32, "authorityId"), key], options));
  },

  /** Whether a signature for authority `authorityId` made with `thumbprint` at `time` is valid. */
  async isKeyValidAt(
    this: LedgerCallsHost,
    authorityId: number,
    thumbprint: string,
    time: bigint,
    options: ReadOptions = {},
  ): Promise<boolean> {
    const args = [smallUint(authorityId, 32, "authorityId"), bytes32(thumbprint, "thumbprint"), uint64(time, "time")] as const;
    return this.connection.view("isKeyValidAt", args, options);
  },
};
