/** The ledger client's event queries: a certificate's history, anchorings by number, batches, the registry's changes. */
import type { LedgerCallsHost } from "./ledger-calls-host";
import { sortLogs } from "./ledger-connection";
import {
  CERTIFICATE_EVENT_TOPICS,
  EVENT_TOPICS,
  REGISTRY_EVENT_BY_TOPIC,
  parseBatchAnchored,
  parseCertificateEvent,
  type BatchAnchoredEvent,
  type CertificateAnchoredEvent,
  type CertificateEvent,
  type NumberHashEvent,
} from "./ledger-events";
import type { EventQueryOptions, RegistryEvent } from "./ledger-inputs";
import { bytes32 } from "./values";

/** Installed on LedgerClient (ledger-client.ts): `this` is the client. */
export const eventCalls = {
  /** Every event of `certHash`, in chain order: anchored or materialised, suspended, reinstated, revoked. */
  async certificateHistory(this: LedgerCallsHost, certHash: string, options: EventQueryOptions = {}): Promise<CertificateEvent[]> {
    const logs = await this.connection.logs([CERTIFICATE_EVENT_TOPICS, bytes32(certHash, "certHash")], options);
    return this.connection.parse(logs, parseCertificateEvent);
  },

  /** The events that put certificate number `numberHash` on the ledger: direct anchors and materialised batch members. */
  async anchorsByNumberHash(this: LedgerCallsHost, numberHash: string, options: EventQueryOptions = {}): Promise<NumberHashEvent[]> {
    const hash = bytes32(numberHash, "numberHash");
    // numberHash is the second indexed field of CertificateAnchored and the third of BatchedCertificateMaterialised.
    const [anchored, materialised] = await Promise.all([
      this.connection.logs([EVENT_TOPICS.CertificateAnchored, null, hash], options),
      this.connection.logs([EVENT_TOPICS.BatchedCertificateMaterialised, null, null, hash], options),
    ]);
    const events = await this.connection.parse(sortLogs([...anchored, ...materialised]), parseCertificateEvent);
    return events.filter((e): e is NumberHashEvent => e.event === "CertificateAnchored" || e.event === "BatchedCertificateMaterialised");
  },

  /** The CertificateAnchored event of `certHash`, or undefined when it was not anchored on its own. */
  async anchorEvent(
    this: LedgerCallsHost,
    certHash: string,
    options: EventQueryOptions = {},
  ): Promise<CertificateAnchoredEvent | undefined> {
    const logs = await this.connection.logs([EVENT_TOPICS.CertificateAnchored, bytes32(certHash, "certHash")], options);
    const events = await this.connection.parse(logs, parseCertificateEvent);
    return events.find((e): e is CertificateAnchoredEvent => e.event === "CertificateAnchored");
  },

  /** Every batch anchored from `fromBlock` (default: the ledger's deployment block) on, in chain order. */
  async batchAnchors(this: LedgerCallsHost, fromBlock?: number, options: { toBlock?: number } = {}): Promise<BatchAnchoredEvent[]> {
    const logs = await this.connection.logs([EVENT_TOPICS.BatchAnchored], { fromBlock, toBlock: options.toBlock });
    return this.connection.parse(logs, parseBatchAnchored);
  },

  /**
   * The consortium registry's events (parties admitted, suspended or reinstated, party nodes set) in a block range, in
   * chain order: what a node's peer list follows.
   */
  async registryEvents(this: LedgerCallsHost, options: EventQueryOptions = {}): Promise<RegistryEvent[]> {
    const logs = await this.connection.logs([[...REGISTRY_EVENT_BY_TOPIC.keys()]], options);
    return logs.map((log) => ({
      event: REGISTRY_EVENT_BY_TOPIC.get(log.topics[0])!,
      blockNumber: log.blockNumber,
      txHash: log.transactionHash,
    }));
  },
};
