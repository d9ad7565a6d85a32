import { randomBytes } from "node:crypto";
import type { LedgerClient } from "../chain/ledger-client";
import { encryptPayload, type EncryptedPayload, type PayloadRecipient } from "../crypto/payload-encryption";
import type { DeclaredItem } from "../documents/declared-items";
import { DECLARATION_TYPES, certificateTypeName, certificateTypeNumber } from "../documents/certificate-types";
import {
  credentialCertificateType,
  credentialIssuer,
  credentialNumber,
  credentialNumberHash,
  validateCredential,
  type Credential,
} from "../documents/credentials";
import { inspectFile, type DocumentMediaType } from "../documents/files";
import { thisThreadStamper, type PdfStamper } from "../documents/pdf-stamper";
import { certHashOf, certificateNumberHash, normalizeCertificateNumber } from "../documents/hashing";
import { decodeCredentialJws, preparedSigner, verifyCredentialJws, VC_JWT_MEDIA_TYPE } from "../documents/vc-jose";
import { thisThreadSealer, type CredentialSealer, type SealedCredential } from "../documents/credential-sealing";
import { CertLedgerError } from "../errors";
import type { JWK } from "../crypto/keys";
import type { StandardViewsPublisher, StatusAssignment } from "../standard-views/publisher";
import type { AnchorRequest } from "./anchor-request";
import type { AuthorityKeyring } from "./authority-keyring";
import { ChainDirectory } from "./chain-directory";
import type { LinkKeyStore } from "./link-keys";
import { admitAuthority, admitSigningKey, nowSeconds } from "./admission";
import type { Outbox } from "./outbox";
import { parseCredentialInput, parseFileInput, type SubmitCredentialInput, type SubmitFileInput } from "./submission-inputs";

/** What the anchoring service needs. */
export interface AnchoringServiceOptions {
  outbox: Outbox;
  /** Read only: the authority and key checks. */
  client: LedgerClient;
  keyring: AuthorityKeyring;
  /** How long an authority or key read from the chain is reused (default 5 s). */
  chainCacheMs?: number;
  /** The largest file accepted (default: inspectFile's 20 MiB). */
  maxFileBytes?: number;
  /**
   * Where the link keys of accepted certificates are kept (encrypted) for the issuer's console. Without it a link key
   * is given once, in the submission's outcome, and a PDF stamped twice gets two different links.
   */
  linkKeys?: Pick<LinkKeyStore, "recordGrouped" | "stampLinkKey">;
  /**
   * The standard views this server publishes (src/standard-views): a credential it signs names its authority's did:web
   * and gets status list entries; public keys of credentials signed elsewhere are remembered for DID documents.
   */
  views?: Pick<StandardViewsPublisher, "assignIssuer" | "bind" | "checkForeignStatus" | "rememberKey">;
  /**
   * Where PDFs are stamped and their stamped bytes hashed (default: on this thread). A DocumentWorkerPool does it in worker
   * threads, on every core, without holding up the event loop; the bytes are the same either way.
   */
  stamper?: PdfStamper;
  /**
   * Where the credentials this server signs are sealed: signed, hashed and their payloads encrypted (default: on this
   * thread). A DocumentWorkerPool does it in worker threads; the event loop keeps the outbox, the status slots, HTTP.
   */
  sealer?: CredentialSealer;
}

/** The outcome of a submission. */
export interface SubmissionOutcome {
  request: AnchorRequest;
  /** False when the certificate had been submitted before: the earlier request is returned as it is. */
  created: boolean;
  /**
   * The holder's link key (base64url) for the encrypted payload: put it in the verification link's fragment. Only a
   * new request has one: a repeat makes no new payload, and the first submission's key is not kept.
   */
  linkKey?: string;
  /** Whether the authority (and key) were checked against the chain; false when the chain did not answer. */
  chainChecked: boolean;
}

/** The outcome of a credential submission: also the signed credential, the document the holder receives. */
export interface CredentialSubmissionOutcome extends SubmissionOutcome {
  jws: string;
}

/** The outcome of a file submission: also what the file turned out to be, and the link stamped on it. */
export interface FileSubmissionOutcome extends SubmissionOutcome {
  mediaType: DocumentMediaType;
  /** The link the stamp's QR code carries, when the file is a PDF that was stamped. */
  stampedLink?: string;
}

/** What the link-key store keeps of a new certificate besides its key. */
type IssuedFacts = { party: string; number: string; stamped: boolean };

const DEFAULT_CHAIN_CACHE_MS = 5_000;

