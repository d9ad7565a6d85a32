import type { IssuedTypeName } from "../../src/documents/certificate-types";
import type { CredentialInputOf } from "../../src/documents/credentials";

const validity = { validFrom: "2025-03-01T09:00:00Z", validUntil: "2026-03-01T00:00:00Z" };

/** One realistic builder input per certificate type, as the issuing authorities of the demo consortium would send. */
export const EXAMPLE_INPUTS: { [T in IssuedTypeName]: CredentialInputOf<T> } = {
  conformityCertificate: {
    certificateType: "conformityCertificate",
    issuer: { party: "KG", authorityId: 3, name: "Certification Body of Kyrgyzstandard" },
    certificateNumber: "ЕАЭС KG 417/0012345",
    ...validity,
    subject: {
      name: "Certificate of conformity: children's footwear",
      assessorLevel: "3rdParty",
      assessmentLevel: "Accredited",
      issuedToParty: { name: "Ak-Bata Shoes LLC", registeredId: "02104201910012", address: "12 Chui Ave, Bishkek", countryCode: "KG" },
      scope: { name: "EAEU conformity assessment scheme 1s (type testing and production control)" },
      assessment: [
        {
          assessmentDate: "2025-02-20",
          referenceRegulation: { name: "TR CU 007/2011 On the safety of products for children and adolescents", jurisdictionCountry: "KG" },
          referenceStandard: { name: "GOST 26167-2005 Footwear for everyday wear" },
          conformityTopic: "product.safety",
          conformance: true,
          assessedProduct: [
            {
              product: {
                name: "Children's leather boots, model AB-17",
                modelNumber: "AB-17",
                hsCode: "6403919800",
                batchNumber: "2025-02",
              },
              IDverifiedByCAB: true,
            },
          ],
        },
      ],
    },
  },
  testReport: {
    certificateType: "testReport",
    issuer: { party: "KZ", authorityId: 5, name: "National Food Testing Laboratory" },
    certificateNumber: "KZ-TL-2025-0457",
    ...validity,
    subject: {
      name: "Test report: dried apricots, heavy metals and moisture",
      assessorLevel: "3rdParty",
      issuedToParty: { name: "Almaty Dried Fruit JSC", countryCode: "KZ" },
      assessment: [
        {
          assessmentDate: "2025-02-25",
          referenceRegulation: { name: "TR CU 021/2011 On food safety", jurisdictionCountry: "KZ" },
          referenceStandard: {
            name: "GOST 30178-96 Raw material and food-stuffs. Atomic absorption method for determination of toxic elements",
          },
          conformityTopic: "product.safety",
          conformance: true,
          assessedProduct: [
            { product: { name: "Dried apricots (kuraga), lot 77", hsCode: "081310", batchNumber: "77" }, IDverifiedByCAB: true },
          ],
          declaredValue: [
            { metricName: "Lead (Pb)", metricValue: { value: 0.02, unit: "NA" }, accuracy: 0.005 },
            { metricName: "Moisture", metricValue: { value: 18.5, unit: "P1" } },
          ],
        },
      ],
    },
  },
  certificateOfOrigin: {
    certificateType: "certificateOfOrigin",
    issuer: { party: "UZ", authorityId: 2, name: "Chamber of Commerce and Industry of Uzbekistan" },
    certificateNumber: "UZ 0123456",
    ...validity,
    subject: {
      tradeAgreement: "CISFTA",
      form: "CT-1",
      exporter: { name: "Tashkent Textile LLC", address: "5 Mustaqillik St, Tashkent", countryCode: "UZ" },
      consignee: { name: "Almaty Trade LLP", address: "40 Abay Ave, Almaty", countryCode: "KZ" },
      producer: { name: "Fergana Cotton Mill", address: "Fergana", countryCode: "UZ" },
      exportingCountry: "UZ",
      importingCountry: "KZ",
      countryOfOrigin: "UZ",
      transport: {
        mode: "road",
        meansIdentifier: "01 A 123 BC",
        departureDate: "2025-03-02",
        placeOfLoading: "Tashkent",
        placeOfDischarge: "Almaty",
      },
      invoice: { number: "INV-2025-118", date: "2025-02-28" },
      goods: [
        {
          itemNumber: 1,
          description: "Cotton yarn, single, combed, 85% or more cotton",
          hsCode: "520522",
          originCriterion: "CTH",
          quantity: { value: 18000, unit: "KGM" },
          grossWeight: { value: 18450, unit: "KGM" },
          packages: { count: 360, kind: "bales" },
          marks: "TT/ATL 1-360",
        },
      ],
    },
  },
  phytosanitaryCertificate: {
    certificateType: "phytosanitaryCertificate",
    issuer: { party: "KG", authorityId: 4, name: "Plant Protection Department of the Kyrgyz Republic" },
    certificateNumber: "KG-PC-2025-000781",
    validFrom: "2025-03-01T09:00:00+06:00",
    validUntil: "2025-03-15T09:00:00+06:00",
    subject: {
      exportingNppo: { countryCode: "KG", name: "Department of Chemicalization and Plant Protection, Ministry of Agriculture" },
      importingNppo: { countryCode: "CN" },
      consignor: { name: "Issyk-Kul Orchards LLC", address: "Karakol", countryCode: "KG" },
      consignee: { name: "Kashgar Fresh Produce Co.", address: "Kashgar, Xinjiang", countryCode: "CN" },
      declaredMeansOfConveyance: { mode: "road", identifier: "01KG123ABC" },
      pointOfEntry: "Torugart",
      distinguishingMarks: "IKO-2025-03",
      commodities: [
        {
          description: "Fresh apples",
          botanicalName: "Malus domestica",
          commonName: "apple",
          hsCode: "080810",
          quantity: { value: 20000, unit: "KGM" },
          packages: { count: 1000, kind: "cartons" },
          placeOfOrigin: { countryCode: "KG", region: "Issyk-Kul" },
          intendedUse: "consumption",
        },
      ],
      additionalDeclaration: "The consignment was inspected and found free from Cydia pomonella.",
      treatment: { type: "cold treatment", durationAndTemperature: "0 °C for 40 days", date: "2025-01-10" },
      inspectionDate: "2025-02-28",
      placeOfIssue: "Bishkek",
      authorizedOfficer: "A. Toktogulov",
    },
  },
};

