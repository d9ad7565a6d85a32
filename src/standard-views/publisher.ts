/**
 * The standard views of the ledger a party's server publishes (DESIGN.md "Standard views of the ledger"): did:web DID
 * documents of its party and its authorities, and each authority's W3C Bitstring Status Lists, all derived from the
 * ledger (keys, statuses) and regenerated from the chain index; and, when the server signs a credential for one of
 * its authorities, the did:web issuer and the status entries that credential carries.
 *
 * Which DIDs a server publishes: its party's (`did:web:<host>`) and those of its party's authorities. A server that
 * administers several parties, as the embedded demo does, publishes the first as `did:web:<host>` and each of the
 * others as `did:web:<host>:parties:<code>`. Authority ids are the ledger's, so `did:web:<host>:authorities:<id>`
 * is answered only for an authority of a party this server administers (or whose key it holds): DID_NOT_FOUND else.
 */
import { createHash } from "node:crypto";
import type { LedgerClient } from "../chain/ledger-client";
import type { ChainIndex } from "../index";
import type { Credential } from "../documents/credentials";
import { issuerDid, withServerIssuer } from "../documents/credentials";
import { CertLedgerError } from "../errors";
import type { AuthoritySigningKey } from "../pipeline/authority-keyring";
import { authorityDid, didWebHost, keyDidUrl, partyDid, viewsBaseUrl } from "./did-web";
import { emptyStatusList, setStatusBit } from "./status-list-bits";
import { signStatusList, type StatusPurpose } from "./status-list-credential";
import type { StatusSlot, ViewsStore } from "./views-store";
import { jwkThumbprint, jwkThumbprintHex, p256PublicJwk, type JWK } from "../crypto/keys";

/** The JSON-LD contexts of a DID document: DID Core and Controlled Identifiers (JsonWebKey, `expires`, `revoked`). */
export const DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://www.w3.org/ns/cid/v1"];

/** What the publisher reads and signs with. */
export interface PublisherOptions {
  publicUrl: string;
  store: ViewsStore;
  client: Pick<LedgerClient, "getAuthority" | "getSigningKey" | "getParty" | "now">;
  index: Pick<ChainIndex, "hashesWithStatus" | "authority">;
  keyring: {
    signingKey(authorityId: number): AuthoritySigningKey | undefined;
    partyCodes(): string[];
    partyEncryptionKey?(party: string): { publicJwk: JWK; kid: string } | undefined;
  };
}

/** A DID document, as JSON. */
export type DidDocument = Record<string, unknown> & { id: string };

/** A served status list credential: the JWS and when it was made. */
export interface PublishedStatusList {
  jws: string;
  /** What it was built from: the signing key and the certHashes the index had with its purpose's status. */
  fingerprint: string;
  /** Milliseconds since the epoch. */
  generatedAt: number;
}

/** A credential's place in the lists, ready to be bound to its certHash once signed. */
export interface StatusAssignment {
  credential: Credential;
  slot?: StatusSlot;
}

export class StandardViewsPublisher {
  readonly #o: PublisherOptions;
  readonly #host: string;
  /** PUBLIC_URL as the DIDs name it (loopback written localhost). */
  readonly #base: string;
  readonly #lists = new Map<string, PublishedStatusList>();
  readonly #remembered = new Set<string>();
  readonly #rememberedObjects = new WeakMap<JWK, number>();

  constructor(options: PublisherOptions) {
    this.#o = options;
    this.#host = didWebHost(options.publicUrl);
    this.#base = viewsBaseUrl(options.publicUrl);
  }

  /** The server's did:web host (e.g. `localhost%3A8080`). */
  get host(): string {
    return this.#host;
  }