/**
 * The business rules of accepting a certificate for anchoring; the server only translates HTTP to these calls.
 *
 * A submission is validated (the credential against its type's schema, a file by its bytes), tied to the submitting
 * authority (the credential's issuer must be it), checked against the chain (the authority registered, active, valid
 * now and with the type in its scope; the signing key registered to it and valid now), signed when it is not yet,
 * encrypted as its payload (the link key for the holder, wrapped copies for named recipient parties) and written to
 * the outbox. Nothing is sent to the chain or IPFS here: the batcher does that, so acceptance stays fast and works
 * while the chain is slow.
 *
 * When the chain cannot be read (CHAIN_UNAVAILABLE), a credential is accepted anyway (`chainChecked: false`): the
 * batcher fails it later with the ledger's own code if the ledger refuses it, and a request accepted is never lost.
 * A file needs its authority's party for the number hash, so it is refused with CHAIN_UNAVAILABLE when the party is
 * not known from an earlier read.
 */
export class AnchoringService {
  readonly #outbox: Outbox;
  readonly #keyring: AuthorityKeyring;
  readonly #directory: ChainDirectory;
  readonly #maxFileBytes: number | undefined;
  readonly #linkKeys: AnchoringServiceOptions["linkKeys"];
  readonly #views: AnchoringServiceOptions["views"];
  readonly #stamper: PdfStamper;
  readonly #sealer: CredentialSealer;

  constructor(options: AnchoringServiceOptions) {
    this.#outbox = options.outbox;
    this.#keyring = options.keyring;
    this.#directory = new ChainDirectory(options.client, options.chainCacheMs ?? DEFAULT_CHAIN_CACHE_MS);
    this.#maxFileBytes = options.maxFileBytes;
    this.#linkKeys = options.linkKeys;
    this.#views = options.views;
    this.#stamper = options.stamper ?? thisThreadStamper;
    this.#sealer = options.sealer ?? thisThreadSealer;
  }

