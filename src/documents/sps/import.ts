/**
 * Reads a UN/CEFACT SPS Certificate (SPSCertificate:17, RAM/UDT 21: the IPPC ePhyto Hub's version) as the input of a
 * phytosanitary certificate credential. Strict: a member the credential needs and the XML lacks, a value it cannot
 * take, and any element it cannot hold are refused with INVALID_SPS_XML naming the element (`details.element`), since
 * an issuer anchoring the result must not lose part of its certificate unawares. docs/sps-xml.md has the mapping.
 */
import type { z } from "zod";
import type { CredentialIssuerRef } from "../credentials/common";
import type { CredentialInputOf } from "../credentials";
import { phytosanitaryCertificateSubjectSchema, type PhytosanitaryCertificateSubjectInput } from "../credentials/phytosanitary-certificate";
import { NOTE, TREATMENT, TREATMENT_TYPE_CODE, VOLUME_UNITS, WEIGHT_UNITS, modeOfCode, packageKindOf } from "./codes";
import { ElementCursor, spsError } from "./element-cursor";
import { ISSUED_STATUS_CODE, PHYTOSANITARY_TYPE_CODE, RSM_NS, UDT_NS } from "./schema-version";
import { readXml } from "./xml-reader";

/** The largest SPS XML document imported (an ePhyto without attachments is a few tens of KiB). */
export const MAX_SPS_XML_BYTES = 1024 * 1024;

/** How long an imported certificate stays valid when the caller does not say: the XML has no end of validity. */
export const DEFAULT_VALIDITY_DAYS = 90;

/** What the XML does not say and the credential needs: who issues it, and until when it is valid. */
export interface SpsImportOptions {
  /** The issuing authority (its party must be the certificate's exporting country). */
  issuer: CredentialIssuerRef & { name: string };
  /** End of validity; DEFAULT_VALIDITY_DAYS after the issue date when absent. */
  validUntil?: Date | string;
  /** `urn:uuid:…`; a random one when absent. */
  id?: string;
  maxBytes?: number;
}

type Subject = PhytosanitaryCertificateSubjectInput;
type Commodity = Subject["commodities"][number];

/** The buildCredential input of an SPSCertificate document; INVALID_SPS_XML naming the element it cannot take. */
export function spsXmlToCredentialInput(
  xml: string | Uint8Array,
  options: SpsImportOptions,
): CredentialInputOf<"phytosanitaryCertificate"> {
  const root = readXml(xml, options.maxBytes ?? MAX_SPS_XML_BYTES);
  if (root.localName !== "SPSCertificate" || root.namespace !== RSM_NS) {
    throw spsError(`the root element is {${root.namespace ?? ""}}${root.localName}; expected SPSCertificate of ${RSM_NS}`, root.localName);
  }
  const trace = new Trace();
  const certificate = new ElementCursor(root, "");
  const document = certificate.required("SPSExchangedDocument", RSM_NS);
  const consignment = certificate.required("SPSConsignment", RSM_NS);
  certificate.finish();

  const header = readExchangedDocument(document, trace);
  const subject = readConsignment(consignment, header, trace);
  if (subject.exportingNppo.countryCode !== options.issuer.party) {
    throw spsError(
      `${trace.where("exportingNppo.countryCode")} is ${subject.exportingNppo.countryCode}, but the issuing authority is of ${options.issuer.party}: an NPPO certifies its own country's exports`,
      trace.where("exportingNppo.countryCode"),
    );
  }
  checkSubject(subject, header.certificateNumber, trace);
  const validFrom = header.issued;
  const validUntil = options.validUntil ?? new Date(Date.parse(validFrom) + DEFAULT_VALIDITY_DAYS * 86_400_000);
  return {
    certificateType: "phytosanitaryCertificate",
    issuer: options.issuer,
    certificateNumber: header.certificateNumber,
    validFrom,
    validUntil,
    ...(options.id === undefined ? {} : { id: options.id }),
    ...(header.name === undefined ? {} : { name: header.name }),
    ...(header.description === undefined ? {} : { description: header.description }),
    subject,
  };
}

/** What SPSExchangedDocument says. */
interface Header {
  name?: string;
  description?: string;
  certificateNumber: string;
  issued: string;
  issuerName: { value: string; path: string };
  recipientName?: string;
  notes: Map<string, string>;
  placeOfIssue?: string;
  authorizedOfficer?: string;
}

