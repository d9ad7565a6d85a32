/** The zod schemas of 32 bytes as text, by the rule of case of hex32.ts (kept apart so the web pages need no zod). */
import { z } from "zod";
import { HEX32, readHex32, type Hex32Reading } from "./hex32";

/** A zod string in the canonical form only (what is signed, hashed or written by this code). */
export function hex32Schema(message = "must be 0x + 64 lower-case hex digits"): z.ZodString {
  return z.string().regex(HEX32, message);
}

/** A zod string from outside: 32 bytes hex in any case (0x as `reading` says), read into the canonical form. */
export function hex32InputSchema(message = "must be a 0x-prefixed 32-byte hex string", reading: Hex32Reading = {}) {
  return z
    .string()
    .refine((text) => readHex32(text, reading) !== undefined, message)
    .transform((text) => readHex32(text, reading)!);
}
