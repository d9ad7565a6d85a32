/**
 * The cross-border scenario of issue #7, step by step, on a network of real server processes (scripts/network.ts):
 * the end-to-end test (test/e2e/cross-border-scenario.test.ts) asserts what each step returns, and
 * `npm run demo:cross-border` (scripts/demo-cross-border.ts) narrates it. Written once, here.
 *
 * 1. KG's test laboratory anchors a test report; 2. KG's certification body anchors a conformity certificate for the
 * same product that links the test report by certHash (an assessment's `evidence`), both addressed to KZ; 3. KZ's
 * customs verifies it at the KZ server; 4. a bank verifies the holder's link at the UZ server, and offline with the
 * proof bundle against the chain; 5. KG revokes it (superseded, with a replacement): how long until KZ's and UZ's
 * servers say REVOKED; 6. TJ, admitted by consortium vote, starts its server and verifies the earlier test report;
 * 7. KG's server and IPFS node stop: KZ, UZ and TJ still verify, the payloads coming from KZ, which pinned them.
 *
 * SCENARIO_DEBUG=1 copies the servers' IPFS, replication and warning lines to stderr.
 */
import { randomUUID } from "node:crypto";
import { readDeployment } from "../src/chain/deployment";
import { LedgerClient } from "../src/chain/ledger-client";
import { connectRpc } from "../src/chain/provider";
import { decryptWithLinkKey } from "../src/crypto/payload-encryption";
import { buildCredential, type CredentialInputOf } from "../src/documents/credentials";
import { certHashOf } from "../src/documents/hashing";
import { verifyProofBundle, type VerificationReport } from "../src/verify";
import { networkAdminWallet, partyApi, startNetwork, type NetworkParty, type RunningNetwork } from "./network";

/** How to run the scenario. */
export interface ScenarioOptions {
  /** The network's folder (a fresh one: the scenario sets up its own parties). */
  dir: string;
  /** scrypt cost of the account keystores (tests lower it). */
  scryptN?: number;
  /** Told what happens, in plain words, as it happens. */
  narrate?: (line: string) => void;
}

/** A verification answer of a server, as the scenario reads it. */
export interface Verified {
  report: VerificationReport;
  /** The payload check's result and sentence. */
  payload: { result: string; detail: string };
}

/** The figures of step 5. */
export interface RevocationFigures {
  /** The revocation's block. */
  blockNumber: number;
  /** Per party: milliseconds from the revocation's block appearing on the chain to that party's server reporting REVOKED. */
  delaysMs: Record<string, number>;
}

const CERTIFICATE_VALIDITY_DAYS = 365;
const STEP_TIMEOUT_MS = 30_000;

/** The scenario's network and what its steps made, for the steps that follow. */
export class CrossBorderScenario {
  readonly #options: ScenarioOptions;
  #network: RunningNetwork | undefined;
  #client: LedgerClient | undefined;
  #destroy: (() => void) | undefined;
  /** The payload CIDs each party's server said it pinned for its party (from its log). */
  readonly #pinned = new Map<string, Set<string>>();
  readonly #product = `Children's leather boots, model AB-${randomUUID().slice(0, 4)}`;
  testReport = "";
  certificate = "";
  replacement = "";

  constructor(options: ScenarioOptions) {
    this.#options = options;
  }

