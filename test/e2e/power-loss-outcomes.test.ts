/**
 * Power loss on the embedded node for the importing side: an outcome and a write-off the API answered 201 are on the
 * chain the node has after a power cut (the server's process group and its anvil SIGKILLed the moment the answers
 * came), not only in the last seconds of blocks the embedded chain had not written to disk yet.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { buildCredential } from "../../src/documents/credentials";
import { EXAMPLE_INPUTS } from "../documents/credential-examples";
import { eventually, freePort, startNode, type NodeProcess } from "./node-process";

interface Demo {
  parties: Record<string, { adminToken: string; authorities: { id: number; token: string }[]; agencies: { token: string }[] }>;
}

describe("power loss: what the importing side answered 201 survives a power cut of the embedded node", function () {
  this.timeout(180_000);
  let node: NodeProcess | undefined;
  let dataDir: string | undefined;
  afterEach(async function () {
    if (node && node.child.exitCode === null && node.child.signalCode === null) {
      node.child.kill("SIGINT");
      await node.exited;
    }
    if (dataDir && this.currentTest?.state === "passed") await rm(dataDir, { recursive: true, force: true });
  });

  it("an acceptance and a write-off answered 201 are there after the server and its anvil are SIGKILLed at once", async function () {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "certledger-power-outcomes-"));
    const folder = dataDir;
    const ports = { CHAIN_PORT: String(await freePort()), PORT: String(await freePort()) };
    const api = `http://127.0.0.1:${ports.PORT}`;
    node = startNode({ DATA_DIR: folder, ...ports }, { detached: true });
    await node.ready();
    const demo = JSON.parse(await readFile(path.join(folder, "demo-credentials.json"), "utf8")) as Demo;
    const call = async (route: string, method: string, token: string | undefined, body?: unknown) => {
      const response = await fetch(api + route, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const chamber = demo.parties.KZ.authorities[0];
    const customs = demo.parties.KG.agencies[0].token;
    expect(
      (await call("/v1/recognition", "PUT", demo.parties.KG.adminToken, { issuer: "KZ", types: ["certificateOfOrigin"] })).status,
    ).to.equal(200);
    const credential = buildCredential({
      ...EXAMPLE_INPUTS.certificateOfOrigin,
      issuer: { party: "KZ", authorityId: chamber.id, name: "KZ chamber of commerce" },
      certificateNumber: `KZ-CO-POWER-${Date.now()}`,
      validFrom: new Date().toISOString(),
      validUntil: new Date(Date.now() + 90 * 86_400_000).toISOString(),
    });
    const { certHash } = (await call("/v1/certificates", "POST", chamber.token, { credential })).body as { certHash: string };
    await eventually("anchored", async () => (await call(`/v1/certificates/${certHash}`, "GET", undefined)).body.anchoring === "anchored");
    const document = await (
      await fetch(`${api}/v1/certificates/${certHash}/document`, { headers: { authorization: `Bearer ${chamber.token}` } })
    ).text();
    // Let the anchoring's own state write pass, so that what follows is only the importing side's.
    await new Promise((resolve) => setTimeout(resolve, 500));

    const accepted = await call(`/v1/certificates/${certHash}/outcomes`, "POST", customs, { outcome: "accepted", credential: document });
    expect(accepted.status, JSON.stringify(accepted.body)).to.equal(201);
    const written = await call(`/v1/certificates/${certHash}/utilisations`, "POST", customs, {
      declaration: "KG-DT-POWER",
      items: [{ item: 1, quantity: 10_000, unit: "KGM" }],
      credential: document,
    });
    expect(written.status, JSON.stringify(written.body)).to.equal(201);
    // The power goes the moment the answers came: the server's whole process group, its anvil with it.
    const anvilPid = Number(await readFile(path.join(folder, "chain", "anvil.pid"), "utf8"));
    process.kill(-node.child.pid!, "SIGKILL");
    try {
      process.kill(anvilPid, "SIGKILL");
    } catch {
      // already gone with the group
    }
    await node.exited;

    node = startNode({ DATA_DIR: folder, ...ports }, { detached: true });
    await node.ready();
    const use = (await call(`/v1/certificates/${certHash}/use`, "GET", undefined)).body as {
      use: { outcomes: { party: string; outcome: string }[]; items: { used: string }[] };
    };
    expect(use.use.outcomes.map((o) => `${o.party}:${o.outcome}`)).to.deep.equal(["KG:accepted"]);
    expect(use.use.items.map((i) => i.used)).to.deep.equal(["10000"]);
  });
});
