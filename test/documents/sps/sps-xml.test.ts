import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { buildCredential, type CredentialInputOf, type PhytosanitaryCertificateCredential } from "../../../src/documents/credentials";
import {
  credentialToSpsXml,
  phytosanitaryCredentialOf,
  RAM_NS,
  RSM_NS,
  spsDocumentFields,
  spsXmlToCredentialInput,
  type SpsImportOptions,
} from "../../../src/documents/sps";
import { expectError } from "../../crypto/expect-error";
import { EXAMPLE_INPUTS } from "../credential-examples";
import { KG_APPLES_TO_KZ, KZ_WHEAT_TO_UZ, SPS_EXAMPLES, UZ_COTTON_SEED_TO_CN } from "./sps-examples";

type PhytoInput = CredentialInputOf<"phytosanitaryCertificate">;

const HUB_STYLE = readFileSync(path.join(__dirname, "ephyto-hub-style.xml"), "utf8");
const UZ_ISSUER: SpsImportOptions["issuer"] = {
  party: "UZ",
  authorityId: 2,
  name: "Agency of Plant Protection and Quarantine of Uzbekistan",
};

function exported(input: PhytoInput): string {
  return credentialToSpsXml(buildCredential(input));
}

function importedAgain(input: PhytoInput, xml = exported(input)): PhytosanitaryCertificateCredential {
  return buildCredential(spsXmlToCredentialInput(xml, { issuer: input.issuer, validUntil: input.validUntil, id: input.id }));
}

/** The exported XML of `input` with `from` replaced by `to` (which must occur). */
function edited(input: PhytoInput, from: string | RegExp, to: string): string {
  const xml = exported(input);
  const changed = xml.replace(from, to);
  expect(changed, `the XML must contain ${from}`).to.not.equal(xml);
  return changed;
}

function importError(xml: string | Uint8Array, issuer = KG_APPLES_TO_KZ.issuer, message?: RegExp) {
  return expectError(() => spsXmlToCredentialInput(xml, { issuer }), "INVALID_SPS_XML", message);
}

