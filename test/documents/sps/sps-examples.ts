/**
 * Realistic phytosanitary certificates of the region, as buildCredential inputs: the fixtures of the SPS XML tests.
 * Each exercises a different part of the mapping (packages, a fumigation with its additional declaration, a bulk rail
 * consignment of several commodities, quantities by weight, by volume and by count).
 */
import type { CredentialInputOf } from "../../../src/documents/credentials";
import { EXAMPLE_INPUTS } from "../credential-examples";

type PhytoInput = CredentialInputOf<"phytosanitaryCertificate">;

/**
 * KG apples to KZ by road, in cartons, cold-treated: the credential example's certificate (its commodity, treatment
 * and declarations), sent to KZ instead of CN, with an identified consignor and marks that need XML escaping.
 */
const KG_APPLES = EXAMPLE_INPUTS.phytosanitaryCertificate;
export const KG_APPLES_TO_KZ: PhytoInput = {
  ...KG_APPLES,
  id: "urn:uuid:3f1c1a56-5b0e-4c55-9a61-0d7c3e2b8a11",
  subject: {
    ...KG_APPLES.subject,
    importingNppo: { countryCode: "KZ", name: "Committee of State Inspection in the Agro-Industrial Complex" },
    consignor: {
      name: "Issyk-Kul Orchards LLC",
      registeredId: "01234567890123",
      idScheme: { name: "INN" },
      address: "12 Lenin St, Karakol",
      countryCode: "KG",
    },
    consignee: { name: "Almaty Fresh Produce LLP", address: "45 Raiymbek Ave, Almaty", countryCode: "KZ" },
    pointOfEntry: "Korday",
    distinguishingMarks: "IKO-2025-03 & lot <7>",
  },
};

/** UZ cotton seed to CN by rail, fumigated with phosphine, with an additional declaration. */
export const UZ_COTTON_SEED_TO_CN: PhytoInput = {
  certificateType: "phytosanitaryCertificate",
  issuer: { party: "UZ", authorityId: 2, name: "Agency of Plant Protection and Quarantine of Uzbekistan" },
  certificateNumber: "UZ-FS-2025/004512",
  id: "urn:uuid:9b2e7c40-1d3a-4f6e-8c21-5a7b9d0e3f42",
  validFrom: "2025-04-10T11:30:00+05:00",
  validUntil: "2025-05-10T11:30:00+05:00",
  name: "Phytosanitary Certificate / Фитосанитарный сертификат",
  subject: {
    exportingNppo: { countryCode: "UZ", name: "Agency of Plant Protection and Quarantine under the Ministry of Agriculture" },
    importingNppo: { countryCode: "CN" },
    consignor: { name: "Fergana Seed Cluster JSC", address: "7 Mustaqillik St, Fergana", countryCode: "UZ" },
    consignee: { name: "Xinjiang Cotton Seed Co., Ltd.", address: "88 Beijing Rd, Urumqi, Xinjiang", countryCode: "CN" },
    declaredMeansOfConveyance: { mode: "rail", identifier: "Wagon 61234567" },
    pointOfEntry: "Alashankou",
    commodities: [
      {
        description: "Cotton seed for sowing, delinted",
        botanicalName: "Gossypium hirsutum L.",
        commonName: "cotton",
        hsCode: "120721",
        quantity: { value: 60, unit: "TNE" },
        packages: { count: 1200, kind: "bags" },
        placeOfOrigin: { countryCode: "UZ", region: "Fergana region" },
        intendedUse: "planting",
      },
    ],
    additionalDeclaration:
      "The seeds were produced in an area free from Pectinophora gossypiella (Saunders) and tested free of Verticillium dahliae.",
    treatment: {
      type: "fumigation",
      chemical: "aluminium phosphide (phosphine)",
      concentration: "2 g/m³",
      durationAndTemperature: "72 h at 25 °C",
      date: "2025-04-07",
      additionalInformation: "Under gas-proof sheets, in wagons",
    },
    inspectionDate: "2025-04-08",
    placeOfIssue: "Tashkent",
    authorizedOfficer: "D. Rakhimov",
  },
};

/** KZ wheat and barley to UZ by rail, in bulk, with a volume and a count among the lines. */
export const KZ_WHEAT_TO_UZ: PhytoInput = {
  certificateType: "phytosanitaryCertificate",
  issuer: { party: "KZ", authorityId: 3, name: "Committee of State Inspection in the Agro-Industrial Complex" },
  certificateNumber: "KZ 0123456",
  id: "urn:uuid:c4d5e6f7-0a1b-4c2d-9e3f-4a5b6c7d8e9f",
  validFrom: "2025-09-20T08:00:00Z",
  validUntil: "2025-10-20T08:00:00Z",
  description: "Grain by rail, three wagons",
  subject: {
    exportingNppo: { countryCode: "KZ", name: "Committee of State Inspection in the Agro-Industrial Complex" },
    importingNppo: { countryCode: "UZ", name: "Agency of Plant Protection and Quarantine" },
    consignor: { name: "Kostanay Grain Terminal LLP", address: "3 Baitursynov St, Kostanay", countryCode: "KZ" },
    consignee: { name: "Tashkent Flour Mill JSC", address: "15 Sergeli St, Tashkent", countryCode: "UZ" },
    declaredMeansOfConveyance: { mode: "rail" },
    pointOfEntry: "Keles",
    distinguishingMarks: "Wagons 24567890, 24567891, 24567892",
    commodities: [
      {
        description: "Soft wheat grain, 3rd class",
        botanicalName: "Triticum aestivum",
        commonName: "wheat",
        hsCode: "1001990000",
        quantity: { value: 134.5, unit: "TNE" },
        placeOfOrigin: { countryCode: "KZ", region: "Kostanay region" },
        intendedUse: "processing",
      },
      {
        description: "Malting barley",
        botanicalName: "Hordeum vulgare",
        hsCode: "100390",
        quantity: { value: 65, unit: "TNE" },
        placeOfOrigin: { countryCode: "KZ", region: "Akmola region" },
        intendedUse: "processing",
      },
      {
        description: "Cold-pressed sunflower oil, laboratory samples",
        botanicalName: "Helianthus annuus",
        quantity: { value: 12, unit: "LTR" },
        packages: { count: 3, kind: "wooden crates" },
        placeOfOrigin: { countryCode: "KZ" },
      },
      {
        description: "Seed potato minitubers for trials",
        botanicalName: "Solanum tuberosum",
        quantity: { value: 500, unit: "H87" },
        packages: { count: 2, kind: "boxes" },
        placeOfOrigin: { countryCode: "KZ", region: "Almaty region" },
        intendedUse: "planting",
      },
    ],
    inspectionDate: "2025-09-18",
    placeOfIssue: "Kostanay",
  },
};

/** Every example, by a name for test titles. */
export const SPS_EXAMPLES = { KG_APPLES_TO_KZ, UZ_COTTON_SEED_TO_CN, KZ_WHEAT_TO_UZ };