  /**
   * Accepts a credential for anchoring: validates it (INVALID_CREDENTIAL naming the field), checks its issuer is the
   * authority (ISSUER_MISMATCH) and the chain's rules (AUTHORITY_*), signs it with the authority's key or verifies the
   * given JWS (INVALID_SIGNATURE, UNTRUSTED_KEY), and enqueues it with its encrypted payload.
   */
  async submitCredential(input: SubmitCredentialInput): Promise<CredentialSubmissionOutcome> {
    const { authorityId, credential, jws: givenJws, recipients, idempotencyKey } = parseCredentialInput(input);
    let vc: Credential;
    let jws: string | undefined;
    let givenKey: string | undefined;
    let givenJwk: JWK | undefined;
    if (credential !== undefined) {
      vc = validateCredential(credential);
      // Signing is randomised (ECDSA), so a retry would hash differently: it is recognised by its key before signing.
      const repeat = idempotencyKey === undefined ? undefined : this.#repeatOf(authorityId, idempotencyKey, vc);
      if (repeat) return repeat;
    } else {
      jws = givenJws!.trim();
      let header;
      ({ credential: vc, thumbprint: givenKey, header } = await verifyCredentialJws(jws));
      givenJwk = header.jwk;
      this.#views?.checkForeignStatus(vc);
    }
    const issuer = credentialIssuer(vc);
    if (issuer.authorityId !== authorityId) {
      throw new CertLedgerError("ISSUER_MISMATCH", `the credential's issuer is authority ${issuer.authorityId}, not ${authorityId}`, {
        details: { field: "issuer.id" },
      });
    }
    const certType = certificateTypeNumber(credentialCertificateType(vc));
    refuseDeclaration(certType);
    const validUntil = BigInt(Math.floor(Date.parse(vc.validUntil) / 1000));
    if (validUntil <= nowSeconds()) {
      throw new CertLedgerError("INVALID_CREDENTIAL", `invalid credential: validUntil: ${vc.validUntil} has passed`, {
        details: { field: "validUntil" },
      });
    }
    const authorityChecked = await this.#checkAuthority(authorityId, certType, issuer.party);
    let keyChecked: boolean;
    let assignment: StatusAssignment | undefined;
    let sealed: SealedCredential | undefined;
    if (jws === undefined) {
      const key = this.#keyring.signingKey(authorityId);
      if (!key) throw new CertLedgerError("NO_SIGNING_KEY", `this server holds no signing key of authority ${authorityId}`);
      keyChecked = await this.#checkKey(authorityId, key.thumbprint, true);
      // Named by its did:web and given its status entries just before signing, when this server publishes its views.
      assignment = this.#views?.assignIssuer(vc, authorityId, issuer.party);
      // Kept for the authority's DID document: a credential signed now must still verify after the key is rotated.
      if (assignment?.slot) this.#views?.rememberKey(authorityId, key.publicJwk);
      // A bad key is refused here; the sealer checks the credential on this thread before it is signed, wherever that is.
      sealed = await this.#sealer.seal({ credential: assignment?.credential ?? vc, signer: preparedSigner(key), recipients });
      jws = sealed.jws;
    } else {
      keyChecked = await this.#checkKey(authorityId, givenKey!, false);
      if (keyChecked) this.#views?.rememberKey(authorityId, givenJwk!);
    }
    const certHash = sealed?.certHash ?? certHashOf(jws);
    const outcome = await this.#enqueue(
      { certHash, authorityId, certType, validUntil, numberHash: credentialNumberHash(vc), idempotencyKey, jws },
      sealed ? { bytes: sealed.payload, linkKey: sealed.linkKey } : new TextEncoder().encode(jws),
      VC_JWT_MEDIA_TYPE,
      recipients,
      {
        facts: { party: issuer.party, number: credentialNumber(vc), stamped: false },
        // Bound before the request is durable: an orphan slot is harmless, a certificate whose bit nobody sets is not.
        durableFirst: assignment && this.#views?.bind(assignment, certHash),
      },
    );
    return { ...outcome, jws, chainChecked: authorityChecked !== "unchecked" && keyChecked };
  }

  /**
   * Accepts a file (PDF, XML, image) for anchoring: its certHash is the SHA-256 of its bytes, its number hash that of
   * `number` in the authority's party. With `stamp`, a PDF is first stamped on its first page with the QR code of the
   * link `stamp` makes (PDF_UNREADABLE when it cannot be), and the stamped bytes are what is hashed and anchored.
   */
  async submitFile(input: SubmitFileInput): Promise<FileSubmissionOutcome> {
    const { authorityId, bytes: given, certType, number, validUntil, recipients, idempotencyKey, stamp, items } = parseFileInput(input);
    refuseDeclaration(certType);
    const { mediaType } = inspectFile(given, { maxBytes: this.#maxFileBytes });
    normalizeCertificateNumber(number);
    if (validUntil <= nowSeconds()) {
      throw new CertLedgerError("INVALID_CERTIFICATE_VALIDITY", `validUntil ${validUntil} has passed`, {
        details: { field: "validUntil" },
      });
    }
    const checked = await this.#checkAuthority(authorityId, certType);
    if (checked === "unchecked") {
      throw new CertLedgerError(
        "CHAIN_UNAVAILABLE",
        `the chain did not answer, and the party of authority ${authorityId} (needed for the certificate number's hash) is not known yet`,
      );
    }
    const numberHash = certificateNumberHash(checked.party, number);
    const { bytes, certHash, stamped } = await this.#stamped(given, mediaType, { authorityId, party: checked.party, number }, stamp);
    const outcome = await this.#enqueue(
      { certHash, authorityId, certType, validUntil, numberHash, idempotencyKey },
      bytes,
      mediaType,
      recipients,
      { linkKey: stamped?.linkKey, facts: { party: checked.party, number, stamped: stamped !== undefined }, items },
    );
    return { ...outcome, mediaType, chainChecked: true, ...(stamped && { stampedLink: stamped.link }) };
  }

  /**
   * Accepts a registered trader's origin declaration for anchoring by the authority that registered it: the JWS is
   * signed with the trader's key (not the authority's), and the declaration is already recorded in the origin registry
   * (src/origin/declaration-desk.ts checked the registration, its key and headings, and the agreement). Here the
   * authority's own rules are checked as for any certificate, and the declaration is enqueued with its payload.
   */
  async submitDeclaration(input: {
    authorityId: number;
    jws: string;
    recipients?: PayloadRecipient[];
  }): Promise<CredentialSubmissionOutcome> {
    const { credential: vc } = await verifyCredentialJws(input.jws);
    const issuer = credentialIssuer(vc);
    const certType = certificateTypeNumber(credentialCertificateType(vc));
    if (issuer.registration === undefined || !DECLARATION_TYPES.includes(certType) || issuer.authorityId !== input.authorityId) {
      throw new CertLedgerError(
        "INVALID_CREDENTIAL",
        "invalid credential: not an origin declaration of a trader registered by this authority",
      );
    }
    const validUntil = BigInt(Math.floor(Date.parse(vc.validUntil) / 1000));
    const authorityChecked = await this.#checkAuthority(input.authorityId, certType, issuer.party);
    const outcome = await this.#enqueue(
      {
        certHash: certHashOf(input.jws),
        authorityId: input.authorityId,
        certType,
        validUntil,
        numberHash: credentialNumberHash(vc),
        jws: input.jws,
      },
      new TextEncoder().encode(input.jws),
      VC_JWT_MEDIA_TYPE,
      input.recipients,
      { facts: { party: issuer.party, number: credentialNumber(vc), stamped: false } },
    );
    return { ...outcome, jws: input.jws, chainChecked: authorityChecked !== "unchecked" };
  }

  /**
   * Accepts a registered trader's declaration made out as a file (a PDF invoice carrying the statement on origin), for
   * anchoring by the authority that registered it: stamped like any PDF, then `record` is called with the certHash of
   * the bytes to anchor (the declaration desk records it in the origin registry there) before it is enqueued.
   */
  async submitDeclarationFile(
    input: Omit<SubmitFileInput, "idempotencyKey">,
    record: (certHash: string, party: string) => Promise<void>,
  ): Promise<FileSubmissionOutcome> {
    const { authorityId, bytes: given, certType, number, validUntil, recipients, stamp, items } = parseFileInput(input);
    if (!DECLARATION_TYPES.includes(certType)) {
      throw new CertLedgerError("INVALID_ANCHOR_REQUEST", `type ${certType} is not a declaration's type`, {
        details: { field: "certType" },
      });
    }
    const { mediaType } = inspectFile(given, { maxBytes: this.#maxFileBytes });
    const checked = await this.#checkAuthority(authorityId, certType);
    if (checked === "unchecked") throw new CertLedgerError("CHAIN_UNAVAILABLE", `the chain did not answer for authority ${authorityId}`);
    const numberHash = certificateNumberHash(checked.party, number);
    const { bytes, certHash, stamped } = await this.#stamped(given, mediaType, { authorityId, party: checked.party, number }, stamp);
    await record(certHash, checked.party);
    const outcome = await this.#enqueue({ certHash, authorityId, certType, validUntil, numberHash }, bytes, mediaType, recipients, {
      linkKey: stamped?.linkKey,
      facts: { party: checked.party, number, stamped: stamped !== undefined },
      items,
    });
    return { ...outcome, mediaType, chainChecked: true, ...(stamped && { stampedLink: stamped.link }) };
  }

  /** The earlier request submitted with `idempotencyKey`, when it carries the same credential; else IDEMPOTENCY_KEY_REUSED. */
  #repeatOf(authorityId: number, idempotencyKey: string, vc: Credential): CredentialSubmissionOutcome | undefined {
    const request = this.#outbox.getByIdempotencyKey(idempotencyKey, authorityId);
    if (!request) return undefined;
    const jws = this.#outbox.jwsOf(request.certHash);
    if (jws === undefined || !sameSubmission(decodeCredentialJws(jws).credential, vc)) {
      throw new CertLedgerError(
        "IDEMPOTENCY_KEY_REUSED",
        `idempotency key ${JSON.stringify(idempotencyKey)} was used for another credential (certificate ${request.certHash})`,
        { details: { idempotencyKey, certHash: request.certHash } },
      );
    }
    return { request, created: false, jws, chainChecked: false };
  }

  /**
   * `given` stamped with its links when it is a PDF and `stamp` is given (else as it is), its certHash, and the stamp's
   * link key and link. The stamper hashes what it stamped, where it stamped it (a worker thread when it is a pool).
   */
  async #stamped(
    given: Uint8Array,
    mediaType: DocumentMediaType,
    target: { authorityId: number; party: string; number: string },
    stamp: SubmitFileInput["stamp"],
  ): Promise<{ bytes: Uint8Array; certHash: string; stamped?: { linkKey: string; link: string } }> {
    if (stamp === undefined || mediaType !== "application/pdf") return { bytes: given, certHash: certHashOf(given) };
    // Known before stamping, independent of the hash: derived from the PDF when a store is there, so a retry matches.
    const linkKey = this.#linkKeys?.stampLinkKey(target.authorityId, target.number, certHashOf(given)) ?? randomLinkKey();
    const links = stamp({ party: target.party, number: target.number, linkKey });
    const { bytes, certHash } = await this.#stamper.stamp(given, {
      qrLink: links.qrLink,
      printedLink: links.printedLink,
      number: target.number,
    });
    inspectFile(bytes, { maxBytes: this.#maxFileBytes });
    return { bytes, certHash, stamped: { linkKey, link: links.qrLink } };
  }

  /** Checks the authority on chain; returns its party, or "unchecked" when the chain did not answer. */
  async #checkAuthority(authorityId: number, certType: number, claimedParty?: string): Promise<{ party: string } | "unchecked"> {
    const answer = await this.#directory.authority(authorityId);
    if (answer === "unavailable") return "unchecked";
    return { party: admitAuthority(answer.record, authorityId, certType, { claimedParty }).party };
  }

  /** Checks that key `thumbprint` is registered to the authority and valid now; false when the chain did not answer. */
  async #checkKey(authorityId: number, thumbprint: string, ownKey: boolean): Promise<boolean> {
    const answer = await this.#directory.signingKey(authorityId, thumbprint);
    if (answer === "unavailable") return false;
    const whose = ownKey ? `this server's signing key ${thumbprint} of authority ${authorityId}` : undefined;
    admitSigningKey(answer.record, authorityId, thumbprint, whose);
    return true;
  }

  /**
   * Enqueues, encrypting the payload only for a certificate not seen before, under `linkKey` when given. The link key
   * is kept (when there is a store) before the request is acknowledged, so the console can always show it again.
   */
  async #enqueue(
    fields: Omit<Parameters<Outbox["enqueue"]>[0], "payload">,
    document: Uint8Array | EncryptedPayload,
    contentType: string,
    recipients: PayloadRecipient[] | undefined,
    issued: { linkKey?: string; facts: IssuedFacts; items?: DeclaredItem[]; durableFirst?: Promise<void> },
  ): Promise<Omit<SubmissionOutcome, "chainChecked">> {
    // Awaited below on every path that goes on; one that throws first must not leave its failure unhandled.
    issued.durableFirst?.catch(() => undefined);
    if (this.#outbox.get(fields.certHash)) {
      // A repeat: the outbox checks it is the same request and returns it; its payload was made the first time.
      await issued.durableFirst;
      const { request, created } = await this.#outbox.enqueueGrouped(fields);
      return { request, created };
    }
    // The document as it is, encrypted here; or its payload already encrypted where it was sealed.
    const { bytes, linkKey } =
      document instanceof Uint8Array
        ? await encryptPayload(document, {
            certHash: fields.certHash,
            contentType,
            recipients,
            linkKey: issued.linkKey,
            items: issued.items,
          })
        : document;
    const record = async (replace: boolean) =>
      this.#linkKeys?.recordGrouped(
        { certHash: fields.certHash, authorityId: fields.authorityId, certType: fields.certType, linkKey, ...issued.facts },
        { replace },
      );
    // Kept before the request is durable (an orphan key is harmless; a request without its key is not). The first
    // key written for a certHash stays: an overlapping duplicate, whose payload the outbox will not take, cannot
    // replace it, however late its write.
    // With what must be durable before the request (a status slot's binding), in the same wait: each is its own file.
    const [kept] = await Promise.all([record(false), issued.durableFirst]);
    const { request, created } = await this.#outbox.enqueueGrouped({ ...fields, payload: { bytes, contentType } });
    if (!created) return { request, created };
    // The outbox took this submission's payload: its key must be the one kept. It is not when an overlapping
    // duplicate (or an earlier attempt that never reached the outbox) wrote first; only then is it written again.
    if (kept === false) await record(true);
    return { request, created, linkKey };
  }
}

