/**
 * Making an origin declaration: a registered exporter or importer, with its own token, declares the origin of goods on
 * a commercial document under one trade agreement. Every rule is checked before anything is written — the
 * registration active and valid, each line's HS heading within it, the agreement in force with both sides in it, an
 * importer declaring only for imports into its own party — then the declaration is signed with the trader's own key,
 * recorded in the origin registry by its registering authority's account (the chain checks the same facts again),
 * and anchored on the ledger by that authority like any certificate, its payload encrypted to the importing party.
 */
import type { PayloadRecipient } from "../crypto/payload-encryption";
import { CERTIFICATE_TYPES } from "../documents/certificate-types";
import { buildCredential, credentialCertificateType, credentialIssuer, type OriginDeclarationCredential } from "../documents/credentials";
import { certHashOf } from "../documents/hashing";
import { signCredential, verifyCredentialJws } from "../documents/vc-jose";
import { CertLedgerError, isCertLedgerError } from "../errors";
import type { AnchoringService, CredentialSubmissionOutcome, FileSubmissionOutcome } from "../pipeline/anchoring-service";
import type { SubmitFileInput } from "../pipeline/submission-inputs";
import type { AgreementRecord, RegistrationRecord } from "./origin-client";
import type { DeclarationRequest } from "./requests";
import type { OriginDeskDependencies } from "./trader-registrar";
import { headingText } from "./vocabulary";

const YEAR_SECONDS = 365n * 86_400n;

/** A declaration made: the anchoring service's outcome, the signed credential, and what it was recorded as. */
export interface DeclarationMade extends CredentialSubmissionOutcome {
  credential: OriginDeclarationCredential;
  registration: RegistrationRecord;
  agreement: AgreementRecord;
}

/** A declaration made out as a file: the anchoring service's outcome and what it was recorded as. */
export interface DeclarationFileMade extends FileSubmissionOutcome {
  registration: RegistrationRecord;
  agreement: AgreementRecord;
}

/** A declaration whose every rule was checked, with what signing, recording and anchoring it need. */
interface CheckedDeclaration {
  registration: RegistrationRecord;
  agreement: AgreementRecord;
  sides: { exportingCountry: string; importingCountry: string; counterpart: string };
  declarant: NonNullable<Awaited<ReturnType<OriginDeskDependencies["keys"]["declarant"]>>>;
  now: bigint;
  number: string;
  recipients: PayloadRecipient[];
  headings: number[];
}

/** Checks, signs, records and anchors registered traders' declarations. */
export class DeclarationDesk {
  constructor(
    private readonly deps: OriginDeskDependencies & {
      anchoring: Pick<AnchoringService, "submitDeclaration" | "submitDeclarationFile">;
      /** The registered encryption keys of the parties a payload is addressed to. */
      recipientKeys(parties: string[]): Promise<PayloadRecipient[]>;
      /** The certificate already anchored, or accepted here and on its way, with `number` in `party`, if any. */
      numbered?(number: string, party: string): string | undefined;
    },
  ) {}

  /** Declares `request` for registration `registrationId` (the caller's own, from its token), as a signed credential. */
  async declare(registrationId: number, request: DeclarationRequest): Promise<DeclarationMade> {
    const facts = await this.#check(registrationId, request);
    const { registration, agreement, sides, declarant, now, number } = facts;
    const own = registration.party;
    const name = declarant.details.name ?? registration.number;
    const credential = buildCredential({
      certificateType: registration.kind === "exporter" ? "exporterDeclaration" : "importerDeclaration",
      issuer: { party: own, authorityId: registration.authorityId, registration: registration.number, name },
      certificateNumber: number,
      validFrom: new Date(Number(now) * 1000),
      validUntil: request.validUntil ?? new Date(Number(now + YEAR_SECONDS) * 1000),
      subject: {
        declarant: { kind: registration.kind, registrationNumber: registration.number, name },
        tradeAgreement: agreement.code,
        exportingCountry: sides.exportingCountry,
        importingCountry: sides.importingCountry,
        countryOfOrigin: request.countryOfOrigin ?? sides.exportingCountry,
        invoice: request.invoice,
        statement: request.statement ?? statementOf(registration, agreement, request.countryOfOrigin ?? sides.exportingCountry),
        ...(request.exporter && { exporter: request.exporter }),
        ...(request.consignee && { consignee: request.consignee }),
        goods: request.goods,
      },
    }) as OriginDeclarationCredential;
    if (!declarant.key) {
      throw new CertLedgerError(
        "FORBIDDEN",
        `${registration.number} holds its own key: sign the declaration with it and send it signed (jws); this server cannot sign in its name`,
      );
    }
    const jws = await signCredential(credential, declarant.key);
    await this.#record(facts, certHashOf(jws));
    const outcome = await this.deps.anchoring.submitDeclaration({
      authorityId: registration.authorityId,
      jws,
      recipients: facts.recipients,
    });
    return { ...outcome, credential, registration, agreement };
  }

