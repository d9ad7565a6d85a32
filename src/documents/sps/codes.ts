/**
 * The code lists the mapping needs, with only the entries it uses: UN/ECE Recommendation 19 transport modes,
 * Recommendation 21 package types, Recommendation 20 units (to tell weights from volumes), and the ePhyto Hub's note
 * subjects and treatment characteristic codes.
 */
import type { z } from "zod";
import type { transportMode } from "../credentials/common";

type TransportMode = z.infer<typeof transportMode>;

/** UN/ECE Rec 19 mode codes of the credential's transport modes. */
export const MODE_CODES: Record<TransportMode, string> = {
  sea: "1",
  rail: "2",
  road: "3",
  air: "4",
  mail: "5",
  multimodal: "6",
  pipeline: "7",
  inlandWater: "8",
};

/** The transport mode of a Rec 19 code, or undefined (0 "not specified" and 9 "not applicable" have none). */
export function modeOfCode(code: string): TransportMode | undefined {
  return (Object.keys(MODE_CODES) as TransportMode[]).find((mode) => MODE_CODES[mode] === code);
}

/**
 * UN/ECE Rec 21 codes of common package kinds, with the word the credential uses. A kind outside this list is written
 * as ZZ ("mutually defined"); the kind's own words always travel in the code's `name` attribute, so nothing is lost.
 */
const PACKAGE_KINDS: [code: string, kind: string][] = [
  ["CT", "cartons"],
  ["BX", "boxes"],
  ["BG", "bags"],
  ["SA", "sacks"],
  ["CR", "crates"],
  ["PX", "pallets"],
  ["BA", "barrels"],
  ["BE", "bundles"],
  ["BL", "bales"],
  ["CS", "cases"],
  ["DR", "drums"],
  ["JB", "big bags"],
  ["NE", "unpacked"],
  ["VR", "bulk"],
  ["PK", "packages"],
];
const MUTUALLY_DEFINED = "ZZ";

/** The Rec 21 code of a package kind: from the list (singular or plural, any case), else ZZ. */
export function packageCodeOf(kind: string): string {
  const words = kind.trim().toLowerCase();
  const found = PACKAGE_KINDS.find(([, k]) => k === words || k === `${words}s` || k === `${words}es`);
  return found ? found[0] : MUTUALLY_DEFINED;
}

/** The kind a Rec 21 code names, when no `name` attribute says it: the list's word, else the code itself. */
export function packageKindOf(code: string): string {
  return PACKAGE_KINDS.find(([c]) => c === code)?.[1] ?? code;
}

/** Rec 20 units of mass: such a quantity is a net weight. */
export const WEIGHT_UNITS = new Set(["KGM", "TNE", "GRM", "MGM", "LBR", "ONZ", "KTN"]);
/** Rec 20 units of volume: such a quantity is a net volume. */
export const VOLUME_UNITS = new Set(["MTQ", "LTR", "MLT", "DMQ", "CMQ", "HLT"]);

/**
 * The ePhyto Hub's subjects of `IncludedSPSNote` (on the document) and `AdditionalInformationSPSNote` (on a line item)
 * that the credential holds; any other subject is refused on import.
 */
export const NOTE = {
  /** Additional declaration (document level). */
  additionalDeclaration: "ADEDL",
  /** Date of inspection (document level). */
  inspectionDate: "ADDIEDL",
  /** Distinguishing marks (consignment level). */
  distinguishingMarks: "DMCL",
  /** A quantity in a unit neither of mass nor of volume: its value, and its Rec 20 unit. */
  otherQuantityValue: "OQV",
  otherQuantityUnit: "OQU",
} as const;

/** The ePhyto Hub's codes of `ApplicableSPSProcessCharacteristic` (the first Description names what the second says). */
export const TREATMENT = {
  /** The treatment, in free text. */
  type: "TTFT",
  chemical: "TTCH",
  concentration: "TTCO",
  /** Temperature; the credential's "duration and temperature" is one text and is written here. */
  durationAndTemperature: "TTTM",
  additionalInformation: "TTAI",
} as const;

/** The process type code the ePhyto Hub writes for a treatment (ZZZ, mutually defined). */
export const TREATMENT_TYPE_CODE = "ZZZ";

/** The ISPM 12 certifying statement (Annex 1), which an issued phytosanitary certificate carries as clause 1. */
export const CERTIFYING_STATEMENT =
  "This is to certify that the plants, plant products or other regulated articles described herein have been inspected " +
  "and/or tested according to appropriate official procedures and are considered to be free from the quarantine pests " +
  "specified by the importing contracting party and to conform with the current phytosanitary requirements of the " +
  "importing contracting party, including those for regulated non-quarantine pests.";
