/**
 * `npm run bench` (part): the importing side through the API, as a border agency uses it — certificates of origin
 * (server-signed credentials) issued by KZ's chamber, presented to KG's customs with the credential, each accepted
 * (an outcome) and then written off by one import declaration (a utilisation), `concurrency` requests at a time. Prints
 * outcomes and write-offs per second and their latency; asserts nothing.
 */
import { buildCredential } from "../src/documents/credentials";
import { report, timedRequests } from "./report";

interface DemoParty {
  adminToken: string;
  authorities: { id: number; token: string }[];
  agencies: { token: string }[];
}

export async function benchOutcomes(options: {
  api: string;
  demo: { parties: Record<string, DemoParty> };
  count: number;
  concurrency: number;
}): Promise<void> {
  const { api, demo, count, concurrency } = options;
  const call = async (route: string, method: string, token: string, body: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(api + route, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as Record<string, unknown>;
    if (response.status >= 300) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  };
  await call("/v1/recognition", "PUT", demo.parties.KG.adminToken, { issuer: "KZ", types: ["certificateOfOrigin"] });
  const chamber = demo.parties.KZ.authorities[0];
  const customs = demo.parties.KG.agencies[0].token;
  const now = Date.now();
  const credential = (i: number) =>
    buildCredential({
      certificateType: "certificateOfOrigin",
      issuer: { party: "KZ", authorityId: chamber.id, name: "KZ chamber of commerce" },
      certificateNumber: `KZ-BENCH-CO-${now}-${i}`,
      validFrom: new Date(now).toISOString(),
      validUntil: new Date(now + 90 * 86_400_000).toISOString(),
      subject: {
        tradeAgreement: "CISFTA",
        exporter: { name: "Almaty Cotton LLP", address: "12 Dostyk Ave, Almaty", countryCode: "KZ" },
        consignee: { name: "Bishkek Textile LLC", address: "7 Chui Ave, Bishkek", countryCode: "KG" },
        exportingCountry: "KZ",
        importingCountry: "KG",
        countryOfOrigin: "KZ",
        transport: { mode: "road" },
        goods: [
          { itemNumber: 1, description: "Cotton yarn", hsCode: "520522", originCriterion: "WO", quantity: { value: 18000, unit: "KGM" } },
        ],
      },
    });
  // Issue them through the API (100 per request) and wait until all are anchored.
  const hashes: string[] = [];
  for (let start = 0; start < count; start += 100) {
    const items = Array.from({ length: Math.min(100, count - start) }, (_, i) => ({ credential: credential(start + i) }));
    const body = (await call("/v1/certificates/batch", "POST", chamber.token, { items })) as {
      results: { certificate?: { certHash: string }; problem?: unknown }[];
    };
    for (const r of body.results) {
      if (!r.certificate) throw new Error(`a certificate of origin was refused: ${JSON.stringify(r.problem)}`);
      hashes.push(r.certificate.certHash);
    }
  }
  for (const certHash of hashes) {
    for (;;) {
      const answer = (await (await fetch(`${api}/v1/certificates/${certHash}`)).json()) as { anchoring?: string };
      if (answer.anchoring === "anchored") break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const documents = await Promise.all(
    hashes.map(async (certHash) => {
      const response = await fetch(`${api}/v1/certificates/${certHash}/document`, {
        headers: { authorization: `Bearer ${chamber.token}` },
      });
      return response.text();
    }),
  );

  const run = async (what: string, request: (i: number) => Promise<unknown>) => {
    const t = await timedRequests(hashes.length, concurrency, request);
    report(
      `importing side: ${hashes.length} ${what} in ${t.seconds.toFixed(2)} s: ${t.perSecond}/s ` +
        `(${concurrency} at a time; p50 ${t.p50} ms, p99 ${t.p99} ms; each verifies the certificate at KG and waits for its transaction)`,
    );
  };
  await run("outcomes (accepted)", (i) =>
    call(`/v1/certificates/${hashes[i]}/outcomes`, "POST", customs, { outcome: "accepted", credential: documents[i] }),
  );
  await run("write-offs (one declaration, 1 item)", (i) =>
    call(`/v1/certificates/${hashes[i]}/utilisations`, "POST", customs, {
      declaration: `KG-BENCH-${i}`,
      items: [{ item: 1, quantity: 10_000, unit: "KGM" }],
      credential: documents[i],
    }),
  );
}