  /** The DID of a party this server administers. */
  partyDid(party: string): string {
    const parties = this.#o.keyring.partyCodes();
    return parties[0] === party || parties.length === 0 ? partyDid(this.#host) : `${partyDid(this.#host)}:parties:${party}`;
  }

  /** The URL of one of an authority's status lists. */
  statusListUrl(authorityId: number, purpose: StatusPurpose, list: number): string {
    return `${this.#base}/v1/authorities/${authorityId}/status-lists/${purpose}/${list}`;
  }

  /** Whether a URL is one of this server's status lists (so it is read here, not fetched). */
  ownsStatusList(url: string): { authorityId: number; purpose: StatusPurpose; list: number } | undefined {
    const prefix = `${this.#base}/v1/authorities/`;
    if (!url.startsWith(prefix)) return undefined;
    const match = /^([1-9][0-9]{0,9})\/status-lists\/(revocation|suspension)\/(0|[1-9][0-9]{0,5})$/.exec(url.slice(prefix.length));
    return match ? { authorityId: Number(match[1]), purpose: match[2] as StatusPurpose, list: Number(match[3]) } : undefined;
  }

  // ------------------------------------------------------------------------------------------------ DID documents

  /** The DID document of the party published as `did:web:<host>` (or `…:parties:<code>` with `party`). */
  async partyDocument(party?: string): Promise<DidDocument> {
    const parties = this.#o.keyring.partyCodes();
    const code = party ?? parties[0];
    if (code === undefined || !parties.includes(code)) {
      throw new CertLedgerError(
        "DID_NOT_FOUND",
        party === undefined ? "this server administers no party" : `this server does not publish party ${party}`,
      );
    }
    const did = this.partyDid(code);
    const record = await this.#o.client.getParty(code);
    const encryption = this.#o.keyring.partyEncryptionKey?.(code);
    // Only the encryption key the ledger registers for the party is shown: a key the keyring holds but the ledger
    // does not name would have other parties encrypt to a key nobody checks.
    const registered = encryption !== undefined && record?.encryptionKeyThumbprint === jwkThumbprintHex(encryption.publicJwk);
    const methods = registered
      ? [
          {
            id: keyDidUrl(did, encryption.kid),
            type: "JsonWebKey",
            controller: did,
            publicKeyJwk: p256PublicJwk(encryption.publicJwk, "encryption key"),
          },
        ]
      : [];
    return {
      "@context": DID_CONTEXTS,
      id: did,
      alsoKnownAs: [`did:certledger:${code}`],
      verificationMethod: methods,
      keyAgreement: methods.map((m) => m.id),
      service: this.#services(did),
    };
  }

  /**
   * The DID document of an authority: its signing keys that the ledger registers for it and whose public key this
   * server knows — rotated ones kept (with `expires`, the ledger's validUntil) so credentials signed before still
   * verify, a compromised one shown with `revoked` until its compromise time and dropped from then on.
   */
  async authorityDocument(authorityId: number): Promise<DidDocument> {
    const authority = await this.#o.client.getAuthority(authorityId);
    if (authority === undefined || !this.#publishes(authority.party, authorityId)) {
      throw new CertLedgerError("DID_NOT_FOUND", `this server publishes no authority ${authorityId}`);
    }
    const did = authorityDid(this.#host, authorityId);
    // The keys seen before, and the one this server signs with now (kept in the store once it has signed with it).
    const keys = this.#o.store.keysOf(authorityId);
    const current = this.#o.keyring.signingKey(authorityId);
    if (current && !keys.some((k) => k.thumbprint === current.thumbprint)) {
      keys.push({ thumbprint: current.thumbprint, jwk: p256PublicJwk(current.publicJwk, "signing key") });
    }
    const now = await this.#o.client.now();
    const methods: Record<string, unknown>[] = [];
    for (const { thumbprint, jwk } of keys) {
      const record = await this.#o.client.getSigningKey(authorityId, thumbprint);
      if (record === undefined) continue;
      if (record.compromisedAt !== undefined && record.compromisedAt <= now) continue;
      methods.push({
        id: keyDidUrl(did, jwkThumbprint(jwk)),
        type: "JsonWebKey",
        controller: did,
        publicKeyJwk: jwk,
        ...(record.validUntil > 0n && { expires: isoSeconds(record.validUntil) }),
        ...(record.compromisedAt !== undefined && { revoked: isoSeconds(record.compromisedAt) }),
      });
    }
    return {
      "@context": DID_CONTEXTS,
      id: did,
      alsoKnownAs: [issuerDid(authority.party, authorityId)],
      controller: this.partyDid(authority.party),
      verificationMethod: methods,
      assertionMethod: methods.map((m) => m.id),
      service: [
        ...this.#services(did),
        {
          id: `${did}#status-lists`,
          type: "BitstringStatusLists",
          serviceEndpoint: `${this.#base}/v1/authorities/${authorityId}/status-lists`,
        },
      ],
    };
  }

  // ------------------------------------------------------------------------------------------------ issuance

  /**
   * What a credential this server is about to sign for `authorityId` becomes: issued by the authority's did:web (with
   * its ledger identifier in `alsoKnownAs`) and carrying a revocation and a suspension entry at a fresh random index.
   * Returned as it is when this server does not publish the authority's views. Call `bind` once it is signed.
   */
  assignIssuer(vc: Credential, authorityId: number, party: string): StatusAssignment {
    if (!this.#publishes(party, authorityId)) return { credential: vc };
    if ((vc as { credentialStatus?: unknown }).credentialStatus !== undefined) {
      throw new CertLedgerError(
        "INVALID_STATUS_ENTRY",
        "invalid credential: credentialStatus: is given by the server that signs the credential",
        {
          details: { field: "credentialStatus" },
        },
      );
    }
    const slot = this.#o.store.reserveSlot(authorityId);
    const entries = (["revocation", "suspension"] as const).map((purpose) => {
      const url = this.statusListUrl(authorityId, purpose, slot.list);
      return {
        id: `${url}#${slot.index}`,
        type: "BitstringStatusListEntry" as const,
        statusPurpose: purpose,
        statusListIndex: String(slot.index),
        statusListCredential: url,
      };
    });
    const credential = withServerIssuer(vc, {
      issuer: { id: authorityDid(this.#host, authorityId), name: vc.issuer.name, alsoKnownAs: [issuerDid(party, authorityId)] as [string] },
      credentialStatus: entries,
    });
    return { credential, slot };
  }

  /** Binds an assigned slot to the signed credential's certHash: from now on its bits follow the ledger. */
  bind(assignment: StatusAssignment, certHash: string): Promise<void> {
    return assignment.slot ? this.#o.store.bindSlot(assignment.slot, certHash) : Promise.resolve();
  }

  /** Refuses a credential signed elsewhere that claims entries in this server's lists, whose bits it would never set. */
  checkForeignStatus(vc: Credential): void {
    const entries = (vc as { credentialStatus?: { statusListCredential: string }[] }).credentialStatus ?? [];
    const own = entries.find((e) => this.ownsStatusList(e.statusListCredential) !== undefined);
    if (own) {
      throw new CertLedgerError(
        "INVALID_STATUS_ENTRY",
        `invalid credential: credentialStatus: ${own.statusListCredential} is a list of this server, which assigns its entries only to credentials it signs`,
        { details: { field: "credentialStatus" } },
      );
    }
  }

  /** Remembers an authority's public signing key (registered through this server, or seen on a credential it anchored). */
  rememberKey(authorityId: number, jwk: JWK): void {
    // Once per key: the anchoring service tells it the key of every credential it signs, mostly the same key object
    // (the keyring's), whose thumbprint is then not worked out again.
    if (this.#rememberedObjects.get(jwk) === authorityId) return;
    const key = `${authorityId} ${jwkThumbprint(jwk)}`;
    if (!this.#remembered.has(key)) {
      this.#o.store.rememberKey(authorityId, jwk);
      this.#remembered.add(key);
    }
    this.#rememberedObjects.set(jwk, authorityId);
  }

  // ------------------------------------------------------------------------------------------------ status lists

  /**
   * An authority's status list credential for `purpose`, list number `list`: a bit per credential this server signed
   * for the authority, set when the chain index has it revoked (resp. suspended), signed with the authority's key.
   * Regenerated whenever the index's set of such certificates changed since the last one — not merely its block: a
   * batched certificate's status may reach the index later than its block, once the batch's manifest is read. Answers
   * for a suspended authority too: its earlier credentials' status must stay readable.
   */
  async statusList(authorityId: number, purpose: StatusPurpose, list: number): Promise<PublishedStatusList> {
    // The index's record first: a verification reading this server's own list makes no chain call for it.
    const authority = this.#o.index.authority(authorityId) ?? (await this.#o.client.getAuthority(authorityId));
    if (
      authority === undefined ||
      !this.#publishes(authority.party, authorityId) ||
      list > Math.max(0, this.#o.store.lastList(authorityId))
    ) {
      throw new CertLedgerError("STATUS_LIST_NOT_FOUND", `this server publishes no ${purpose} list ${list} of authority ${authorityId}`);
    }
    const key = this.#o.keyring.signingKey(authorityId);
    if (key === undefined) {
      throw new CertLedgerError(
        "STATUS_LIST_NOT_FOUND",
        `this server holds no signing key of authority ${authorityId} to sign its lists with`,
      );
    }
    const hashes = this.#flagged(authorityId, purpose);
    const fingerprint = createHash("sha256").update(key.kid).update(hashes.join(",")).digest("base64url");
    const cacheKey = `${authorityId}/${purpose}/${list}`;
    const cached = this.#lists.get(cacheKey);
    if (cached && cached.fingerprint === fingerprint) return cached;
    const published = { jws: await this.#sign(authorityId, purpose, list, key, hashes), fingerprint, generatedAt: Date.now() };
    this.#lists.set(cacheKey, published);
    return published;
  }

  /** Builds and signs one list from the index now, without the cache (the benchmark times it). */
  async buildStatusList(authorityId: number, purpose: StatusPurpose, list: number, key: AuthoritySigningKey): Promise<string> {
    return this.#sign(authorityId, purpose, list, key, this.#flagged(authorityId, purpose));
  }

  /** The certHashes of the authority's certificates the index has with the status `purpose` flags. */
  #flagged(authorityId: number, purpose: StatusPurpose): string[] {
    return this.#o.index.hashesWithStatus(authorityId, purpose === "revocation" ? "Revoked" : "Suspended");
  }

  async #sign(authorityId: number, purpose: StatusPurpose, list: number, key: AuthoritySigningKey, flagged: string[]): Promise<string> {
    const bits = emptyStatusList();
    for (const certHash of flagged) {
      const slot = this.#o.store.slotOf(certHash);
      if (slot !== undefined && slot.authorityId === authorityId && slot.list === list) setStatusBit(bits, slot.index);
    }
    return signStatusList(
      {
        url: this.statusListUrl(authorityId, purpose, list),
        issuer: authorityDid(this.#host, authorityId),
        purpose,
        bits,
        validFrom: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      },
      key,
    );
  }

  #publishes(party: string, authorityId: number): boolean {
    return this.#o.keyring.partyCodes().includes(party) || this.#o.keyring.signingKey(authorityId) !== undefined;
  }

  #services(did: string) {
    return [{ id: `${did}#verification`, type: "CertLedgerVerification", serviceEndpoint: `${this.#base}/v1/verify` }];
  }
}

function isoSeconds(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}