  /**
   * Takes a declaration the trader signed itself, with the key it holds (registered under its registration): the
   * credential must name this token's registration and its authority, be signed by one of the registration's keys valid
   * now, and pass every check a declaration made here passes; then it is recorded and anchored as it is.
   */
  async declareSigned(registrationId: number, jws: string): Promise<DeclarationMade> {
    const { credential: vc, thumbprint } = await verifyCredentialJws(jws);
    const type = credentialCertificateType(vc);
    if (type !== "exporterDeclaration" && type !== "importerDeclaration") {
      throw new CertLedgerError("INVALID_CREDENTIAL", `invalid credential: a ${type}, not an origin declaration`, {
        details: { field: "jws" },
      });
    }
    const credential = vc as OriginDeclarationCredential;
    const subject = credential.credentialSubject;
    const request: DeclarationRequest = {
      number: subject.certificateNumber,
      tradeAgreement: subject.tradeAgreement,
      exportingCountry: subject.exportingCountry,
      importingCountry: subject.importingCountry,
      countryOfOrigin: subject.countryOfOrigin,
      invoice: subject.invoice,
      goods: subject.goods,
      validUntil: credential.validUntil,
    };
    const facts = await this.#check(registrationId, request);
    const { registration, agreement, now } = facts;
    const issuer = credentialIssuer(credential);
    const kind = type === "exporterDeclaration" ? "exporter" : "importer";
    if (issuer.registration !== registration.number || issuer.authorityId !== registration.authorityId || kind !== registration.kind) {
      throw new CertLedgerError(
        "ISSUER_MISMATCH",
        `the declaration is issued as ${credential.issuer.id} (an ${kind}'s), but this token is ${registration.number}'s, an ${registration.kind} registered by authority ${registration.authorityId}`,
        { details: { field: "issuer.id" } },
      );
    }
    if (subject.declarant.registrationNumber !== registration.number) {
      throw new CertLedgerError(
        "ISSUER_MISMATCH",
        `the declarant named is ${subject.declarant.registrationNumber}, not ${registration.number}`,
        {
          details: { field: "credentialSubject.declarant.registrationNumber" },
        },
      );
    }
    const key = await this.deps.origin.getTraderKey(registration.id, thumbprint);
    if (!key)
      throw new CertLedgerError("UNTRUSTED_KEY", `signed with key ${thumbprint}, which is not registered under ${registration.number}`);
    if ((key.revokedAt !== undefined && key.revokedAt <= now) || now < key.validFrom || now > key.validUntil) {
      throw new CertLedgerError("INVALID_SIGNATURE", `key ${thumbprint} of ${registration.number} is revoked or not valid now`);
    }
    if (Date.parse(credential.validUntil) / 1000 <= Number(now)) {
      throw new CertLedgerError("INVALID_CREDENTIAL", `invalid credential: validUntil: ${credential.validUntil} has passed`, {
        details: { field: "validUntil" },
      });
    }
    await this.#record(facts, certHashOf(jws));
    const outcome = await this.deps.anchoring.submitDeclaration({
      authorityId: registration.authorityId,
      jws,
      recipients: facts.recipients,
    });
    return { ...outcome, credential, registration, agreement };
  }