/** Declarations are made by their registered exporter or importer (POST /v1/declarations), never by an authority alone. */
function refuseDeclaration(certType: number): void {
  if (!DECLARATION_TYPES.includes(certType)) return;
  throw new CertLedgerError(
    "DECLARATION_NEEDS_DECLARANT",
    `a ${certificateTypeName(certType)} is made by its registered ${certType === 5 ? "exporter" : "importer"} with its own token (POST /v1/declarations), not anchored by an authority`,
    { details: { field: "certType" } },
  );
}

/**
 * Whether a signed credential is the one submitted: the same but for what the server gave it when signing (its issuer
 * named by did:web, its status entries), which a retry of the same submission does not carry.
 */
function sameSubmission(signed: Credential, submitted: Credential): boolean {
  const { issuer: signedIssuer, credentialStatus: _s, ...signedRest } = signed as Credential & { credentialStatus?: unknown };
  const { issuer: submittedIssuer, credentialStatus: _t, ...submittedRest } = submitted as Credential & { credentialStatus?: unknown };
  return (
    signedIssuer.name === submittedIssuer.name &&
    JSON.stringify(credentialIssuer(signed)) === JSON.stringify(credentialIssuer(submitted)) &&
    JSON.stringify(signedRest) === JSON.stringify(submittedRest)
  );
}

function randomLinkKey(): string {
  return randomBytes(32).toString("base64url");
}
