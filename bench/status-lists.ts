/**
 * The standard views' figures (issue 16):
 *  - how long after a status event's block the updated status list is served: certificates a KG authority signed
 *    through the API are revoked or suspended one by one; from the moment the status call answers (its transaction in
 *    a block) the list is polled until its bit is set, read and decoded as a verifier would;
 *  - what regenerating one list of 131,072 entries costs: a list three quarters full (98,304 credentials, the most a
 *    list takes before the next opens) of which 10% are revoked, rebuilt from the views store, compressed and signed.
 *    The store, the compression and the signature are the product's; the index's answer (which of the authority's
 *    certificates are revoked) is given, not read from a million-certificate index.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { generateSigningKey, jwkThumbprintHex } from "../src/crypto/keys";
import { buildCredential } from "../src/documents/credentials";
import { StandardViewsPublisher, statusBit, verifyStatusList, ViewsStore } from "../src/standard-views";
import { EXAMPLE_INPUTS } from "../test/documents/credential-examples";
import { report } from "./report";

type Demo = { parties: Record<string, { authorities: { id: number; name: string; token: string }[] }> };

/** Time from status events to the updated list being served, over `count` events on the node at `api`. */
export async function benchStatusListLag(options: { api: string; demo: Demo; count: number }): Promise<void> {
  const { api, demo, count } = options;
  const a = demo.parties.KG.authorities[0];
  const post = async (route: string, body: unknown) => {
    const response = await fetch(`${api}${route}`, {
      method: "POST",
      headers: { authorization: `Bearer ${a.token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${route}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const issued: { certHash: string; jws: string }[] = [];
  for (let i = 0; i < count; i++) {
    const credential = buildCredential({
      ...EXAMPLE_INPUTS.conformityCertificate,
      issuer: { party: "KG", authorityId: a.id, name: a.name },
      certificateNumber: `BENCH-SL-${i}-${randomBytes(3).toString("hex")}`,
      validUntil: new Date(Date.now() + 90 * 86_400_000).toISOString(),
    });
    const { certHash } = (await post("/v1/certificates", { credential })) as { certHash: string };
    issued.push({ certHash, jws: "" });
  }
  for (const item of issued) {
    for (;;) {
      const state = (await (
        await fetch(`${api}/v1/certificates/${item.certHash}`, { headers: { authorization: `Bearer ${a.token}` } })
      ).json()) as {
        anchoring?: string;
      };
      if (state.anchoring === "anchored") break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    item.jws = await (
      await fetch(`${api}/v1/certificates/${item.certHash}/document`, { headers: { authorization: `Bearer ${a.token}` } })
    ).text();
  }
  const lags: number[] = [];
  for (const [i, item] of issued.entries()) {
    const purpose = i % 2 === 0 ? "revocation" : "suspension";
    const entry = (
      JSON.parse(Buffer.from(item.jws.split(".")[1], "base64url").toString()) as {
        credentialStatus: { statusPurpose: string; statusListIndex: string; statusListCredential: string }[];
      }
    ).credentialStatus.find((e) => e.statusPurpose === purpose)!;
    await post(
      `/v1/certificates/${item.certHash}/${purpose === "revocation" ? "revoke" : "suspend"}`,
      purpose === "revocation" ? { reason: "superseded" } : {},
    );
    const t0 = performance.now();
    for (;;) {
      const answer = await fetch(entry.statusListCredential);
      // The node bench/api.ts starts lifts the public rate limit; another node would answer 429 to this polling.
      if (!answer.ok) throw new Error(`${entry.statusListCredential}: HTTP ${answer.status} ${await answer.text()}`);
      const list = await verifyStatusList(await answer.text());
      if (statusBit(list.bits, Number(entry.statusListIndex))) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    lags.push(performance.now() - t0);
  }
  lags.sort((x, y) => x - y);
  report(
    `status lists: a status event's block to the updated list served, over ${count} revocations and suspensions: ` +
      `p50 ${lags[Math.floor(lags.length / 2)].toFixed(0)} ms, max ${lags[lags.length - 1].toFixed(0)} ms (ttl 60,000 ms)`,
  );
}

/** The cost of regenerating one list of 131,072 entries, 98,304 of them given to credentials, 10% revoked. */
export async function benchStatusListRegeneration(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "certledger-views-bench-"));
  const store = ViewsStore.open(path.join(dir, "views.sqlite"));
  try {
    const key = await generateSigningKey();
    const revoked: string[] = [];
    const filled = 98_304;
    for (let i = 0; i < filled; i++) {
      const certHash = "0x" + randomBytes(32).toString("hex");
      store.bindSlot(store.reserveSlot(1), certHash);
      if (i % 10 === 0) revoked.push(certHash);
    }
    const publisher = new StandardViewsPublisher({
      publicUrl: "https://certledger.example.kg",
      store,
      client: {} as never,
      index: {
        hashesWithStatus: (_id: number, status: string) => (status === "Revoked" ? revoked : []),
        authority: () => undefined,
      },
      keyring: { signingKey: () => ({ ...key, thumbprint: jwkThumbprintHex(key.publicJwk) }), partyCodes: () => ["KG"] },
    });
    const signingKey = { ...key, thumbprint: jwkThumbprintHex(key.publicJwk) };
    await publisher.buildStatusList(1, "revocation", 0, signingKey);
    const runs = 20;
    const started = performance.now();
    let bytes = 0;
    for (let i = 0; i < runs; i++) bytes = (await publisher.buildStatusList(1, "revocation", 0, signingKey)).length;
    const ms = (performance.now() - started) / runs;
    report(
      `status lists: regenerating a list of 131,072 entries (${filled.toLocaleString("en")} given, ${revoked.length.toLocaleString("en")} revoked): ` +
        `${ms.toFixed(1)} ms each (read, GZIP, sign), ${bytes.toLocaleString("en")} bytes served`,
    );
  } finally {
    store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