/** The certificate types, in ledger order. */
export const TYPE_NAMES = Object.keys(EXAMPLE_INPUTS) as IssuedTypeName[];

/** An exporter's origin declaration: KG's registered exporter of dried apricots, under the KG–KZ agreement. */
export const EXPORTER_DECLARATION_INPUT: CredentialInputOf<"exporterDeclaration"> = {
  certificateType: "exporterDeclaration",
  issuer: { party: "KG", authorityId: 3, registration: "KG-REX-000123", name: "Osh Dried Fruit LLC" },
  certificateNumber: "KG-REX-000123/2025/0001",
  ...validity,
  subject: {
    declarant: { kind: "exporter", registrationNumber: "KG-REX-000123", name: "Osh Dried Fruit LLC" },
    tradeAgreement: "KG-KZ",
    exportingCountry: "KG",
    importingCountry: "KZ",
    countryOfOrigin: "KG",
    invoice: { number: "INV-2025-0412", date: "2025-02-27" },
    statement:
      "The exporter of the products covered by this document (KG-REX-000123) declares that, except where otherwise clearly indicated, these products are of Kyrgyz preferential origin.",
    consignee: { name: "Almaty Fruit Trade LLP", address: "12 Raiymbek Ave, Almaty", countryCode: "KZ" },
    goods: [
      {
        itemNumber: 1,
        description: "Dried apricots, pitted",
        hsCode: "081310",
        originCriterion: "WO",
        quantity: { value: 12000, unit: "KGM" },
      },
    ],
  },
};
