/**
 * Origin declarations on the command line, through an API server: an origin authority registers exporters and
 * importers and suspends them; a registered trader declares origin with its own token; a party admin proposes and
 * approves agreements and states what it recognises under them; anyone looks a registration number up.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { jwkThumbprint, p256PublicJwk, type JWK } from "../../src/crypto/keys";
import { buildCredential } from "../../src/documents/credentials";
import { signCredential } from "../../src/documents/vc-jose";
import { PROOF_KIND_NAMES, TRADER_KINDS } from "../../src/origin/vocabulary";
import { apiClient, API_OPTIONS } from "./api";
import { defineCommand, positionals } from "./command";
import { UsageError } from "./errors";
import { EXIT } from "./exit-codes";

interface RegistrationView {
  registrationNumber: string;
  kind: "exporter" | "importer";
  party: string;
  status: string;
  validFrom: string;
  validUntil: string;
  consent: boolean;
  name?: string;
  address?: string;
  headings?: string[];
}

interface AgreementView {
  code: string;
  name: string;
  parties: string[];
  status: string;
  approvedBy: string[];
}

const API_HELP = ["  --api URL          the API server (or CERTLEDGER_API)", "  --json             print the answer as JSON"];
const TOKEN_HELP = "  --token T          the caller's token (or CERTLEDGER_TOKEN)";

function registrationText(r: RegistrationView): string {
  const lines = [
    `${r.registrationNumber}: registered ${r.kind} of ${r.party}, ${r.status}, valid ${r.validFrom.slice(0, 10)} to ${r.validUntil.slice(0, 10)}`,
  ];
  if (r.consent) lines.push(`  ${r.name ?? ""}, ${r.address ?? ""}`, `  HS headings: ${(r.headings ?? []).join(", ")}`);
  else lines.push("  (the trader did not consent to its details being public)");
  return lines.join("\n");
}

function agreementText(a: AgreementView): string {
  const pending = a.parties.filter((p) => !a.approvedBy.includes(p));
  const state = a.status === "InForce" ? "in force" : a.status === "Withdrawn" ? "withdrawn" : `proposed, awaiting ${pending.join(", ")}`;
  return `${a.code} (${a.name}): ${a.parties.join(", ")} — ${state}`;
}

export const registrationCommand = defineCommand({
  name: "registration",
  usage: "<NUMBER> --api URL",
  help: [
    "Looks a registered exporter's or importer's number up (e.g. KG-REX-000123): its party, status and validity, and,",
    "when the trader consented, its name, address and HS headings. No token needed.",
    "",
    "options:",
    ...API_HELP,
  ].join("\n"),
  options: { ...API_OPTIONS },
  async run({ values, positionals: args }, out) {
    const [number] = positionals(args, ["the registration number"]);
    const result = await apiClient(values, false).request<RegistrationView>("GET", `/v1/registrations/${encodeURIComponent(number)}`);
    out.result(result, registrationText(result));
    return EXIT.OK;
  },
});

export const registerTraderCommand = defineCommand({
  name: "register-trader",
  usage:
    "--kind exporter|importer --number N --name NAME --address ADDRESS --headings 0813,0806 --valid-until DATE [--consent] --api URL --token T",
  help: [
    "Registers an exporter (or importer) of the origin authority's party, with the authority's issuer token. The authority",
    "must hold exporterDeclaration (importerDeclaration) in its scope. Prints the registration and the trader's token.",
    "",
    "options:",
    `  --kind K           ${TRADER_KINDS.join(" or ")}`,
    "  --number N         its registration number, e.g. KG-REX-000123",
    "  --name NAME        the trader's name",
    "  --address ADDRESS  the trader's address",
    "  --headings LIST    the HS headings it may declare for, comma-separated (e.g. 0813,0806)",
    "  --valid-until D    end of the registration's validity (e.g. 2029-12-31)",
    "  --consent          the trader consents to its name, address and headings being public",
    "  --public-key FILE  the public JWK of a key the trader holds itself (then it signs its declarations: declare --key);",
    "                     without it, the server makes the trader's key and keeps it",
    ...API_HELP,
    TOKEN_HELP,
  ].join("\n"),
  options: {
    ...API_OPTIONS,
    kind: { type: "string" },
    number: { type: "string" },
    name: { type: "string" },
    address: { type: "string" },
    headings: { type: "string" },
    "valid-until": { type: "string" },
    consent: { type: "boolean" },
    "public-key": { type: "string" },
  },
  async run({ values, positionals: args }, out) {
    positionals(args, []);
    for (const option of ["kind", "number", "name", "address", "headings", "valid-until"] as const) {
      if (values[option] === undefined) throw new UsageError(`--${option} is required`);
    }
    const json = {
      kind: values.kind,
      number: values.number,
      name: values.name,
      address: values.address,
      headings: values.headings!.split(",").map((h) => h.trim()),
      validUntil: dateTime(values["valid-until"]!, "--valid-until"),
      consent: values.consent === true,
      ...(values["public-key"] !== undefined && { publicJwk: await jsonFile(values["public-key"]) }),
    };
    const result = await apiClient(values, true).request<{ registration: RegistrationView; token: string; registrationId: number }>(
      "POST",
      "/v1/registrations",
      { json },
    );
    out.result(result, `${registrationText(result.registration)}\n  the trader's token (hand it over):\n${result.token}`);
    return EXIT.OK;
  },
});

export const registrationStatusCommand = defineCommand({
  name: "registration-status",
  usage: "<NUMBER> --status active|suspended|revoked --api URL --token T",
  help: [
    "Suspends, reinstates or revokes a registration, with its origin authority's issuer token or its party admin's token.",
    "Declarations made while it was valid stay valid; it declares nothing more until reinstated.",
    "",
    "options:",
    "  --status S         active, suspended or revoked (final)",
    ...API_HELP,
    TOKEN_HELP,
  ].join("\n"),
  options: { ...API_OPTIONS, status: { type: "string" } },
  async run({ values, positionals: args }, out) {
    const [number] = positionals(args, ["the registration number"]);
    const status = { active: "Active", suspended: "Suspended", revoked: "Revoked" }[values.status ?? ""];
    if (!status) throw new UsageError("--status must be active, suspended or revoked");
    const result = await apiClient(values, true).request<RegistrationView>(
      "PUT",
      `/v1/registrations/${encodeURIComponent(number)}/status`,
      {
        json: { status },
      },
    );
    out.result(result, registrationText(result));
    return EXIT.OK;
  },
});

export const declareCommand = defineCommand({
  name: "declare",
  usage: "<declaration.json> [--agreement CODE] [--file INVOICE.pdf | --key KEY.json --registration N] --api URL --token T",
  help: [
    "A registered exporter or importer declares the origin of goods, with its own token (role declarant). The JSON file",
    "holds the declaration: tradeAgreement, importingCountry (an exporter's) or exportingCountry (an importer's),",
    "invoice { number, date }, goods [{ itemNumber, description, hsCode, originCriterion, quantity { value, unit } }],",
    "and optionally number, statement, consignee, validUntil (see docs/exporter.md). Prints the certHash and the link.",
    "",
    "options:",
    "  --agreement CODE   the agreement claimed, overriding the file's tradeAgreement",
    "  --file PDF         the invoice carrying the statement on origin: anchored (stamped with its QR code) instead of",
    "                     a credential; the JSON still gives the agreement, the sides and the goods lines",
    "  --key FILE         a trader that holds its own key (its public half given at registration): the declaration",
    "                     is built and signed here with this private JWK and sent signed; the server never sees the key",
    "  --registration N   with --key: the trader's registration number",
    ...API_HELP,
    TOKEN_HELP,
  ].join("\n"),
  options: {
    ...API_OPTIONS,
    agreement: { type: "string" },
    file: { type: "string" },
    key: { type: "string" },
    registration: { type: "string" },
  },
  async run({ values, positionals: args }, out) {
    const [file] = positionals(args, ["the declaration's JSON file"]);
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    } catch {
      throw new UsageError(`${file} cannot be read as JSON`);
    }
    if (values.agreement !== undefined) json.tradeAgreement = values.agreement;
    if (values.key !== undefined) {
      if (values.registration === undefined || values.file !== undefined)
        throw new UsageError("--key goes with --registration, and not with --file");
      const jws = await signedLocally(values, json, values.key, values.registration);
      const result = await apiClient(values, true).request<{
        certHash: string;
        registrationNumber: string;
        agreement: string;
        links: { verify: string };
      }>("POST", "/v1/declarations/signed", { json: { jws } });
      out.result(
        result,
        `declared (signed here) by ${result.registrationNumber} under ${result.agreement}: ${result.certHash}\n${result.links.verify}`,
      );
      return EXIT.OK;
    }
    let form: FormData | undefined;
    if (values.file !== undefined) {
      const invoice = values.file;
      const bytes = await readFile(invoice).catch(() => {
        throw new UsageError(`cannot read ${invoice}`);
      });
      form = new FormData();
      form.append("declaration", JSON.stringify(json));
      form.append("file", new Blob([bytes], { type: "application/pdf" }), path.basename(invoice));
    }
    const result = await apiClient(values, true).request<{
      certHash: string;
      registrationNumber: string;
      agreement: string;
      links: { verify: string };
    }>("POST", "/v1/declarations", form ? { form } : { json });
    out.result(result, `declared by ${result.registrationNumber} under ${result.agreement}: ${result.certHash}\n${result.links.verify}`);
    return EXIT.OK;
  },
});

export const agreementCommand = defineCommand({
  name: "agreement",
  usage: "propose --code C --name NAME --parties KG,KZ | approve <CODE> | withdraw <CODE> | list   --api URL [--token T]",
  help: [
    "Trade agreements: a party admin proposes one its party is in (in force once every party approved it), or approves",
    "one its party is named in, or withdraws one still proposed (its code is free again); anyone lists them.",
    "",
    "options:",
    "  --code C           the agreement's code (e.g. KG-KZ, CISFTA)",
    "  --name NAME        its name",
    "  --parties LIST     its parties, comma-separated",
    ...API_HELP,
    TOKEN_HELP,
  ].join("\n"),
  options: { ...API_OPTIONS, code: { type: "string" }, name: { type: "string" }, parties: { type: "string" } },
  async run({ values, positionals: args }, out) {
    const [action, code] = args;
    if (action === "list") {
      const { agreements } = await apiClient(values, false).request<{ agreements: AgreementView[] }>("GET", "/v1/agreements");
      out.result({ agreements }, agreements.length === 0 ? "no agreements" : agreements.map(agreementText).join("\n"));
      return EXIT.OK;
    }
    if (action === "approve" && code !== undefined && args.length === 2) {
      const result = await apiClient(values, true).request<AgreementView>("POST", `/v1/agreements/${encodeURIComponent(code)}/approvals`);
      out.result(result, agreementText(result));
      return EXIT.OK;
    }
    if (action === "withdraw" && code !== undefined && args.length === 2) {
      const result = await apiClient(values, true).request<AgreementView>("POST", `/v1/agreements/${encodeURIComponent(code)}/withdrawal`);
      out.result(result, agreementText(result));
      return EXIT.OK;
    }
    if (action === "propose" && args.length === 1) {
      if (!values.code || !values.name || !values.parties) throw new UsageError("propose needs --code, --name and --parties");
      const json = { code: values.code, name: values.name, parties: values.parties.split(",").map((p) => p.trim()) };
      const result = await apiClient(values, true).request<AgreementView>("POST", "/v1/agreements", { json });
      out.result(result, agreementText(result));
      return EXIT.OK;
    }
    throw new UsageError(
      "agreement propose --code C --name NAME --parties A,B | agreement approve CODE | agreement withdraw CODE | agreement list",
    );
  },
});

export const recogniseAgreementCommand = defineCommand({
  name: "recognise-under",
  usage: "--issuer P --agreement CODE --proofs exporterDeclaration,certificate [--valid-until DATE] --api URL --token T",
  help: [
    "States, with a party admin's token, which proofs of origin its party accepts from party P under an agreement both",
    "are parties to. An empty --proofs '' withdraws.",
    "",
    "options:",
    "  --issuer P         the party whose proofs are accepted",
    "  --agreement CODE   the agreement",
    `  --proofs LIST      comma-separated: ${PROOF_KIND_NAMES.join(", ")}`,
    "  --valid-until D    until when (default: ten years)",
    ...API_HELP,
    TOKEN_HELP,
  ].join("\n"),
  options: {
    ...API_OPTIONS,
    issuer: { type: "string" },
    agreement: { type: "string" },
    proofs: { type: "string" },
    "valid-until": { type: "string" },
  },
  async run({ values, positionals: args }, out) {
    positionals(args, []);
    if (!values.issuer || !values.agreement || values.proofs === undefined)
      throw new UsageError("--issuer, --agreement and --proofs are required");
    const json = {
      issuer: values.issuer,
      agreement: values.agreement,
      proofs: values.proofs
        .split(",")
        .map((p) => p.trim())
        .filter(Boolean),
      ...(values["valid-until"] !== undefined && { validUntil: dateTime(values["valid-until"], "--valid-until") }),
    };
    const result = await apiClient(values, true).request<{ importer: string; issuer: string; agreement: string; proofs: string[] }>(
      "PUT",
      "/v1/recognition/agreements",
      { json },
    );
    const what = result.proofs.length === 0 ? "nothing" : result.proofs.join(", ");
    out.result(result, `${result.importer} recognises from ${result.issuer} under ${result.agreement}: ${what}`);
    return EXIT.OK;
  },
});

/**
 * The declaration in `json` as the trader's credential, signed with its private JWK in `keyFile`: the registration's
 * party, kind and authority are read from the API's public lookup (they make the issuer DID), its name from the file's
 * `name` or the published details.
 */