function readExchangedDocument(doc: ElementCursor, trace: Trace): Header {
  const name = doc.text("Name");
  const number = doc.requiredText("ID");
  trace.set("certificateNumber", number.path);
  const description = doc.text("Description");
  const type = doc.requiredText("TypeCode");
  if (type.value !== PHYTOSANITARY_TYPE_CODE) {
    throw spsError(`${type.path} is ${type.value}; only ${PHYTOSANITARY_TYPE_CODE} (phytosanitary certificate) is held`, type.path);
  }
  const status = doc.one("StatusCode");
  const statusValue = status?.ownText();
  if (status && statusValue !== undefined && statusValue !== ISSUED_STATUS_CODE) {
    throw spsError(`${status.path} is ${statusValue}; only an issued certificate (${ISSUED_STATUS_CODE}) can be anchored`, status.path);
  }
  const issued = dateTimeOf(doc.required("IssueDateTime"));
  const issuer = doc.required("IssuerSPSParty");
  const issuerName = issuer.requiredText("Name");
  issuer.finish();
  trace.set("exportingNppo.name", issuerName.path);
  const recipient = doc.one("RecipientSPSParty");
  const recipientName = recipient?.text("Name");
  recipient?.finish();
  if (recipient) trace.set("importingNppo.name", `${recipient.path}/Name`);

  const notes = new Map<string, string>();
  const known = new Map<string, string>([
    [NOTE.additionalDeclaration, "additionalDeclaration"],
    [NOTE.inspectionDate, "inspectionDate"],
    [NOTE.distinguishingMarks, "distinguishingMarks"],
  ]);
  for (const note of doc.all("IncludedSPSNote")) {
    const subject = note.requiredText("Subject");
    const member = known.get(subject.value);
    if (member === undefined) {
      throw spsError(`${note.path} (Subject ${subject.value}) cannot be represented in a CertLedger phytosanitary credential`, note.path);
    }
    if (notes.has(member)) throw spsError(`${note.path}: a second ${subject.value} note; a phytosanitary credential holds one`, note.path);
    const content = note.requiredText("Content");
    note.finish();
    notes.set(member, content.value);
    trace.set(member, content.path);
  }

  let placeOfIssue: string | undefined;
  let authorizedOfficer: string | undefined;
  const signatory = doc.one("SignatorySPSAuthentication");
  if (signatory) {
    const signed = signatory.one("ActualDateTime");
    if (signed) {
      const at = dateTimeOf(signed);
      if (Date.parse(at) !== Date.parse(issued)) {
        throw spsError(
          `${signed.path} (${at}) differs from the issue date (${issued}); a phytosanitary credential holds one date`,
          signed.path,
        );
      }
    }
    const location = signatory.one("IssueSPSLocation");
    placeOfIssue = location?.text("Name");
    if (location) {
      trace.set("placeOfIssue", `${location.path}/Name`);
      location.finish();
    }
    const provider = signatory.one("ProviderSPSParty");
    if (provider) {
      const providerName = provider.one("Name");
      const nameText = providerName?.ownText();
      if (providerName && nameText !== undefined && nameText !== issuerName.value) {
        throw spsError(`${providerName.path} names another body than the issuer; a phytosanitary credential holds one`, providerName.path);
      }
      const person = provider.one("SpecifiedSPSPerson");
      authorizedOfficer = person?.text("Name");
      if (person) {
        trace.set("authorizedOfficer", `${person.path}/Name`);
        person.finish();
      }
      provider.finish();
    }
    // The certifying statement is the one ISPM 12 prescribes: implied by the credential's type, so read and not kept.
    for (const clause of signatory.all("IncludedSPSClause")) {
      clause.text("ID");
      clause.text("Content");
      clause.finish();
    }
    signatory.finish();
  }
  doc.finish();
  return {
    name,
    description,
    certificateNumber: number.value,
    issued,
    issuerName,
    recipientName,
    notes,
    placeOfIssue,
    authorizedOfficer,
  };
}

