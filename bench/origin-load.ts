/**
 * `npm run bench` (part): origin declarations through the API, as an exporter and a border use them — KG's origin
 * authority registers an exporter; the exporter declares origin `count` times, `concurrency` at a time (each checked,
 * signed with its key, recorded in the origin registry — a transaction it waits for — and queued for anchoring); once
 * all are anchored, KZ's customs verifies each for KZ by hash, never verified before (each reads the registry:
 * the declaration, the registration, the agreement, KZ's recognition under it). Prints declarations per second,
 * verifications per second and their latency; asserts nothing.
 */
import { report, timedRequests } from "./report";

interface DemoParty {
  adminToken: string;
  authorities: { id: number; token: string }[];
}

export async function benchDeclarations(options: {
  api: string;
  demo: { parties: Record<string, DemoParty> };
  count: number;
  concurrency: number;
}): Promise<void> {
  const { api, demo, count, concurrency } = options;
  const call = async (route: string, method: string, token: string | undefined, body: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(api + route, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as Record<string, unknown>;
    if (response.status >= 300) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  };
  const registration = await call("/v1/registrations", "POST", demo.parties.KG.authorities[0].token, {
    kind: "exporter",
    number: `KG-REX-BENCH-${Date.now()}`,
    name: "Osh Dried Fruit LLC",
    address: "12 Kurmanjan Datka St, Osh",
    headings: ["0813"],
    validUntil: new Date(Date.now() + 365 * 86_400_000).toISOString(),
    consent: true,
  });
  const exporter = registration.token as string;
  const run = async (what: string, request: (i: number) => Promise<unknown>, note: string) => {
    const t = await timedRequests(count, concurrency, request);
    report(
      `origin: ${count} ${what} in ${t.seconds.toFixed(2)} s: ${t.perSecond}/s ` +
        `(${concurrency} at a time; p50 ${t.p50} ms, p99 ${t.p99} ms; ${note})`,
    );
  };
  const hashes: string[] = [];
  const stamp = Date.now();
  await run(
    "declarations (exporter's credential, 1 goods line)",
    async (i) => {
      const answer = await call("/v1/declarations", "POST", exporter, {
        tradeAgreement: "KG-KZ",
        importingCountry: "KZ",
        invoice: { number: `INV-BENCH-${stamp}-${i}`, date: "2026-12-01" },
        goods: [
          {
            itemNumber: 1,
            description: "Dried apricots",
            hsCode: "081310",
            originCriterion: "WO",
            quantity: { value: 12000, unit: "KGM" },
          },
        ],
      });
      hashes[i] = answer.certHash as string;
    },
    "each checked, signed with the exporter's key, recorded in the registry (waiting for its transaction) and queued",
  );
  for (const certHash of hashes) {
    for (;;) {
      const answer = (await (await fetch(`${api}/v1/certificates/${certHash}`)).json()) as { anchoring?: string };
      if (answer.anchoring === "anchored") break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await run(
    "verifications of declarations for KZ, by hash, cold",
    async (i) => {
      const answer = await call("/v1/verify", "POST", undefined, { certHash: hashes[i], forParty: "KZ" });
      if ((answer.report as { verdict: string }).verdict !== "VALID") throw new Error(`declaration ${hashes[i]} did not verify VALID`);
    },
    "each never verified before: ledger, payload and the registry's declaration, registration, agreement and recognition",
  );
}
