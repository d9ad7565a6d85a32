import type { Signer } from "ethers";
import type { LedgerClient } from "../src/chain/ledger-client";
import type { PayloadRecipient } from "../src/crypto/payload-encryption";
import { CertLedgerError } from "../src/errors";
import { DeclarationDesk, OriginClient, TraderRegistrar, type DeclarantKeys } from "../src/origin";
import type { AnchoringService } from "../src/pipeline";
import type { AppDependencies } from "./dependencies";

/**
 * The origin routes' dependencies for a server, when its deployment has the origin registry (older deployment files
 * may not: then its routes answer 503 ORIGIN_NOT_DEPLOYED, and declarations verify as from an untrusted issuer).
 */
export function originSide(options: {
  client: LedgerClient;
  origin: OriginClient | undefined;
  anchoring: Pick<AnchoringService, "submitDeclaration" | "submitDeclarationFile">;
  keys: DeclarantKeys;
  signerForAuthority(authorityId: number): Promise<Signer | undefined>;
  recipientKeys(parties: string[]): Promise<PayloadRecipient[]>;
  /** The certificate with `number` in `party` this server knows (anchored, or accepted and on its way). */
  numbered?(number: string, party: string): string | undefined;
  durable?: (blockNumber: number) => Promise<void>;
}): Pick<AppDependencies, "origin" | "registrar" | "declarations" | "durable"> {
  const { origin } = options;
  if (!origin) return { durable: options.durable };
  const writerForAuthority = async (authorityId: number) => {
    const signer = await options.signerForAuthority(authorityId);
    if (!signer) {
      throw new CertLedgerError(
        "FORBIDDEN",
        `this server holds no account of authority ${authorityId}, so it cannot write for its registrations`,
      );
    }
    return origin.withSigner(signer);
  };
  const desk = { origin, writerForAuthority, keys: options.keys, durable: options.durable };
  return {
    origin,
    registrar: new TraderRegistrar(desk),
    declarations: new DeclarationDesk({
      ...desk,
      anchoring: options.anchoring,
      recipientKeys: options.recipientKeys,
      numbered: options.numbered,
    }),
    durable: options.durable,
  };
}