  /**
   * Declares `request` with its commercial document as a file (a PDF invoice carrying the statement on origin): the
   * same checks, the goods lines declared as the file's items (so borders write quantities off them), the PDF stamped
   * with its QR code, and the stamped bytes recorded and anchored. A file carries no signature of the trader's: the
   * registry's record, written by its origin authority's account on the trader's authenticated request, binds it.
   */
  async declareFile(
    registrationId: number,
    request: DeclarationRequest,
    bytes: Uint8Array,
    stamp?: SubmitFileInput["stamp"],
  ): Promise<DeclarationFileMade> {
    const facts = await this.#check(registrationId, request);
    const { registration, agreement, now, number } = facts;
    const validUntil = request.validUntil === undefined ? now + YEAR_SECONDS : BigInt(Math.floor(Date.parse(request.validUntil) / 1000));
    const outcome = await this.deps.anchoring.submitDeclarationFile(
      {
        authorityId: registration.authorityId,
        bytes,
        certType: registration.kind === "exporter" ? CERTIFICATE_TYPES.exporterDeclaration : CERTIFICATE_TYPES.importerDeclaration,
        number,
        validUntil,
        recipients: facts.recipients,
        stamp,
        items: request.goods.map((line) => ({ description: line.description, quantity: line.quantity })),
      },
      (certHash) => this.#record(facts, certHash),
    );
    return { ...outcome, registration, agreement };
  }

  /** Every rule checked, and what a declaration needs, before anything is written. */
  async #check(registrationId: number, request: DeclarationRequest): Promise<CheckedDeclaration> {
    const { origin } = this.deps;
    const now = this.deps.now?.() ?? BigInt(Math.floor(Date.now() / 1000));
    const registration = await origin.getRegistration(registrationId);
    if (!registration)
      throw new CertLedgerError("REGISTRATION_NOT_FOUND", `no registration ${registrationId}: this token's registration is unknown`);
    checkStanding(registration, now);
    const agreement = await origin.agreementByCode(request.tradeAgreement);
    if (!agreement) {
      throw new CertLedgerError("AGREEMENT_NOT_FOUND", `no agreement ${request.tradeAgreement} is registered`, {
        details: { field: "tradeAgreement" },
      });
    }
    if (agreement.status !== "InForce") {
      throw new CertLedgerError("AGREEMENT_NOT_IN_FORCE", `agreement ${agreement.code} is not in force: not every party approved it`, {
        details: { field: "tradeAgreement" },
      });
    }
    const own = registration.party;
    if (!agreement.parties.includes(own)) {
      throw new CertLedgerError(
        "NOT_AGREEMENT_PARTY",
        `${own} is not a party to ${agreement.code} (${agreement.parties.join(", ")}): its traders cannot declare under it`,
        { details: { field: "tradeAgreement" } },
      );
    }
    const sides = sidesOf(registration, request);
    if (!agreement.parties.includes(sides.counterpart)) {
      throw new CertLedgerError(
        "NOT_AGREEMENT_PARTY",
        `${sides.counterpart} is not a party to ${agreement.code} (${agreement.parties.join(", ")})`,
        {
          details: { field: registration.kind === "exporter" ? "importingCountry" : "exportingCountry" },
        },
      );
    }
    request.goods.forEach((line, i) => {
      const heading = Number(line.hsCode.slice(0, 4));
      if (!registration.headings.includes(heading)) {
        throw new CertLedgerError(
          "HEADING_NOT_REGISTERED",
          `goods ${i + 1} (${line.hsCode}): heading ${headingText(heading)} is not among ${registration.number}'s registered headings (${registration.headings.map(headingText).join(", ")})`,
          { details: { field: `goods.${i}.hsCode` } },
        );
      }
    });
    const declarant = await this.deps.keys.declarant(registration.id);
    if (!declarant) {
      throw new CertLedgerError("FORBIDDEN", `this server holds no signing key of ${registration.number}: it was registered elsewhere`);
    }
    const number = request.number ?? `${registration.number}/${request.invoice.number}`;
    // One declaration per number: the same invoice declared again (a retry, or a slip) is refused, naming the first.
    const earlier = this.deps.numbered?.(number, own);
    if (earlier !== undefined) {
      throw new CertLedgerError(
        "DUPLICATE_DECLARATION",
        `${number} is declared already: certificate ${earlier}; give the declaration another number`,
        {
          details: { field: "number", certHash: earlier },
        },
      );
    }
    // Addressed to the importing party (so its customs can open it) and to the declarant's own party, each that has
    // registered an encryption key (without one, the holder's link opens it).
    const recipients = await this.#recipients([...new Set([sides.importingCountry, own])]);
    const headings = [...new Set(request.goods.map((line) => Number(line.hsCode.slice(0, 4))))];
    return { registration, agreement, sides, declarant, now, number, recipients, headings };
  }

  /** Records the declaration of `certHash` in the origin registry, as its registering authority's account, durably. */
  async #record(facts: CheckedDeclaration, certHash: string): Promise<void> {
    const writer = await this.deps.writerForAuthority(facts.registration.authorityId);
    const recorded = await writer.recordDeclaration({
      certHash,
      registrationId: facts.registration.id,
      agreementId: facts.agreement.id,
      counterpart: facts.sides.counterpart,
      headings: facts.headings,
    });
    await this.deps.durable?.(recorded.blockNumber);
  }

  /** The encryption keys of those of `parties` that registered one (a party without one is left out, not an error). */
  async #recipients(parties: string[]): Promise<PayloadRecipient[]> {
    const found = await Promise.all(
      parties.map((party) =>
        this.deps.recipientKeys([party]).catch((error: unknown) => {
          if (isCertLedgerError(error, "KEY_NOT_FOUND")) return [];
          throw error;
        }),
      ),
    );
    return found.flat();
  }
}