  #say(line: string): void {
    this.#options.narrate?.(line);
  }

  /** A running party's server. */
  party(code: string): NetworkParty {
    const party = this.#network?.parties.find((p) => p.code === code);
    if (!party) throw new Error(`party ${code} has no running server`);
    return party;
  }

  /** Starts one chain and the servers of KG, KZ and UZ. */
  async start(): Promise<void> {
    this.#say("Starting one shared chain and three parties, KG, KZ and UZ: each its own server, data, keys and IPFS node.");
    const startedAt = Date.now();
    this.#network = await startNetwork({
      dir: this.#options.dir,
      parties: ["KG", "KZ", "UZ"],
      scryptN: this.#options.scryptN,
      // info: the replicators' "payload pinned" lines are how the scenario knows a party holds a payload.
      env: { LOG_LEVEL: "info", RATE_LIMIT_PER_MINUTE: "1000000", BATCH_MAX_WAIT_MS: "50" },
      log: (source, line) => this.#watch(source, line),
    });
    const deployment = await readDeployment(this.#network.deploymentFile);
    const provider = connectRpc(this.#network.rpcUrl, { chainId: deployment.chainId });
    this.#destroy = () => provider.destroy();
    this.#client = LedgerClient.connect({ deployment, provider, pollIntervalMs: 50 });
    this.#say(`  ready in ${seconds(Date.now() - startedAt)}: ${this.#network.parties.map((p) => `${p.code} ${p.url}`).join(", ")}`);
  }

  /** Stops every server and the chain. */
  async stop(): Promise<void> {
    this.#destroy?.();
    await this.#network?.stop();
  }

  #watch(source: string, line: string): void {
    if (process.env.SCENARIO_DEBUG && /ipfs|replication|warn|error/i.test(line)) console.error(`[${source}] ${line}`);
    if (!line.includes("replication: payload pinned")) return;
    const cid = /"cid":"([^"]+)"/.exec(line)?.[1];
    if (cid === undefined) return;
    if (!this.#pinned.has(source)) this.#pinned.set(source, new Set());
    this.#pinned.get(source)!.add(cid);
  }

  /** Step 1: KG's test laboratory anchors a test report on the product, addressed to KZ. */
  async step1(): Promise<{ certHash: string }> {
    const kg = this.party("KG");
    this.#say("1. KG's test laboratory anchors a test report on the product (addressed to KZ).");
    const credential = buildCredential(this.#testReportInput(kg));
    this.testReport = await this.#anchor(kg, kg.lab!.token, credential, ["KZ"]);
    this.#say(`   anchored: ${this.testReport}`);
    return { certHash: this.testReport };
  }

  /** Step 2: KG's certification body anchors a conformity certificate that links the test report, addressed to KZ. */
  async step2(): Promise<{ certHash: string }> {
    const kg = this.party("KG");
    this.#say("2. KG's certification body anchors a conformity certificate for the same product, linking the test report");
    this.#say("   by its certHash (the assessment's evidence), addressed to KZ: only KZ's key and the holder's link open it.");
    this.certificate = await this.#anchor(kg, kg.issuerToken, buildCredential(this.#certificateInput(kg, "KG-CC")), ["KZ"]);
    this.#say(`   anchored: ${this.certificate}`);
    return { certHash: this.certificate };
  }

  /** Step 3: KZ's customs verifies the certificate through the KZ server, as KZ (its party key opens the payload). */
  async step3(): Promise<{ kz: Verified }> {
    const kz = this.party("KZ");
    this.#say("3. At the KZ border, customs verifies the certificate through the KZ server.");
    // The payload comes from KG's node over bitswap: the first answer may wait for it.
    const answer = await until(
      "KZ's server verifies the certificate",
      () => this.verify(kz, this.certificate, { asParty: true }),
      (a) => a.payload.result === "pass" && a.report.verdict !== "NOT_FOUND",
    );
    this.#say(`   verdict ${answer.report.verdict}; recognised by KZ: ${check(answer.report, "recognition").result}`);
    this.#say(`   payload: ${answer.payload.detail}`);
    for (const linked of answer.report.linked ?? [])
      this.#say(`   linked ${linked.certTypeName ?? "certificate"} ${linked.certHash} (${linked.party}): ${linked.verdict}`);
    return { kz: answer };
  }

  /**
   * Step 4: the trader hands a bank the verification link; the bank verifies at the UZ server, opens the payload with
   * the link's key (the key never reaches a server), and checks the proof bundle against the chain alone.
   */
  async step4(): Promise<{ uz: Verified; documentOpened: boolean; offline: VerificationReport }> {
    const kg = this.party("KG");
    const uz = this.party("UZ");
    this.#say("4. The trader gives a bank the verification link; the bank verifies it through the UZ server.");
    const { link, linkKey } = (await api<{ link: string; linkKey: string }>(kg, `/v1/certificates/${this.certificate}/link`, {
      token: kg.issuerToken,
    }))!;
    const url = new URL(link);
    const certHash = url.pathname.split("/").pop()!;
    const key = new URLSearchParams(url.hash.slice(1)).get("k") ?? linkKey;
    const answer = await this.verify(uz, certHash);
    const cid = answer.report.certificate!.payloadCid!;
    const payload = await fetch(`${uz.url}/v1/payloads/${cid}`);
    const document = await decryptWithLinkKey(new Uint8Array(await payload.arrayBuffer()), key);
    const documentOpened = certHashOf(document) === certHash;
    this.#say(`   UZ server: ${answer.report.verdict}; the link's key opens the payload to the anchored document: ${documentOpened}`);
    const bundle = await api<unknown>(uz, `/v1/certificates/${certHash}/bundle`);
    const { report: offline } = await verifyProofBundle(bundle, { rpcUrl: this.#network!.rpcUrl });
    this.#say(`   offline, the proof bundle against the chain alone: ${offline.verdict}`);
    return { uz: answer, documentOpened, offline };
  }

  /**
   * Step 5: KG anchors a replacement and revokes the certificate (superseded, naming the replacement); measures how
   * long after the revocation's block KZ's and UZ's servers report REVOKED.
   */
  async step5(): Promise<RevocationFigures & { reports: Record<string, VerificationReport> }> {
    const kg = this.party("KG");
    this.#say("5. KG revokes the certificate (reason: superseded) and names a replacement certificate.");
    this.replacement = await this.#anchor(kg, kg.issuerToken, buildCredential(this.#certificateInput(kg, "KG-CC2")), ["KZ"]);
    this.#say(`   replacement anchored: ${this.replacement}`);
    const client = this.#client!;
    const watchers = ["KZ", "UZ"].map((code) => ({ code, party: this.party(code) }));
    const revocation: { block?: number } = {};
    let blockSeenAt: number | undefined;
    const reports: Record<string, VerificationReport> = {};
    const seenAt: Record<string, number> = {};
    let done = false;
    // Watchers poll from before the revocation is sent: the chain for its block, each server for the verdict.
    const chainWatch = (async () => {
      while (!done && blockSeenAt === undefined) {
        const head = await client.provider.getBlockNumber();
        if (revocation.block !== undefined && head >= revocation.block) blockSeenAt = Date.now();
        else await sleep(5);
      }
    })();
    const serverWatches = watchers.map(async ({ code, party }) => {
      const deadline = Date.now() + STEP_TIMEOUT_MS;
      while (Date.now() < deadline) {
        const { report } = await this.verify(party, this.certificate, { asParty: false });
        if (report.verdict === "REVOKED") {
          seenAt[code] = Date.now();
          reports[code] = report;
          return;
        }
        await sleep(10);
      }
      throw new Error(`${code}'s server did not report the revocation within ${STEP_TIMEOUT_MS} ms`);
    });
    const revoked = await api<{ blockNumber: number }>(kg, `/v1/certificates/${this.certificate}/revoke`, {
      method: "POST",
      token: kg.issuerToken,
      json: { reason: "superseded", replacement: this.replacement },
    });
    revocation.block = revoked!.blockNumber;
    const revocationBlock = revocation.block;
    try {
      await Promise.all(serverWatches);
    } finally {
      done = true;
      await chainWatch;
    }
    // A server may have answered before this process's own poll saw the block: such a delay counts as 0.
    const delaysMs = Object.fromEntries(watchers.map(({ code }) => [code, Math.max(0, seenAt[code] - (blockSeenAt ?? seenAt[code]))]));
    for (const { code } of watchers)
      this.#say(`   ${code}'s server reports REVOKED ${delaysMs[code]} ms after the revocation's block (${revocationBlock}) appeared`);
    return { blockNumber: revocationBlock, delaysMs, reports };
  }

  /**
   * Step 6: the consortium admits TJ (KG's admin proposes, KZ's approves: the threshold is 2 of 3; UZ's executes);
   * TJ's server starts, joins the IPFS network through the ledger and verifies the earlier test report.
   */
  async step6(): Promise<{ proposalId: bigint; tj: Verified; joinMs: number }> {
    const client = this.#client!;
    const admin = (index: number) => client.withSigner(networkAdminWallet(index).connect(client.provider));
    this.#say("6. The consortium admits TJ by vote: KG proposes, KZ approves (threshold 2 of 3), UZ executes.");
    const { proposalId } = await admin(0).propose({ kind: "AdmitParty", party: "TJ", admin: networkAdminWallet(3).address });
    await admin(1).approve(proposalId);
    await admin(2).execute(proposalId);
    this.#say(`   proposal ${proposalId} executed: TJ is ${(await client.getParty("TJ"))?.status}`);
    const startedAt = Date.now();
    const tj = await this.#network!.addParty("TJ");
    const joinMs = Date.now() - startedAt;
    this.#say(`   TJ's server started and announced its IPFS node in ${seconds(joinMs)}; it verifies the earlier test report:`);
    const answer = await until(
      "TJ's server verifies the test report",
      () => this.verify(tj, this.testReport),
      (a) => a.payload.result === "pass",
    );
    this.#say(`   ${answer.report.verdict}; recognised by TJ: ${check(answer.report, "recognition").result}; ${answer.payload.detail}`);
    return { proposalId, tj: answer, joinMs };
  }

  /**
   * Step 7: once KZ's replicator has pinned the payloads addressed to KZ, KG's server (and with it its IPFS node) stops;
   * UZ verifies the replacement, KZ opens it, and TJ verifies the revoked certificate — none of which had its payload.
   */
  async step7(): Promise<{ uz: Verified; kz: Verified; tj: Verified; pinnedAtKz: string[] }> {
    const kg = this.party("KG");
    const cids = await Promise.all(
      [this.testReport, this.certificate, this.replacement].map(async (h) => (await this.verify(kg, h)).report.certificate!.payloadCid!),
    );
    await until(
      "KZ's server pins the payloads addressed to KZ",
      async () => [...(this.#pinned.get("KZ") ?? [])],
      (pinned) => cids.every((cid) => pinned.includes(cid)),
    );
    this.#say("7. KZ's server has pinned the three payloads addressed to KZ. KG's server and IPFS node stop.");
    await this.#network!.stopParty("KG");
    const uz = await this.verify(this.party("UZ"), this.replacement);
    this.#say(`   UZ verifies the replacement: ${uz.report.verdict}; ${uz.payload.detail}`);
    const kz = await this.verify(this.party("KZ"), this.replacement, { asParty: true });
    this.#say(`   KZ verifies it as KZ: ${kz.report.verdict}; ${kz.payload.detail}`);
    const tj = await this.verify(this.party("TJ"), this.certificate);
    this.#say(`   TJ verifies the revoked certificate: ${tj.report.verdict}; ${tj.payload.detail}`);
    return { uz, kz, tj, pinnedAtKz: [...(this.#pinned.get("KZ") ?? [])] };
  }

  /** Verifies `certHash` at `party`'s server for that party (as its admin when `asParty`: its key opens the payload). */
  async verify(party: NetworkParty, certHash: string, options: { asParty?: boolean } = {}): Promise<Verified> {
    const body = await api<{ report: VerificationReport }>(party, `/v1/verify/${certHash}?forParty=${party.code}`, {
      token: options.asParty ? party.adminToken : undefined,
    });
    const { report } = body!;
    const payload = check(report, "payload");
    return { report, payload: { result: payload.result, detail: payload.detail } };
  }

  async #anchor(party: NetworkParty, token: string, credential: unknown, recipients: string[]): Promise<string> {
    const { certHash } = (await api<{ certHash: string }>(party, "/v1/certificates", {
      method: "POST",
      token,
      json: { credential, recipients },
    }))!;
    await until(
      `${party.code} anchors ${certHash}`,
      () => api<{ anchoring?: string }>(party, `/v1/certificates/${certHash}`),
      (answer) => answer?.anchoring === "anchored",
    );
    return certHash;
  }

  /** What the test report and the certificate assess alike: the boots, against TR CU 007/2011, today. */
  #bootsAssessment() {
    return {
      assessmentDate: new Date().toISOString().slice(0, 10),
      referenceRegulation: { name: "TR CU 007/2011 On the safety of products for children and adolescents", jurisdictionCountry: "KG" },
      conformityTopic: "product.safety",
      conformance: true,
      assessedProduct: [{ product: { name: this.#product, hsCode: "6403919800" }, IDverifiedByCAB: true }],
    };
  }

  #testReportInput(kg: NetworkParty): CredentialInputOf<"testReport"> {
    return {
      certificateType: "testReport",
      issuer: { party: "KG", authorityId: kg.lab!.authorityId, name: "KG test laboratory" },
      certificateNumber: `KG-TL-${Date.now()}`,
      ...validity(),
      subject: {
        name: "Test report: children's leather boots, chemical safety and sole adhesion",
        assessorLevel: "3rdParty",
        issuedToParty: { name: "Ak-Bata Shoes LLC", countryCode: "KG" },
        assessment: [
          {
            ...this.#bootsAssessment(),
            declaredValue: [{ metricName: "Chromium (VI)", metricValue: { value: 1.2, unit: "NA" } }],
          },
        ],
      },
    };
  }

  #certificateInput(kg: NetworkParty, prefix: string): CredentialInputOf<"conformityCertificate"> {
    return {
      certificateType: "conformityCertificate",
      issuer: { party: "KG", authorityId: kg.authorityId, name: "KG certification body" },
      certificateNumber: `${prefix}-${Date.now()}`,
      ...validity(),
      subject: {
        name: "Certificate of conformity: children's footwear",
        assessorLevel: "3rdParty",
        issuedToParty: { name: "Ak-Bata Shoes LLC", countryCode: "KG" },
        scope: { name: "EAEU conformity assessment scheme 1s" },
        assessment: [
          {
            ...this.#bootsAssessment(),
            evidence: [{ linkName: "Test report of the KG test laboratory", hashDigest: this.testReport.slice(2), hashMethod: "SHA-256" }],
          },
        ],
      },
    };
  }
}

/** A check of a report by id. */
export function check(report: VerificationReport, id: string): { result: string; detail: string } {
  return report.checks.find((c) => c.id === id) ?? { result: "missing", detail: `no ${id} check` };
}

function validity() {
  return {
    validFrom: new Date().toISOString(),
    validUntil: new Date(Date.now() + CERTIFICATE_VALIDITY_DAYS * 86_400_000).toISOString(),
  };
}

/** Calls `party`'s API; a status other than 2xx throws with the problem's text. */
async function api<T>(
  party: NetworkParty,
  route: string,
  init: { method?: string; token?: string; json?: unknown } = {},
): Promise<T | undefined> {
  const answer = await partyApi(party, route, init);
  if (answer.status < 200 || answer.status > 299)
    throw new Error(`${init.method ?? "GET"} ${party.code} ${route}: ${answer.status} ${answer.text}`);
  return answer.body as T | undefined;
}

/** Calls `probe` until `done` says its answer is the one awaited (within 30 s), and returns that answer. */
async function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (done(last)) return last;
    await sleep(100);
  }
  throw new Error(
    `${what}: not within ${STEP_TIMEOUT_MS} ms (last: ${JSON.stringify(last, (_, v: unknown) => (typeof v === "bigint" ? String(v) : v))})`,
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
