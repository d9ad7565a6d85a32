/**
 * Registering exporters and importers: an origin authority of a party registers a trader with its number, the HS
 * headings it may declare for, a validity period and whether it consents to publication; the trader gets its own
 * signing key (kept by this server, registered under the registration on chain). What anyone may see of a
 * registration follows the consent: without it, only the number, party, status and validity (as the EU publishes REX).
 */
import { createHash } from "node:crypto";
import { generateSigningKey, jwkThumbprintHex, p256PublicJwk, type GeneratedKey } from "../crypto/keys";
import { CertLedgerError } from "../errors";
import type { OriginClient, RegistrationRecord } from "./origin-client";
import type { RegistrationRequest } from "./requests";
import { headingOf, headingText, type RegistrationStatusName } from "./vocabulary";

/** Where a trader's own key and details are kept (the server's keyring). */
export interface DeclarantKeys {
  addDeclarant(
    registrationId: number,
    key: { privateJwk: GeneratedKey["privateJwk"] } | undefined,
    details: Record<string, string>,
  ): Promise<void>;
  declarant(registrationId: number): Promise<
    | {
        /** Absent when the trader holds its key itself (it registered only the public half). */
        key?: { privateJwk: GeneratedKey["privateJwk"]; publicJwk: GeneratedKey["publicJwk"]; kid: string; thumbprint: string };
        details: Record<string, string>;
      }
    | undefined
  >;
}

/** What registering, declaring and the agreements' writes need. */
export interface OriginDeskDependencies {
  origin: OriginClient;
  /** The registry written as an account of authority `authorityId` (FORBIDDEN when this server holds none). */
  writerForAuthority(authorityId: number): Promise<OriginClient>;
  keys: DeclarantKeys;
  /** Resolves once a block survives a power cut (the embedded chain's); absent for a chain whose blocks are final. */
  durable?(blockNumber: number): Promise<void>;
  /** Seconds; the chain's clock is close enough (default: this machine's). */
  now?(): bigint;
}

/** A registration as anyone may see it: what the trader's consent allows. */
export interface PublicRegistration {
  registrationNumber: string;
  kind: RegistrationRecord["kind"];
  party: string;
  /** The origin authority that registered it (its declarations' issuer DID names it). */
  authorityId: number;
  status: RegistrationStatusName;
  statusChangedAt: string;
  validFrom: string;
  validUntil: string;
  /** Whether the trader consented to its details being public. */
  consent: boolean;
  name?: string;
  address?: string;
  headings?: string[];
}

/** Registers traders and sets their registrations' status, for this server's origin authorities. */
export class TraderRegistrar {
  constructor(private readonly deps: OriginDeskDependencies) {}

  /**
   * Registers `request`'s trader as authority `authorityId` (which must hold the kind's declaration type in its scope),
   * gives it a signing key of its own, and returns the registration. A retry after a crash between the two finds the
   * registration (same authority, same details) and only adds the key.
   */
  async register(authorityId: number, request: RegistrationRequest): Promise<RegistrationRecord> {
    const { origin } = this.deps;
    const now = this.#now();
    const headings = [...new Set(request.headings.map(headingOf))];
    const validFrom = request.validFrom === undefined ? now : seconds(request.validFrom);
    const validUntil = seconds(request.validUntil);
    if (validUntil <= now || validFrom >= validUntil) {
      throw new CertLedgerError(
        "INVALID_VALIDITY_PERIOD",
        `the registration must be valid for a while from now: validFrom ${iso(validFrom)}, validUntil ${iso(validUntil)}`,
        {
          details: { field: "validUntil" },
        },
      );
    }
    const details = { name: request.name, address: request.address };
    const detailsDigest = `0x${createHash("sha256").update(JSON.stringify(details)).digest("hex")}`;
    const writer = await this.deps.writerForAuthority(authorityId);
    let registration = await origin.registrationByNumber(request.number);
    if (
      registration &&
      (registration.authorityId !== authorityId ||
        registration.detailsDigest !== detailsDigest ||
        (await this.deps.keys.declarant(registration.id)))
    ) {
      throw new CertLedgerError(
        "REGISTRATION_NUMBER_UNAVAILABLE",
        `registration number ${request.number} is already taken (registration ${registration.id} of ${registration.party})`,
        { details: { field: "number" } },
      );
    }
    if (!registration) {
      const written = await writer.registerTrader({
        authorityId,
        kind: request.kind,
        number: request.number,
        headings,
        validFrom,
        validUntil,
        detailsDigest,
        publicDetails: request.consent ? JSON.stringify({ ...details, headings: headings.map(headingText) }) : undefined,
      });
      await this.deps.durable?.(written.blockNumber);
      registration = await origin.getRegistration(written.registrationId);
      if (!registration)
        throw new CertLedgerError("TX_FAILED", `registration ${written.registrationId} is not on the chain after its transaction`);
    }
    // The trader's own key: its public half when it holds the key itself (then nobody else, this server included, can
    // sign in its name); else one made here and kept encrypted before its thumbprint goes on chain (never lost).
    const key = request.publicJwk === undefined ? await generateSigningKey() : undefined;
    const thumbprint = key?.thumbprint ?? jwkThumbprintHex(p256PublicJwk(request.publicJwk, "publicJwk"));
    await this.deps.keys.addDeclarant(registration.id, key, details);
    const added = await writer.addTraderKey(registration.id, thumbprint, now, validUntil);
    await this.deps.durable?.(added.blockNumber);
    return registration;
  }

  /** Suspends, reinstates or revokes registration `registrationId`, as `writer` (its authority's account or its party's admin). */
  async setStatus(writer: OriginClient, registrationId: number, status: RegistrationStatusName): Promise<RegistrationRecord> {
    const written = await writer.setRegistrationStatus(registrationId, status);
    await this.deps.durable?.(written.blockNumber);
    const registration = await this.deps.origin.getRegistration(registrationId);
    if (!registration) throw new CertLedgerError("REGISTRATION_NOT_FOUND", `no registration ${registrationId}`);
    return registration;
  }

  #now(): bigint {
    return this.deps.now?.() ?? BigInt(Math.floor(Date.now() / 1000));
  }
}

/** What anyone may see of `registration`: with the trader's consent its name, address and headings too. */
export function publicRegistration(registration: RegistrationRecord): PublicRegistration {
  const published = registration.publicDetails === undefined ? undefined : parsePublished(registration.publicDetails);
  return {
    registrationNumber: registration.number,
    kind: registration.kind,
    party: registration.party,
    authorityId: registration.authorityId,
    status: registration.status,
    statusChangedAt: iso(registration.statusChangedAt),
    validFrom: iso(registration.validFrom),
    validUntil: iso(registration.validUntil),
    consent: published !== undefined,
    ...(published && { name: published.name, address: published.address, headings: registration.headings.map(headingText) }),
  };
}

function parsePublished(json: string): { name?: string; address?: string } | undefined {
  try {
    const value = JSON.parse(json) as { name?: unknown; address?: unknown };
    return {
      name: typeof value.name === "string" ? value.name : undefined,
      address: typeof value.address === "string" ? value.address : undefined,
    };
  } catch {
    return undefined;
  }
}

function seconds(dateTime: string): bigint {
  return BigInt(Math.floor(Date.parse(dateTime) / 1000));
}

function iso(value: bigint): string {
  return new Date(Number(value) * 1000).toISOString();
}
