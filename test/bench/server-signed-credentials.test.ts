import { expect } from "chai";
import { once } from "node:events";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { postCredentialBodies, serverSignedCredentialBodies } from "../../bench/server-signed-credentials";
import { validateCredential } from "../../src/documents/credentials";

const AUTHORITY = { id: 7, name: "Kyrgyz Standard Centre", token: "t0ken" };

describe("bench: server-signed credentials built before the clock, then sent", function () {
  it("builds every credential once, 100 to a body, each valid and numbered apart", function () {
    const bodies = serverSignedCredentialBodies(AUTHORITY, "KG", 250, "T");
    const items = bodies.map((body) => (JSON.parse(body) as { items: { credential: unknown }[] }).items);
    expect(items.map((request) => request.length)).to.deep.equal([100, 100, 50]);
    const numbers = items.flat().map(({ credential }) => validateCredential(credential).credentialSubject.certificateNumber);
    expect(new Set(numbers).size).to.equal(250);
    expect(numbers[0]).to.match(/^KG-T-\w+-0$/);
    expect(numbers[249]).to.match(/^KG-T-\w+-249$/);
  });

  it("posts each body once, as the authority, and returns the certHashes the node accepted", async function () {
    const seen: { auth?: string; items: number }[] = [];
    const server = createServer(async (request: IncomingMessage, response) => {
      let text = "";
      for await (const chunk of request) text += chunk;
      const { items } = JSON.parse(text) as { items: unknown[] };
      seen.push({ auth: request.headers.authorization, items: items.length });
      // The second item of each body is refused, as the node refuses one item alone.
      const results = items.map((_, i) =>
        i === 1 ? { error: { code: "INVALID_CREDENTIAL" } } : { certificate: { certHash: `0x${seen.length}-${i}` } },
      );
      response.writeHead(207, { "content-type": "application/json" }).end(JSON.stringify({ results }));
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    try {
      const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const hashes = await postCredentialBodies(api, AUTHORITY.token, serverSignedCredentialBodies(AUTHORITY, "KG", 450, "T"));
      expect(seen).to.have.length(5);
      expect(seen.every(({ auth }) => auth === "Bearer t0ken")).to.equal(true);
      expect(seen.map(({ items }) => items).sort()).to.deep.equal([100, 100, 100, 100, 50]);
      expect(hashes).to.have.length(450 - 5);
    } finally {
      server.close();
    }
  });
});
