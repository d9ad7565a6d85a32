/**
 * Verification links, as QR codes and the console hand them out: `/v/{certHash}#k=…` for a certificate named by its
 * hash, `/v/{party}/{number}#k=…` for a stamped PDF (a PDF cannot contain its own hash). The key in the fragment never
 * reaches a server: browsers do not send fragments, and this page sends it nowhere.
 */
import { readHex32 } from "../../src/hex32";

/** What a link names. */
export type LinkTarget = { kind: "hash"; certHash: string } | { kind: "number"; party: string; number: string };

/** A parsed verification link: its target and, when it carries one, the holder's link key. */
export interface VerificationLink {
  target: LinkTarget;
  linkKey?: string;
}

const PARTY = /^[A-Z]{2}$/;
/** A link key: 32 bytes of base64url, no padding. */
const LINK_KEY = /^[A-Za-z0-9_-]{43}$/;

/** The canonical form of a certificate hash as typed or pasted (0x + lower case), or undefined when it is not one. */
export function canonicalHash(text: string): string | undefined {
  return readHex32(text.trim(), { prefix: "optional" });
}

/** The link `path` + `fragment` name (`/v/…`), or undefined when the path is not a verification link. */
export function parseVerificationPath(path: string, fragment: string): VerificationLink | undefined {
  const match = /^\/v\/(.+)$/.exec(path);
  if (!match) return undefined;
  const segments = match[1].split("/").filter((s) => s.length > 0);
  let target: LinkTarget | undefined;
  if (segments.length === 1) {
    const certHash = canonicalHash(safeDecode(segments[0]));
    if (certHash) target = { kind: "hash", certHash };
  } else if (segments.length >= 2 && PARTY.test(segments[0])) {
    // A number with a "/" in it arrives encoded (%2F) or, from a careless copy, as more segments: both mean the same.
    const number = segments.slice(1).map(safeDecode).join("/");
    if (number.trim().length > 0) target = { kind: "number", party: segments[0], number };
  }
  if (!target) return undefined;
  const key = new URLSearchParams(fragment.replace(/^#/, "")).get("k") ?? undefined;
  return { target, linkKey: key === undefined || key === "" ? undefined : key };
}

/** A verification link in any text (a QR code's), absolute or relative; undefined when the text is not one. */
export function parseVerificationLink(text: string): VerificationLink | undefined {
  let url: URL;
  try {
    url = new URL(text.trim(), location.origin);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  return parseVerificationPath(url.pathname, url.hash);
}

/** Whether `key` has the shape of a link key (the payload decides whether it is the right one). */
export function isLinkKeyShaped(key: string): boolean {
  return LINK_KEY.test(key);
}

/** The page path of a target (without any key), for the address bar. */
export function targetPath(target: LinkTarget): string {
  return target.kind === "hash" ? `/v/${target.certHash}` : `/v/${target.party}/${encodeURIComponent(target.number)}`;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