/** REGISTRATION_NOT_ACTIVE / REGISTRATION_NOT_VALID when the registration may not declare at `now`. */
function checkStanding(registration: RegistrationRecord, now: bigint): void {
  if (registration.status !== "Active") {
    const since = new Date(Number(registration.statusChangedAt) * 1000).toISOString();
    throw new CertLedgerError(
      "REGISTRATION_NOT_ACTIVE",
      `registration ${registration.number} is ${registration.status.toLowerCase()} (since ${since}): it cannot declare origin`,
    );
  }
  if (now < registration.validFrom || now > registration.validUntil) {
    const period = `${new Date(Number(registration.validFrom) * 1000).toISOString()} to ${new Date(Number(registration.validUntil) * 1000).toISOString()}`;
    throw new CertLedgerError(
      "REGISTRATION_NOT_VALID",
      `registration ${registration.number} is valid only from ${period}: it cannot declare origin now`,
    );
  }
}

/** Which way the goods go: an exporter's leave its party, an importer's enter it; the other side is the counterpart. */
function sidesOf(registration: RegistrationRecord, request: DeclarationRequest) {
  const own = registration.party;
  const exporter = registration.kind === "exporter";
  const [ownField, otherField] = exporter
    ? (["exportingCountry", "importingCountry"] as const)
    : (["importingCountry", "exportingCountry"] as const);
  const claimed = request[ownField];
  if (claimed !== undefined && claimed !== own) {
    const [code, way] = exporter
      ? (["EXPORTER_NOT_OWN_PARTY", "exports from"] as const)
      : (["IMPORTER_NOT_OWN_PARTY", "imports into"] as const);
    throw new CertLedgerError(
      code,
      `an ${registration.kind} registered in ${own} declares only for ${way} ${own}, not ${way.split(" ")[1]} ${claimed}`,
      {
        details: { field: ownField },
      },
    );
  }
  const other = request[otherField];
  if (other === undefined || other === own) {
    const way = exporter ? "exported to" : "imported from";
    throw new CertLedgerError("INVALID_COUNTERPART", `${otherField}: name the party the goods are ${way} (not ${own})`, {
      details: { field: otherField },
    });
  }
  return exporter
    ? { exportingCountry: own, importingCountry: other, counterpart: other }
    : { exportingCountry: other, importingCountry: own, counterpart: other };
}

function statementOf(registration: RegistrationRecord, agreement: AgreementRecord, origin: string): string {
  const who = registration.kind === "exporter" ? "The exporter" : "The importer";
  return (
    `${who} of the products covered by this document (registration No ${registration.number}) declares that, except where ` +
    `otherwise clearly indicated, these products are of ${origin} preferential origin under ${agreement.name} (${agreement.code}).`
  );
}