describe("UN/CEFACT SPS certificate XML", () => {
  describe("round trips", () => {
    for (const [name, input] of Object.entries(SPS_EXAMPLES)) {
      it(`${name}: credential → XML → credential gives the same subject, number and issue time`, () => {
        const vc = buildCredential(input);
        const back = importedAgain(input);
        expect(back.credentialSubject).to.deep.equal(vc.credentialSubject);
        expect(back.validFrom).to.equal(vc.validFrom);
        expect(back.issuer).to.deep.equal(vc.issuer);
      });

      it(`${name}: XML → credential → XML gives the same document`, () => {
        const xml = exported(input);
        expect(credentialToSpsXml(importedAgain(input, xml))).to.equal(xml);
      });
    }

    it("an ePhyto Hub-style document (other prefixes, empty placeholders, address lines, a UN/LOCODE) reads as expected", () => {
      const input = spsXmlToCredentialInput(HUB_STYLE, { issuer: UZ_ISSUER, validUntil: "2025-06-01T00:00:00Z" });
      const vc = buildCredential(input);
      const s = vc.credentialSubject;
      expect(s.certificateNumber).to.equal("UZ-FS-2025/009001");
      expect(vc.name).to.equal("PHYTOSANITARY CERTIFICATE");
      expect(vc.validFrom).to.equal("2025-05-02T10:15:00+05:00");
      expect(s.exportingNppo).to.deep.equal({
        countryCode: "UZ",
        name: "Agency of Plant Protection and Quarantine under the Ministry of Agriculture",
      });
      expect(s.importingNppo).to.deep.equal({ countryCode: "KG" });
      expect(s.consignor).to.deep.equal({ name: "Samarkand Fruit Export LLC", address: "21 Registan St, Samarkand", countryCode: "UZ" });
      expect(s.consignee).to.deep.equal({ name: "Bishkek Fresh LLC", address: "5 Chui Ave, Bishkek", countryCode: "KG" });
      expect(s.pointOfEntry).to.equal("Dostuk (KGOSS)");
      expect(s.declaredMeansOfConveyance).to.deep.equal({ mode: "road", identifier: "Truck 30A123BC" });
      expect(s.additionalDeclaration).to.equal("The consignment is free from Ceratitis capitata & Bactrocera dorsalis.");
      expect(s.inspectionDate).to.equal("2025-04-30");
      expect(s.placeOfIssue).to.equal("Samarkand");
      expect(s.authorizedOfficer).to.equal("S. Yusupova");
      expect(s.commodities).to.deep.equal([
        {
          description: "Fresh apricots",
          botanicalName: "Prunus armeniaca",
          commonName: "apricot",
          hsCode: "080910",
          quantity: { value: 18000, unit: "KGM" },
          packages: { count: 1800, kind: "boxes" },
          placeOfOrigin: { countryCode: "UZ", region: "Samarkand region" },
        },
      ]);
      // Without validUntil, the import's default: 90 days after the issue date.
      const defaulted = spsXmlToCredentialInput(HUB_STYLE, { issuer: UZ_ISSUER });
      expect(new Date(defaulted.validUntil).toISOString()).to.equal("2025-07-31T05:15:00.000Z");
    });
  });

  describe("export", () => {
    it("writes the ePhyto Hub's namespaces, type 851, status 70 and the schema's elements", () => {
      const xml = exported(UZ_COTTON_SEED_TO_CN);
      expect(xml).to.match(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<rsm:SPSCertificate /);
      expect(xml).to.include(`xmlns:rsm="${RSM_NS}"`).and.include(`xmlns:ram="${RAM_NS}"`);
      expect(xml).to.include("<ram:TypeCode>851</ram:TypeCode>").and.include("<ram:StatusCode>70</ram:StatusCode>");
      expect(xml).to.include("<ram:ScientificName>Gossypium hirsutum L.</ram:ScientificName>");
      expect(xml).to.include('<ram:NetWeightMeasure unitCode="TNE">60</ram:NetWeightMeasure>');
      expect(xml).to.include('<ram:TypeCode name="bags">BG</ram:TypeCode>');
      expect(xml).to.include("<ram:ModeCode>2</ram:ModeCode>");
      expect(xml).to.match(
        /<ram:Description>TTCH<\/ram:Description>\s*<ram:Description>aluminium phosphide \(phosphine\)<\/ram:Description>/,
      );
      expect(xml).to.match(/<ram:Subject>ADEDL<\/ram:Subject>\s*<ram:Content>The seeds were produced/);
    });

    it("examples/phytosanitary-certificate.xml is the export of the KG apples certificate", () => {
      const example = readFileSync(path.join(__dirname, "../../../examples/phytosanitary-certificate.xml"), "utf8");
      expect(example).to.equal(exported(KG_APPLES_TO_KZ));
    });

    it("escapes markup in texts", () => {
      const xml = exported(KG_APPLES_TO_KZ);
      expect(xml).to.include("<ram:Content>IKO-2025-03 &amp; lot &lt;7&gt;</ram:Content>");
    });

    it("is deterministic: the same credential gives the same bytes", () => {
      const vc = buildCredential(KZ_WHEAT_TO_UZ);
      expect(credentialToSpsXml(vc)).to.equal(credentialToSpsXml(JSON.parse(JSON.stringify(vc))));
    });

    it("refuses a text XML 1.0 cannot carry", () => {
      const input = { ...KG_APPLES_TO_KZ, subject: { ...KG_APPLES_TO_KZ.subject, distinguishingMarks: "lot\u0007" } };
      expectError(() => exported(input), "INVALID_SPS_XML", /U\+0007/);
    });

    it("another certificate type has no SPS form: NOT_PHYTOSANITARY_CERTIFICATE naming it", () => {
      const vc = buildCredential(EXAMPLE_INPUTS.conformityCertificate);
      expectError(() => phytosanitaryCredentialOf(vc), "NOT_PHYTOSANITARY_CERTIFICATE", /conformityCertificate/);
    });
  });

  describe("import refuses, naming the element", () => {
    it("a missing scientific name on the second line item", () => {
      const xml = edited(KZ_WHEAT_TO_UZ, "<ram:ScientificName>Hordeum vulgare</ram:ScientificName>", "");
      const error = importError(
        xml,
        KZ_WHEAT_TO_UZ.issuer,
        /SPSConsignment\/IncludedSPSConsignmentItem\[1\]\/IncludedSPSTradeLineItem\[2\]\/ScientificName is required/,
      );
      expect(error.details).to.deep.equal({
        element: "SPSConsignment/IncludedSPSConsignmentItem[1]/IncludedSPSTradeLineItem[2]/ScientificName",
      });
    });

    it("an element the credential cannot hold (a transit country)", () => {
      const xml = edited(
        KG_APPLES_TO_KZ,
        "<ram:ExportSPSCountry>",
        "<ram:TransitSPSCountry><ram:ID>UZ</ram:ID></ram:TransitSPSCountry><ram:ExportSPSCountry>",
      );
      importError(xml, undefined, /SPSConsignment\/TransitSPSCountry cannot be represented/);
    });

    it("a note subject the credential does not hold (an import permit number)", () => {
      const xml = edited(
        KG_APPLES_TO_KZ,
        "<ram:SignatorySPSAuthentication>",
        "<ram:IncludedSPSNote><ram:Subject>ADIPEDL</ram:Subject><ram:Content>P-1</ram:Content></ram:IncludedSPSNote><ram:SignatorySPSAuthentication>",
      );
      importError(xml, undefined, /SPSExchangedDocument\/IncludedSPSNote\[4\] \(Subject ADIPEDL\) cannot be represented/);
    });

    it("a second quantity (a gross weight besides the net weight)", () => {
      const xml = edited(
        KG_APPLES_TO_KZ,
        "</ram:NetWeightMeasure>",
        '</ram:NetWeightMeasure><ram:GrossWeightMeasure unitCode="KGM">21000</ram:GrossWeightMeasure>',
      );
      importError(xml, undefined, /IncludedSPSTradeLineItem\[1\]\/GrossWeightMeasure cannot be represented/);
    });

    it("an attribute it cannot hold", () => {
      const xml = edited(KG_APPLES_TO_KZ, "<ram:ScientificName>", '<ram:ScientificName listID="EPPO">');
      importError(xml, undefined, /IncludedSPSTradeLineItem\[1\]\/ScientificName\/@listID cannot be represented/);
    });

    it("a re-export certificate (657) and a withdrawn one (40)", () => {
      importError(
        edited(KG_APPLES_TO_KZ, "<ram:TypeCode>851</ram:TypeCode>", "<ram:TypeCode>657</ram:TypeCode>"),
        undefined,
        /SPSExchangedDocument\/TypeCode is 657/,
      );
      importError(
        edited(KG_APPLES_TO_KZ, "<ram:StatusCode>70<", "<ram:StatusCode>40<"),
        undefined,
        /SPSExchangedDocument\/StatusCode is 40/,
      );
    });

    it("a value the credential's schema refuses, named by its element (an HS code with dots)", () => {
      importError(
        edited(KG_APPLES_TO_KZ, "<ram:ClassCode>080810<", "<ram:ClassCode>0808.10<"),
        undefined,
        /IncludedSPSTradeLineItem\[1\]\/ApplicableSPSClassification\[1\]\/ClassCode: must be an HS code/,
      );
    });

    it("a certificate of another country than the issuing authority's", () => {
      importError(
        exported(KG_APPLES_TO_KZ),
        UZ_COTTON_SEED_TO_CN.issuer,
        /SPSConsignment\/ExportSPSCountry\/ID is KG, but the issuing authority is of UZ/,
      );
    });

    it("treatments that differ between line items", () => {
      const input = { ...KZ_WHEAT_TO_UZ, subject: { ...KZ_WHEAT_TO_UZ.subject, treatment: { type: "fumigation" } } };
      const xml = exported(input).replace("<ram:Description>fumigation</ram:Description>", "<ram:Description>heat</ram:Description>");
      importError(
        xml,
        KZ_WHEAT_TO_UZ.issuer,
        /IncludedSPSTradeLineItem\[1\]\/AppliedSPSProcess differs|IncludedSPSTradeLineItem\[2\]\/AppliedSPSProcess differs/,
      );
    });

    it("a missing date of inspection", () => {
      importError(
        edited(
          KG_APPLES_TO_KZ,
          /<ram:IncludedSPSNote>\s*<ram:Subject>ADDIEDL<\/ram:Subject>\s*<ram:Content>2025-02-28<\/ram:Content>\s*<\/ram:IncludedSPSNote>/,
          "",
        ),
        undefined,
        /ADDIEDL \(the date of inspection\) is required/,
      );
    });

    it("another version of the schema", () => {
      importError(
        exported(KG_APPLES_TO_KZ).replace(RSM_NS, "urn:un:unece:uncefact:data:standard:SPSCertificate:8"),
        undefined,
        /expected SPSCertificate of urn:un:unece:uncefact:data:standard:SPSCertificate:17/,
      );
    });
  });

  describe("import parses safely", () => {
    it("refuses a DTD with an external entity (XXE)", () => {
      const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n${exported(KG_APPLES_TO_KZ)
        .replace(/^<\?xml[^>]*>\n/, "")
        .replace("Issyk-Kul Orchards LLC", "&x;")}`;
      importError(xxe, undefined, /DOCTYPE; DTDs and entity declarations are refused/);
    });

    it("refuses entity expansion (billion laughs)", () => {
      const laughs = `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>`;
      importError(laughs, undefined, /DOCTYPE/);
    });

    it("refuses an undeclared entity, malformed XML, a document over the size limit and non-UTF-8 bytes", () => {
      importError(
        exported(KG_APPLES_TO_KZ).replace("Bishkek", "&nbsp;Bishkek"),
        undefined,
        /&nbsp; is not one of XML's predefined entities/,
      );
      importError(exported(KG_APPLES_TO_KZ).replace("</rsm:SPSConsignment>", ""), undefined, /not well-formed XML/);
      expectError(
        () => spsXmlToCredentialInput(exported(KG_APPLES_TO_KZ), { issuer: KG_APPLES_TO_KZ.issuer, maxBytes: 1000 }),
        "INVALID_SPS_XML",
        /more than the limit of 1000/,
      );
      importError(new Uint8Array([0x3c, 0x72, 0x3e, 0xff, 0x3c, 0x2f, 0x72, 0x3e]), undefined, /not UTF-8/);
    });
  });

  describe("key fields for a verification report", () => {
    it("reads number, countries, parties, point of entry and commodities of any SPS certificate", () => {
      const document = spsDocumentFields(new TextEncoder().encode(exported(KZ_WHEAT_TO_UZ)));
      expect(document?.format).to.equal("UN/CEFACT SPS");
      const f = document!.fields;
      expect(f).to.include({ certificateNumber: "KZ 0123456", exportingCountry: "KZ", importingCountry: "UZ", pointOfEntry: "Keles" });
      expect(f).to.include({ consignor: "Kostanay Grain Terminal LLP", consignee: "Tashkent Flour Mill JSC" });
      expect(f.commodities.map((c) => [c.botanicalName, c.quantity])).to.deep.equal([
        ["Triticum aestivum", { value: "134.5", unit: "TNE" }],
        ["Hordeum vulgare", { value: "65", unit: "TNE" }],
        ["Helianthus annuus", { value: "12", unit: "LTR" }],
        ["Solanum tuberosum", { value: "500", unit: "H87" }],
      ]);
      // Leniently: a Hub document the strict import would refuse still shows its fields.
      const hub = spsDocumentFields(
        new TextEncoder().encode(
          HUB_STYLE.replace(
            "<ns1:ExaminationSPSEvent>",
            "<ns1:TransitSPSCountry><ns1:ID>KZ</ns1:ID></ns1:TransitSPSCountry><ns1:ExaminationSPSEvent>",
          ),
        ),
      );
      expect(hub?.fields.commodities[0]).to.include({ botanicalName: "Prunus armeniaca" });
    });

    it("has no fields for malformed XML or XML that is not an SPS certificate", () => {
      expect(spsDocumentFields(new TextEncoder().encode("<rsm:SPSCertificate"))).to.equal(undefined);
      expect(spsDocumentFields(new TextEncoder().encode("<invoice/>"))).to.equal(undefined);
      expect(spsDocumentFields(new TextEncoder().encode('<!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>'))).to.equal(undefined);
    });
  });
});
