const DURATION = /^(\d+)\s*(s|m|h|d)?$/;
const SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
/** The longest lifetime a token may have: ten years. */
const MAX_SECONDS = 10 * 365 * 86_400;

/** Seconds in a duration written "3600", "3600s", "90m", "12h" or "30d"; undefined when it is not one (or is 0 or > 10 years). */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(String(text).trim());
  if (!match) return undefined;
  const seconds = Number(match[1]) * SECONDS[(match[2] ?? "s") as keyof typeof SECONDS];
  return seconds >= 1 && seconds <= MAX_SECONDS ? seconds : undefined;
}
