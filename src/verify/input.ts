import { certHashOf, parseCertHash, certificateNumberHash } from "../documents/hashing";
import { inspectFile, type DocumentMediaType } from "../documents/files";
import { decodeCredentialJws, VC_JWT_MEDIA_TYPE } from "../documents/vc-jose";
import type { Credential } from "../documents/credentials";
import type { BatchMember } from "../merkle/batch";
import type { ProofBundle } from "./bundle-schema";

/** What can be verified: a document (credential or file), a hash, a certificate number with its party, or a bundle. */
export type VerifyInput =
  | { kind: "credential"; jws: string }
  /** `expectedCertHash`: the certificate the file claims to be (e.g. from its QR code), so an altered copy reads TAMPERED. */
  | { kind: "file"; bytes: Uint8Array; expectedCertHash?: string }
  | { kind: "hash"; certHash: string }
  | { kind: "number"; number: string; party: string }
  | { kind: "bundle"; bundle: ProofBundle };

/** The document a verification was given, decoded. */
export type GivenDocument =
  | { kind: "credential"; jws: string; credential: Credential; bytes: Uint8Array; mediaType: typeof VC_JWT_MEDIA_TYPE }
  | { kind: "file"; bytes: Uint8Array; mediaType: DocumentMediaType };

/** An input resolved to what the verifier works with. */
export interface ResolvedInput {
  /** The hash to look up: of the document when one was given, else the one asked for. */
  certHash: string | undefined;
  document?: GivenDocument;
  /** The certificate the input claims to be, when that is known apart from the document's own hash. */
  claimedCertHash?: string;
  /** A certificate number to look the certificate up by: its hash, and the party whose namespace it is in. */
  number?: { hash: string; party: string };
  /** A Merkle proof that came with the input. */
  batchMember?: BatchMember;
}

/** Decodes `input` (throwing the library's typed errors on malformed documents, hashes, numbers or bundles). */
export function resolveInput(input: VerifyInput, options: { maxFileBytes?: number } = {}): ResolvedInput {
  switch (input.kind) {
    case "credential":
      return fromCredential(input.jws);
    case "file": {
      const { mediaType } = inspectFile(input.bytes, { maxBytes: options.maxFileBytes });
      return {
        certHash: certHashOf(input.bytes),
        document: { kind: "file", bytes: input.bytes, mediaType },
        claimedCertHash: input.expectedCertHash === undefined ? undefined : parseCertHash(input.expectedCertHash),
      };
    }
    case "hash":
      return { certHash: parseCertHash(input.certHash) };
    case "number":
      return { certHash: undefined, number: { hash: certificateNumberHash(input.party, input.number), party: input.party } };
    case "bundle": {
      const { bundle } = input;
      const resolved: ResolvedInput =
        bundle.document === undefined
          ? { certHash: bundle.certHash }
          : bundle.document.kind === "credential"
            ? fromCredential(bundle.document.jws)
            : resolveInput({ kind: "file", bytes: Buffer.from(bundle.document.base64, "base64") }, options);
      resolved.claimedCertHash = bundle.certHash;
      if (bundle.anchor.kind === "batch") {
        resolved.batchMember = {
          root: bundle.anchor.root,
          authorityId: bundle.anchor.authorityId,
          certHash: bundle.certHash,
          numberHash: bundle.anchor.numberHash,
          validUntil: BigInt(bundle.anchor.validUntil),
          proof: bundle.anchor.proof,
        };
      }
      return resolved;
    }
  }
}

function fromCredential(jws: string): ResolvedInput {
  const compact = jws.trim();
  const { credential } = decodeCredentialJws(compact);
  return {
    certHash: certHashOf(compact),
    document: { kind: "credential", jws: compact, credential, bytes: new TextEncoder().encode(compact), mediaType: VC_JWT_MEDIA_TYPE },
  };
}
