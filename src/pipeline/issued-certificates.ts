import { decryptWithLinkKey, readPayloadHeader } from "../crypto/payload-encryption";
import { certHashOf } from "../documents/hashing";
import { VC_JWT_MEDIA_TYPE } from "../documents/vc-jose";
import { CertLedgerError } from "../errors";
import type { ChainIndex, IndexedCertificate } from "../index";
import type { PayloadStore } from "../ipfs/payload-store";
import type { AnchorRequest, AnchorRequestStatus } from "./anchor-request";
import type { IssuedEntry, LinkKeyStore } from "./link-keys";
import type { Outbox } from "./outbox";

/**
 * A certificate in the console's list: what was kept when it was accepted, its request, and the ledger's view of it.
 * Two words say where it is, never one for both: `anchoring`, this server's request (anchored once the ledger holds it
 * as this authority's), and `status`, the ledger's status once it is there.
 */
export interface ConsoleEntry extends IssuedEntry {
  anchoring: AnchorRequestStatus;
  status?: IndexedCertificate["status"];
  request?: AnchorRequest;
  certificate?: IndexedCertificate;
}

/** Which certificates {@link IssuedCertificates.list} returns: one authority's or one party's, filtered, newest first. */
export interface ConsoleQuery {
  authorityId?: number;
  party?: string;
  /** Only the certificates whose anchoring is in this state. */
  anchoring?: AnchorRequestStatus;
  /** Only the certificates with this status on the ledger. */
  status?: IndexedCertificate["status"];
  certType?: number;
  /** A certificate number (normalised before comparing), in full, or its beginning with `numberPrefix`. */
  number?: string;
  numberPrefix?: boolean;
  /** The previous page's `nextCursor`. */
  cursor?: string;
  /** At most this many (default 50, at most 500). */
  limit?: number;
}

/** A page of the console's list; `nextCursor` when there may be more (a page can be short when a status is rare). */
export interface ConsolePage {
  items: ConsoleEntry[];
  nextCursor?: string;
}

/** A document as the issuer anchored it: the exact bytes and their media type. */
export interface IssuedDocument {
  bytes: Uint8Array;
  contentType: string;
}

/** What the console's reads need. */
export interface IssuedCertificatesOptions {
  linkKeys: Pick<LinkKeyStore, "get" | "page">;
  outbox: Pick<Outbox, "get" | "pendingPayload" | "jwsOf">;
  index: Pick<ChainIndex, "certificate">;
  payloads: Pick<PayloadStore, "get">;
  /** The largest payload read back from IPFS (default 2 × 20 MiB: a file's JWE is a third larger than the file). */
  maxPayloadBytes?: number;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;
// A status filter is applied to rows read in this order; past this many rows a page is returned short, with a cursor.
const MAX_SCANNED = 5_000;
const SCAN_CHUNK = 200;
const CURSOR = /^[1-9]\d{0,15}$/;

/**
 * The issuer's console over the certificates this server accepted (DESIGN.md: "the issuing party's own server may
 * keep the keys of its own certificates, encrypted at rest, so its console can show a certificate's link again"):
 * the list of an authority's or a party's certificates with their status from the outbox and the chain index, a
 * certificate's link key, and the exact document anchored (read back from the outbox or IPFS and decrypted with it).
 */
export class IssuedCertificates {
  readonly #o: IssuedCertificatesOptions;

  constructor(options: IssuedCertificatesOptions) {
    this.#o = options;
  }

  /** What this server kept of `certHash` (authority, party, number, link key), or undefined when it did not accept it. */
  entry(certHash: string): (IssuedEntry & { linkKey: string }) | undefined {
    return this.#o.linkKeys.get(certHash);
  }