function readConsignment(c: ElementCursor, header: Header, trace: Trace): Subject {
  const exportCountry = countryOf(c.required("ExportSPSCountry"), trace, "exportingNppo.countryCode");
  const importCountry = countryOf(c.required("ImportSPSCountry"), trace, "importingNppo.countryCode");
  const consignor = partyOf(c.required("ConsignorSPSParty"), exportCountry, trace, "consignor");
  const consignee = partyOf(c.required("ConsigneeSPSParty"), importCountry, trace, "consignee");
  const unloading = c.one("UnloadingBaseportSPSLocation");
  let pointOfEntry: string | undefined;
  if (unloading) {
    const id = unloading.text("ID", ["schemeID"]);
    const name = unloading.text("Name");
    // A UN/LOCODE and a name both travel: the credential has one text for the point of entry.
    pointOfEntry = name !== undefined && id !== undefined ? `${name} (${id})` : (name ?? id);
    trace.set("pointOfEntry", unloading.path);
    unloading.finish();
  }
  const movement = c.required("MainCarriageSPSTransportMovement");
  const mode = movement.requiredText("ModeCode", ["name"]);
  const transportMode = modeOfCode(mode.value);
  if (transportMode === undefined) throw spsError(`${mode.path} ${mode.value} is not a UN/ECE Rec 19 mode of transport 1..8`, mode.path);
  let identifier = movement.text("ID");
  const means = movement.one("UsedSPSTransportMeans");
  if (means) {
    const meansName = means.text("Name");
    if (identifier !== undefined && meansName !== undefined) {
      throw spsError(`${means.path}: both an ID and a transport means name; a phytosanitary credential holds one identifier`, means.path);
    }
    identifier = identifier ?? meansName;
    means.finish();
  }
  trace.set("declaredMeansOfConveyance.identifier", movement.path);
  movement.finish();

  const lines = c.all("IncludedSPSConsignmentItem").flatMap((item) => {
    const found = item.all("IncludedSPSTradeLineItem");
    item.finish();
    return found;
  });
  if (lines.length === 0)
    throw spsError(
      "SPSConsignment/IncludedSPSConsignmentItem/IncludedSPSTradeLineItem is required",
      "SPSConsignment/IncludedSPSConsignmentItem",
    );
  const treatments: { text: string; path: string; treatment: Subject["treatment"] }[] = [];
  const commodities = lines.map((line, index) => {
    const { commodity, treatment } = tradeLineOf(line, index, trace);
    treatments.push({ ...treatment, text: JSON.stringify(treatment.treatment ?? null) });
    return commodity;
  });
  // The credential holds one treatment for the consignment: every line must have had the same one, or none.
  const first = treatments[0];
  const different = treatments.find((t) => t.text !== first.text);
  if (different) {
    throw spsError(
      `${different.path} differs from the first line item's treatment; a phytosanitary credential holds one treatment for the consignment`,
      different.path,
    );
  }
  c.finish();
  const notes = header.notes;
  const inspectionDate = notes.get("inspectionDate");
  if (inspectionDate === undefined) {
    throw spsError(
      `SPSExchangedDocument/IncludedSPSNote with Subject ${NOTE.inspectionDate} (the date of inspection) is required`,
      "SPSExchangedDocument/IncludedSPSNote",
    );
  }
  return {
    exportingNppo: { countryCode: exportCountry, name: header.issuerName.value },
    importingNppo: { countryCode: importCountry, ...(header.recipientName === undefined ? {} : { name: header.recipientName }) },
    consignor,
    consignee,
    declaredMeansOfConveyance: { mode: transportMode, ...(identifier === undefined ? {} : { identifier }) },
    ...(pointOfEntry === undefined ? {} : { pointOfEntry }),
    ...optional("distinguishingMarks", notes.get("distinguishingMarks")),
    commodities,
    ...optional("additionalDeclaration", notes.get("additionalDeclaration")),
    ...(first.treatment === undefined ? {} : { treatment: first.treatment }),
    inspectionDate,
    ...optional("placeOfIssue", header.placeOfIssue),
    ...optional("authorizedOfficer", header.authorizedOfficer),
  };
}

