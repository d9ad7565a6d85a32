// What `anchor` reads from its options in both of its modes (through a server, straight to the chain).
import { parseDuration } from "../../server/duration";
import { required } from "./command";
import { UsageError } from "./errors";

/** --option as a whole number from `min` to `max`. */
export function wholeNumber(text: string, option: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`--${option} ${text} is not a whole number from ${min} to ${max}`);
  }
  return Number(text);
}

const TYPE_NAMES = ["conformityCertificate", "testReport", "certificateOfOrigin", "phytosanitaryCertificate"];

/** A certificate type by name or number, checked here so that a typo stops the run before anything is sent. */
export function certType(text: string): string | number {
  if (TYPE_NAMES.includes(text)) return text;
  if (/^[1-9]\d?$/.test(text) && Number(text) <= 63) return Number(text);
  throw new UsageError(`--type ${text} is not a certificate type (${TYPE_NAMES.join(", ")} or 1..63)`);
}

/** --valid-until: an ISO date-time, or a duration from now ("365d"); as an ISO date-time. */
export function validUntil(text: string | undefined): string {
  const given = required(text, "valid-until", "document files need a validity (an ISO date-time, or a duration such as 365d)");
  const seconds = parseDuration(given);
  if (seconds !== undefined && !/^\d+$/.test(given)) return new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d+Z$/, "Z");
  if (/^\d{4}-\d{2}-\d{2}T/.test(given) && !Number.isNaN(Date.parse(given))) return given;
  if (/^\d{4}-\d{2}-\d{2}$/.test(given) && !Number.isNaN(Date.parse(given))) return `${given}T00:00:00Z`;
  throw new UsageError(`--valid-until ${given} is not an ISO date-time (2027-12-31T00:00:00Z) or a duration (365d)`);
}

/** "KG,KZ" → ["KG", "KZ"], each a party code. */
export function partyList(text: string): string[] {
  const list = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const code of list)
    if (!/^[A-Z]{2}$/.test(code)) throw new UsageError(`${JSON.stringify(code)} is not a party code (two capital letters)`);
  return list;
}