  /** A page of certificates matching `query`, newest first (INVALID_INDEX_QUERY for a malformed cursor). */
  list(query: ConsoleQuery): ConsolePage {
    const limit = Math.min(Math.max(Math.trunc(query.limit ?? DEFAULT_LIMIT), 1), MAX_LIMIT);
    if (query.cursor !== undefined && !CURSOR.test(query.cursor)) {
      throw new CertLedgerError("INVALID_INDEX_QUERY", `cursor ${JSON.stringify(query.cursor)} is not one this listing gave`);
    }
    let before = query.cursor === undefined ? undefined : Number(query.cursor);
    const items: ConsoleEntry[] = [];
    let scanned = 0;
    for (;;) {
      // Without a filter every row read is an item; with one, rows are read in chunks and filtered.
      const filtered = query.anchoring !== undefined || query.status !== undefined;
      const chunk = filtered ? SCAN_CHUNK : limit - items.length;
      const rows = this.#o.linkKeys.page({
        authorityId: query.authorityId,
        party: query.party,
        certType: query.certType,
        number: query.number,
        numberPrefix: query.numberPrefix,
        before,
        limit: chunk,
      });
      for (const row of rows) {
        before = row.seq;
        scanned++;
        const entry = this.#withStatus(row);
        if ((query.anchoring ?? entry.anchoring) === entry.anchoring && (query.status ?? entry.status) === entry.status) items.push(entry);
        if (items.length === limit) return { items, nextCursor: String(row.seq) };
      }
      if (rows.length < chunk) return { items };
      if (scanned >= MAX_SCANNED) return { items, nextCursor: String(before) };
    }
  }

  /** The console entry of `certHash`, or undefined when this server did not accept it. */
  get(certHash: string): ConsoleEntry | undefined {
    const entry = this.#o.linkKeys.get(certHash);
    if (!entry) return undefined;
    const { linkKey: _key, ...rest } = entry;
    return this.#withStatus(rest);
  }

  /**
   * The exact bytes anchored as `certHash` and their media type: a credential's JWS as kept in the outbox, a file's
   * payload (from the outbox while it waits for IPFS, then from IPFS) decrypted with its kept link key and checked
   * against the hash. CERT_NOT_FOUND when this server holds no document of it.
   */
  async document(certHash: string, options: { signal?: AbortSignal } = {}): Promise<IssuedDocument> {
    const entry = this.#o.linkKeys.get(certHash);
    const request = this.#o.outbox.get(certHash);
    if (!entry || !request) throw new CertLedgerError("CERT_NOT_FOUND", `this server holds no document of certificate ${certHash}`);
    const jws = this.#o.outbox.jwsOf(certHash);
    if (jws !== undefined) return { bytes: new TextEncoder().encode(jws), contentType: VC_JWT_MEDIA_TYPE };
    const payload = await this.#payload(certHash, options.signal);
    const bytes = await decryptWithLinkKey(payload, entry.linkKey);
    if (certHashOf(bytes) !== request.certHash) {
      throw new CertLedgerError("CID_MISMATCH", `the payload of ${certHash} does not decrypt to the anchored document`);
    }
    return { bytes, contentType: readPayloadHeader(payload).contentType };
  }

  async #payload(certHash: string, signal?: AbortSignal): Promise<Uint8Array> {
    const waiting = this.#o.outbox.pendingPayload(certHash);
    if (waiting) return waiting;
    // Read again: the payload may have gone to IPFS between the two reads.
    const cid = this.#o.outbox.get(certHash)?.payloadCid;
    if (cid === undefined) {
      throw new CertLedgerError(
        "CERT_NOT_FOUND",
        `the document of ${certHash} is no longer held (its anchoring failed before it was stored)`,
      );
    }
    return this.#o.payloads.get(cid, { signal, maxBytes: this.#o.maxPayloadBytes ?? 2 * 20 * 1024 * 1024 });
  }

  #withStatus(row: IssuedEntry): ConsoleEntry {
    const request = this.#o.outbox.get(row.certHash);
    const certificate = this.#o.index.certificate(row.certHash);
    // The ledger's certificate is the earliest anchoring of the hash: when another authority's came first (this
    // server's request then fails), it is not this authority's certificate, and its status is not this entry's.
    const ours = certificate?.authorityId === row.authorityId ? certificate : undefined;
    // The index may know it before the outbox has settled (and after an outbox was lost): anchored is what the ledger says.
    const anchoring: AnchorRequestStatus = ours !== undefined ? "anchored" : (request?.status ?? "queued");
    return { ...row, anchoring, status: ours?.status, ...(request && { request }), ...(ours && { certificate: ours }) };
  }
}
