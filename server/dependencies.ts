import type { Signer } from "ethers";
import type { Logger } from "pino";
import type { LedgerClient } from "../src/chain/ledger-client";
import type { ChainIndex } from "../src/index";
import type { PayloadStore } from "../src/ipfs/payload-store";
import type { JWK } from "../src/crypto/keys";
import type { PayloadRecipient } from "../src/crypto/payload-encryption";
import type { AnchoringService, Batcher, CertificateStatusService, IssuedCertificates, Outbox } from "../src/pipeline";
import type { BatchLocator, ReceiptSigningKey, Verifier } from "../src/verify";
import type { BorderDesk, CertificateUseReader, OutcomesClient } from "../src/outcomes";
import type { DeclarationDesk, OriginClient, TraderRegistrar } from "../src/origin";
import type { StandardViewsPublisher } from "../src/standard-views";
import type { Auth } from "./auth";
import type { ServerConfig } from "./config";
import type { Metrics } from "./metrics";
import type { TokenRevocations } from "./token-revocations";

/**
 * Everything `createApp` builds the HTTP layer from. The server holds no business rule: it validates, authenticates,
 * calls these, and maps their errors.
 */
export interface AppDependencies {
  config: ServerConfig;
  /** Reads of the ledger (and the base of admin writes, through `withSigner`). */
  client: LedgerClient;
  verifier: Verifier;
  payloads: PayloadStore;
  /** Finds a batched certificate's Merkle proof (the index does), for proof bundles. */
  batches?: BatchLocator;
  /** Accepts certificates for anchoring (src/pipeline). */
  anchoring: Pick<AnchoringService, "submitCredential" | "submitFile">;
  /** The anchoring requests this server took. */
  outbox: Pick<Outbox, "get" | "list" | "counts">;
  /** The issuer console's reads: its certificates, their kept link keys and documents (src/pipeline). */
  issued: Pick<IssuedCertificates, "entry" | "get" | "list" | "document">;
  /** Suspends, reinstates and revokes certificates as the caller's account (src/pipeline). */
  status: Pick<CertificateStatusService, "suspend" | "reinstate" | "revoke">;
  /** The chain index: history, number lookups, an authority's certificates, the registry's lists, and how far it has caught up. */
  index: Pick<
    ChainIndex,
    "history" | "byNumberHash" | "certificate" | "listByAuthority" | "status" | "events" | "authorities" | "batch" | "anchorings"
  >;
  /** The anchoring pipeline's view of the chain: /readyz says "reconciling" while it repairs what a chain that went back lost. */
  batcher?: Pick<Batcher, "health">;
  auth: Auth;
  /** Where token revocations are recorded (the same list `auth` checks); without it, POST /v1/tokens/revoke is unavailable. */
  tokenRevocations?: Pick<TokenRevocations, "revoke">;
  /** The standard views this server publishes: did:web DID documents and status lists (src/standard-views). */
  views?: StandardViewsPublisher;
  /** The key receipts are signed with. */
  receiptKey: ReceiptSigningKey;
  /** The admin account of a party this server administers, or undefined when it holds none. */
  signerForParty(party: string): Promise<Signer | undefined>;
  /** The account of an authority this server acts for, or undefined when it holds none. */
  signerForAuthority(authorityId: number): Promise<Signer | undefined>;
  /** The account of a border agency this server acts for, or undefined when it holds none. */
  signerForAgency?(agencyId: number): Promise<Signer | undefined>;
  /** Reads of the importing side's contract (absent when the deployment has none: its routes answer 503). */
  outcomes?: OutcomesClient;
  /** Records border agencies' outcomes and write-offs (src/outcomes). */
  desk?: BorderDesk;
  /** Reads certificates' use once per block, for verification reports and the use route. */
  useReader?: CertificateUseReader;
  /** Reads of the origin registry (absent when the deployment has none: its routes answer 503 ORIGIN_NOT_DEPLOYED). */
  origin?: OriginClient;
  /** Registers exporters and importers for this server's origin authorities, with their own signing keys (src/origin). */
  registrar?: TraderRegistrar;
  /** Makes registered traders' origin declarations: checked, signed with the trader's key, recorded and anchored (src/origin). */
  declarations?: DeclarationDesk;
  /** Resolves once a block survives a power cut (the embedded chain's); absent for a chain whose blocks are final. */
  durable?(blockNumber: number): Promise<void>;
  /** Records that this server writes for a newly registered agency from the first of `accounts` it can sign for; returns it. */
  adoptAgency?(agencyId: number, accounts: string[]): Promise<string | undefined>;
  /** The private encryption key of a party this server administers, to open payloads addressed to it (verify, for its admins). */
  partyDecryptionKey?(party: string): JWK | undefined;
  /** The registered encryption keys of recipient parties (default: read from the ledger and IPFS, see src/pipeline/recipient-keys.ts). */
  recipientKeys?: (parties: string[]) => Promise<PayloadRecipient[]>;
  /** Default: a fresh registry. */
  metrics?: Metrics;
  /** Default: pino at `config.logLevel` on stdout, with secrets redacted. */
  logger?: Logger;
}