function tradeLineOf(
  line: ElementCursor,
  index: number,
  trace: Trace,
): { commodity: Commodity; treatment: { path: string; treatment: Subject["treatment"] } } {
  const at = `commodities.${index}`;
  const sequence = line.one("SequenceNumeric");
  const sequenceText = sequence?.ownText();
  if (sequence && sequenceText !== undefined && !/^[0-9]+$/.test(sequenceText)) {
    throw spsError(`${sequence.path} must be a whole number`, sequence.path);
  }
  const description = line.requiredText("Description");
  trace.set(`${at}.description`, description.path);
  const commonName = line.text("CommonName");
  trace.set(`${at}.commonName`, `${line.path}/CommonName`);
  const botanical = line.requiredText("ScientificName");
  trace.set(`${at}.botanicalName`, botanical.path);
  const intendedUse = line.text("IntendedUse");
  trace.set(`${at}.intendedUse`, `${line.path}/IntendedUse`);

  const notes = new Map<string, ElementCursor>();
  for (const note of line.all("AdditionalInformationSPSNote")) {
    const subject = note.requiredText("Subject").value;
    if (subject !== NOTE.otherQuantityValue && subject !== NOTE.otherQuantityUnit) {
      throw spsError(`${note.path} (Subject ${subject}) cannot be represented in a CertLedger phytosanitary credential`, note.path);
    }
    if (notes.has(subject))
      throw spsError(`${note.path}: a second ${subject} note; a phytosanitary credential holds one quantity`, note.path);
    notes.set(subject, note);
  }
  const quantity = quantityOf(line, notes, at, trace);

  let hsCode: string | undefined;
  for (const classification of line.all("ApplicableSPSClassification")) {
    const system = classification.requiredText("SystemName");
    if (system.value !== "HS") {
      throw spsError(
        `${classification.path} (SystemName ${system.value}) cannot be represented in a CertLedger phytosanitary credential; only the HS code is held`,
        classification.path,
      );
    }
    if (hsCode !== undefined)
      throw spsError(`${classification.path}: a second HS code; a phytosanitary credential holds one`, classification.path);
    const code = classification.requiredText("ClassCode");
    classification.finish();
    hsCode = code.value;
    trace.set(`${at}.hsCode`, code.path);
  }

  const pkg = line.one("PhysicalSPSPackage");
  let packages: Commodity["packages"];
  if (pkg) {
    const level = pkg.one("LevelCode");
    const levelText = level?.ownText();
    if (level && levelText !== undefined && levelText !== "1") {
      throw spsError(`${level.path} is ${levelText}; a phytosanitary credential holds the outer packages (level 1) only`, level.path);
    }
    const type = pkg.required("TypeCode");
    const code = type.ownText(["name"]);
    const kindName = type.attribute("name")?.trim();
    const count = pkg.requiredText("ItemQuantity");
    pkg.finish();
    if (!/^[0-9]+(\.0*)?$/.test(count.value) || Number(count.value) < 1) {
      throw spsError(`${count.path} ${count.value} is not a whole number of packages ≥ 1`, count.path);
    }
    packages = { count: Number(count.value), kind: kindName || packageKindOf(code ?? "") };
    trace.set(`${at}.packages.kind`, type.path);
    trace.set(`${at}.packages.count`, count.path);
  }

  const origin = line.required("OriginSPSCountry");
  const originCountry = origin.requiredText("ID");
  trace.set(`${at}.placeOfOrigin.countryCode`, originCountry.path);
  origin.text("Name");
  const subdivision = origin.one("SubordinateSPSCountrySubDivision");
  const region = subdivision?.text("Name");
  if (subdivision) {
    subdivision.text("HierarchicalLevelCode");
    trace.set(`${at}.placeOfOrigin.region`, `${subdivision.path}/Name`);
    subdivision.finish();
  }
  origin.finish();
  const process = line.one("AppliedSPSProcess");
  const treatment = process ? treatmentOf(process, trace) : undefined;
  line.finish();
  return {
    commodity: {
      description: description.value,
      botanicalName: botanical.value,
      ...optional("commonName", commonName),
      ...optional("hsCode", hsCode),
      quantity,
      ...(packages === undefined ? {} : { packages }),
      placeOfOrigin: { countryCode: originCountry.value, ...optional("region", region) },
      ...optional("intendedUse", intendedUse),
    },
    treatment: { path: process?.path ?? `${line.path}/AppliedSPSProcess`, treatment },
  };
}

