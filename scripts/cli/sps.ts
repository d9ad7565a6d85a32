import { readFile, writeFile } from "node:fs/promises";
import { credentialToSpsXml, phytosanitaryCredentialOf } from "../../src/documents/sps";
import { verifyCredentialJws } from "../../src/documents/vc-jose";
import { apiClient, API_OPTIONS } from "./api";
import { defineCommand } from "./command";
import { UsageError } from "./errors";
import { EXIT } from "./exit-codes";

/** POST /v1/sps/import's answer (the fields the command prints). */
interface Accepted {
  certHash: string;
  anchoring: string;
  links: { verify: string };
}

/** `certledger sps export|import`: UN/CEFACT SPS certificate XML (ePhyto) for phytosanitary certificates. */
export const spsCommand = defineCommand({
  name: "sps",
  usage: "export <file.jwt> [--out FILE.xml] | import <file.xml> --api URL --token T [--valid-until TIME] [--recipients KZ,UZ]",
  help: [
    "UN/CEFACT SPS certificate XML (SPSCertificate:17, RAM/UDT 21: the IPPC ePhyto Hub's version); see docs/sps-xml.md.",
    "",
    "  sps export <file.jwt> [--out FILE.xml]   a signed phytosanitary credential (compact JWS) written as SPS XML, here,",
    "                                           with no server: the signature is checked with the key in its header",
    "  sps import <file.xml> --api URL --token T  an ePhyto XML anchored as the issuing authority's phytosanitary",
    "                                           credential (POST /v1/sps/import); an element the credential cannot hold is",
    "                                           refused, named",
    "",
    "options:",
    "  --out FILE          export: write the XML there (default: stdout)",
    "  --api URL           import: the API server (or CERTLEDGER_API)",
    "  --token T           import: an issuer token (or CERTLEDGER_TOKEN)",
    "  --valid-until TIME  import: the credential's end of validity, ISO 8601 (default 90 days after issue)",
    "  --recipients LIST   import: parties that may open the payload, comma-separated",
    "  --json              print the result as JSON",
  ].join("\n"),
  options: { ...API_OPTIONS, out: { type: "string" }, "valid-until": { type: "string" }, recipients: { type: "string" } },
  async run({ values, positionals: args }, out) {
    const [action, file, ...rest] = args;
    if (action !== "export" && action !== "import") throw new UsageError("give export or import");
    if (!file) throw new UsageError(`sps ${action} needs a file`);
    if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
    const bytes = await readFile(file).catch(() => {
      throw new UsageError(`cannot read ${file}`);
    });
    if (action === "export") {
      const { credential } = await verifyCredentialJws(bytes.toString("utf8").trim());
      const xml = credentialToSpsXml(phytosanitaryCredentialOf(credential));
      if (values.out === undefined) {
        process.stdout.write(xml);
        return EXIT.OK;
      }
      await writeFile(values.out, xml);
      out.result({ file: values.out, certificateNumber: credential.credentialSubject.certificateNumber }, `wrote ${values.out}`);
      return EXIT.OK;
    }
    const validUntil = values["valid-until"];
    if (validUntil !== undefined && Number.isNaN(Date.parse(validUntil)))
      throw new UsageError(`--valid-until ${validUntil} is not an ISO date-time`);
    const query = new URLSearchParams();
    if (validUntil !== undefined) query.set("validUntil", new Date(validUntil).toISOString());
    if (values.recipients !== undefined) query.set("recipients", values.recipients);
    const api = apiClient(values, true);
    const accepted = await api.request<Accepted>("POST", `/v1/sps/import${query.size > 0 ? `?${query}` : ""}`, {
      raw: { bytes, contentType: "application/xml" },
    });
    out.result(accepted, [`accepted: ${accepted.certHash} (${accepted.anchoring})`, `verify: ${accepted.links.verify}`]);
    return EXIT.OK;
  },
});