async function signedLocally(values: { api?: string }, json: Record<string, unknown>, keyFile: string, number: string): Promise<string> {
  const privateJwk = await jsonFile(keyFile);
  const registration = await apiClient(values, false).request<RegistrationView & { authorityId: number }>(
    "GET",
    `/v1/registrations/${encodeURIComponent(number)}`,
  );
  const name = typeof json.name === "string" ? json.name : (registration.name ?? registration.registrationNumber);
  const own = registration.party;
  const exporter = registration.kind === "exporter";
  const exportingCountry = (json.exportingCountry as string | undefined) ?? (exporter ? own : undefined);
  const importingCountry = (json.importingCountry as string | undefined) ?? (exporter ? undefined : own);
  const now = Date.now();
  const vc = buildCredential({
    certificateType: exporter ? "exporterDeclaration" : "importerDeclaration",
    issuer: { party: own, authorityId: registration.authorityId, registration: registration.registrationNumber, name },
    certificateNumber:
      (json.number as string | undefined) ??
      `${registration.registrationNumber}/${(json.invoice as { number?: string } | undefined)?.number ?? now}`,
    validFrom: new Date(now).toISOString(),
    validUntil: (json.validUntil as string | undefined) ?? new Date(now + 365 * 86_400_000).toISOString(),
    subject: {
      declarant: { kind: registration.kind, registrationNumber: registration.registrationNumber, name },
      tradeAgreement: json.tradeAgreement as string,
      exportingCountry: exportingCountry as string,
      importingCountry: importingCountry as string,
      countryOfOrigin: (json.countryOfOrigin as string | undefined) ?? (exportingCountry as string),
      invoice: json.invoice as { number: string; date: string },
      statement:
        (json.statement as string | undefined) ??
        `The ${registration.kind} of the products covered by this document (registration No ${registration.registrationNumber}) declares that these products are of ${exportingCountry} preferential origin under ${String(json.tradeAgreement)}.`,
      ...(json.consignee !== undefined && { consignee: json.consignee as never }),
      goods: json.goods as never,
    },
  });
  const { d: _private, ...publicPart } = privateJwk;
  const publicJwk = p256PublicJwk(publicPart, "key");
  return signCredential(vc, { privateJwk: privateJwk as JWK, publicJwk, kid: jwkThumbprint(publicJwk) });
}

/** The JSON object in `file` (a JWK); a usage error naming the file when it is not one. */
async function jsonFile(file: string): Promise<Record<string, unknown>> {
  try {
    const value = JSON.parse(await readFile(file, "utf8")) as unknown;
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // said below
  }
  throw new UsageError(`${file} cannot be read as a JSON object (a JWK)`);
}

/** A date (2029-12-31) or date-time as the API takes it. */
function dateTime(value: string, option: string): string {
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  if (Number.isNaN(Date.parse(text))) throw new UsageError(`${option} ${value} is not a date such as 2029-12-31`);
  return new Date(Date.parse(text)).toISOString();
}