/** The one quantity of a line: a net weight, a net volume, or the "other quantity" notes. */
function quantityOf(line: ElementCursor, notes: Map<string, ElementCursor>, at: string, trace: Trace): Commodity["quantity"] {
  const weight = line.one("NetWeightMeasure");
  const volume = line.one("NetVolumeMeasure");
  const value = notes.get(NOTE.otherQuantityValue);
  const unit = notes.get(NOTE.otherQuantityUnit);
  if (unit && !value)
    throw spsError(`${unit.path}: an ${NOTE.otherQuantityUnit} note needs its ${NOTE.otherQuantityValue} note (the value)`, unit.path);
  const given = [weight, volume, value].filter((q) => q !== undefined);
  if (given.length === 0)
    throw spsError(`${line.path}/NetWeightMeasure (or NetVolumeMeasure) is required`, `${line.path}/NetWeightMeasure`);
  if (given.length > 1)
    throw spsError(`${given[1]!.path}: a second quantity; a phytosanitary credential holds one per commodity`, given[1]!.path);
  if (weight || volume) {
    const measure = (weight ?? volume)!;
    const amount = measure.ownText(["unitCode"]);
    const unitCode = measure.attribute("unitCode");
    const units = weight ? WEIGHT_UNITS : VOLUME_UNITS;
    if (unitCode === undefined || !units.has(unitCode)) {
      throw spsError(
        `${measure.path}/@unitCode ${unitCode ?? "(absent)"} is not a UN/ECE Rec 20 unit of ${weight ? "mass" : "volume"} (e.g. ${[...units].slice(0, 3).join(", ")})`,
        measure.path,
      );
    }
    trace.set(`${at}.quantity`, measure.path);
    return { value: decimalOf(amount, measure.path), unit: unitCode };
  }
  if (!unit)
    throw spsError(`${value!.path}: an ${NOTE.otherQuantityValue} note needs its ${NOTE.otherQuantityUnit} note (the unit)`, value!.path);
  const amount = value!.requiredText("Content");
  const unitCode = unit.requiredText("Content");
  value!.finish();
  unit.finish();
  trace.set(`${at}.quantity.value`, amount.path);
  trace.set(`${at}.quantity.unit`, unitCode.path);
  return { value: decimalOf(amount.value, amount.path), unit: unitCode.value };
}

function treatmentOf(process: ElementCursor, trace: Trace): Subject["treatment"] {
  const typeCode = process.one("TypeCode");
  const typeText = typeCode?.ownText();
  if (typeCode && typeText !== undefined && typeText !== TREATMENT_TYPE_CODE) {
    throw spsError(
      `${typeCode.path} is ${typeText}; a phytosanitary credential holds a treatment described in words (${TREATMENT_TYPE_CODE})`,
      typeCode.path,
    );
  }
  const members = new Map<string, { value: string; path: string }>();
  const byCode = new Map<string, string>(Object.entries(TREATMENT).map(([member, code]) => [code, member]));
  for (const characteristic of process.all("ApplicableSPSProcessCharacteristic")) {
    const descriptions = characteristic.all("Description");
    const code = descriptions[0]?.ownText();
    const member = code === undefined ? undefined : byCode.get(code);
    if (member === undefined || descriptions.length !== 2) {
      throw spsError(
        `${characteristic.path}${code ? ` (${code})` : ""} cannot be represented in a CertLedger phytosanitary credential: it holds a code (${[...byCode.keys()].join(", ")}) and one text`,
        characteristic.path,
      );
    }
    if (members.has(member))
      throw spsError(`${characteristic.path}: a second ${code}; a phytosanitary credential holds one`, characteristic.path);
    const text = descriptions[1].ownText();
    if (text === undefined) throw spsError(`${descriptions[1].path} is required`, descriptions[1].path);
    characteristic.finish();
    members.set(member, { value: text, path: descriptions[1].path });
  }
  let date: string | undefined;
  const period = process.one("CompletionSPSPeriod");
  if (period) {
    const start = period.required("StartDateTime");
    date = dayOf(start);
    const end = period.one("EndDateTime");
    if (end && dayOf(end) !== date) {
      throw spsError(`${end.path} differs from StartDateTime; a phytosanitary credential holds the treatment's date`, end.path);
    }
    trace.set("treatment.date", start.path);
    period.finish();
  }
  process.finish();
  const type = members.get("type");
  if (!type)
    throw spsError(
      `${process.path}/ApplicableSPSProcessCharacteristic with Description ${TREATMENT.type} (the treatment) is required`,
      process.path,
    );
  for (const [member, { path }] of members) trace.set(`treatment.${member}`, path);
  const text = (member: string) => optional(member, members.get(member)?.value);
  return {
    type: type.value,
    ...text("chemical"),
    ...text("concentration"),
    ...text("durationAndTemperature"),
    ...optional("date", date),
    ...text("additionalInformation"),
  };
}

function countryOf(country: ElementCursor, trace: Trace, member: string): string {
  const id = country.requiredText("ID");
  country.text("Name");
  country.finish();
  trace.set(member, id.path);
  return id.value;
}

/** A trade party; its address lines, postcode and city joined into the credential's one address text. */
function partyOf(p: ElementCursor, fallbackCountry: string, trace: Trace, member: "consignor" | "consignee"): Subject["consignor"] {
  const id = p.one("ID");
  const registeredId = id?.ownText(["schemeName", "schemeURI"]);
  const schemeName = id?.attribute("schemeName");
  const schemeUri = id?.attribute("schemeURI");
  if (schemeUri !== undefined && schemeName === undefined) {
    throw spsError(`${id!.path}/@schemeURI needs @schemeName: a credential names an identifier scheme by its name`, id!.path);
  }
  const name = p.requiredText("Name");
  trace.set(`${member}.name`, name.path);
  if (id) {
    trace.set(`${member}.registeredId`, id.path);
    trace.set(`${member}.idScheme`, id.path);
  }
  const address = p.required("SpecifiedSPSAddress");
  const parts = ["LineOne", "LineTwo", "LineThree", "LineFour", "LineFive", "PostcodeCode", "CityName", "CountrySubDivisionName"]
    .map((line) => address.text(line))
    .filter((line): line is string => line !== undefined);
  if (parts.length === 0) throw spsError(`${address.path}/LineOne is required`, `${address.path}/LineOne`);
  trace.set(`${member}.address`, address.path);
  // A party with no country in its address is taken to be in the consignment's exporting (importing) country.
  const countryCode = address.text("CountryID") ?? fallbackCountry;
  trace.set(`${member}.countryCode`, `${address.path}/CountryID`);
  address.text("CountryName");
  address.finish();
  p.finish();
  return {
    name: name.value,
    ...(registeredId === undefined ? {} : { registeredId }),
    ...(schemeName === undefined ? {} : { idScheme: { ...(schemeUri === undefined ? {} : { id: schemeUri }), name: schemeName } }),
    address: parts.join(", "),
    countryCode,
  };
}

/** A `udt:DateTimeString` as a VC date-time: with its time zone, or a bare date as midnight UTC. */
function dateTimeOf(holder: ElementCursor): string {
  const string = holder.required("DateTimeString", UDT_NS);
  const value = string.ownText(["format"]);
  holder.finish();
  if (value === undefined) throw spsError(`${string.path} is required`, string.path);
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value}T00:00:00Z`;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw spsError(`${string.path} ${value} must be a date-time with a time zone (e.g. 2025-03-01T09:00:00+06:00) or a date`, string.path);
  }
  return value;
}

/** The calendar day of a `udt:DateTimeString` (a date, or the date part of a date-time). */
function dayOf(holder: ElementCursor): string {
  return dateTimeOf(holder).slice(0, 10);
}

function decimalOf(text: string | undefined, path: string): number {
  if (text === undefined || !/^\+?[0-9]+(\.[0-9]+)?$/.test(text))
    throw spsError(`${path} ${text ?? "(blank)"} is not a positive decimal number`, path);
  return Number(text);
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

/** Which element each subject member came from, so a value the credential's schema refuses is named by its element. */
class Trace {
  readonly #paths = new Map<string, string>();

  set(member: string, element: string): void {
    this.#paths.set(member, element);
  }

  /** The element of `member`, or of the nearest member above it that was traced. */
  where(member: string): string {
    const parts = member.split(".");
    while (parts.length > 0) {
      const found = this.#paths.get(parts.join("."));
      if (found !== undefined) return found;
      parts.pop();
    }
    return "SPSCertificate";
  }
}

/** Validates the subject with the credential's own schema, naming the element of the first value it refuses. */
function checkSubject(subject: Subject, certificateNumber: string, trace: Trace): void {
  const result = phytosanitaryCertificateSubjectSchema.safeParse(
    { type: ["PhytosanitaryCertificate"], certificateNumber, ...subject },
    { reportInput: true },
  );
  if (result.success) return;
  const issue: z.core.$ZodIssue = result.error.issues[0];
  const member = issue.path.map(String).join(".");
  const element = trace.where(member);
  const what = issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message;
  throw spsError(`${element}: ${what} (credentialSubject.${member})`, element);
}
