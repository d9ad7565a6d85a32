/**
 * Property: nothing a client sends makes the server answer 5xx. Every operation of the API is fed random path
 * parameters, query strings and bodies (JSON, text, forms, wrong content types), with and without tokens, and every
 * answer must be below 500 — and, when it is a failure, problem+json.
 */
import { expect } from "chai";
import fc from "fast-check";
import { z } from "zod";
import { openApiOperations } from "../../server/openapi";
import type { Operation } from "../../server/operation";
import { operations } from "../../server/routes";
import { call, startServer, stopPayloadStore, stopServers, type TestServer } from "./server-world";

const RUNS_PER_OPERATION = 40;

type Body = RequestInit["body"];

const pathValue = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.stringMatching(/^(0x)?[0-9a-fA-F]{60,68}$/),
  fc.stringMatching(/^[0-9]{1,12}$/),
  fc.constantFrom("0", "-1", "1e3", "0x" + "0".repeat(64), "b".repeat(60), "..", "%00", "%ZZ", "%E0%A4%A", "%"),
);

const queryValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom("KG", "kg", "1", "true", "2026-01-01T00:00:00Z", "99999999999999", "active"),
);
const queryKeys = fc.constantFrom(
  "number",
  "party",
  "authority",
  "anchoring",
  "status",
  "type",
  "limit",
  "offset",
  "asOf",
  "forParty",
  "receipt",
  "x",
);

/** Random JSON, and random objects of the operation's own members (so that requests get past the shape check). */
const jsonBody = (members: string[] | undefined) =>
  fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc
      .record(
        {
          certHash: pathValue,
          jws: fc.string(),
          credential: fc.jsonValue({ maxDepth: 2 }),
          bundle: fc.jsonValue({ maxDepth: 2 }),
          number: fc.string(),
          party: fc.constantFrom("KG", "KZ", "kz", "XX", ""),
          reason: fc.oneof(fc.integer({ min: -5, max: 300 }), fc.string()),
          effectiveAt: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(Number.MAX_SAFE_INTEGER)),
          asOf: fc.oneof(fc.integer(), fc.string(), fc.constant(9_007_199_254_740_991)),
          validUntil: fc.oneof(fc.integer({ min: 0 }), fc.string(), fc.constant(253_402_300_799)),
          items: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
          types: fc.array(fc.oneof(fc.integer({ min: -1, max: 70 }), fc.string()), { maxLength: 4 }),
          scope: fc.array(fc.oneof(fc.integer({ min: -1, max: 70 }), fc.string()), { maxLength: 4 }),
          accounts: fc.array(fc.oneof(fc.string(), fc.stringMatching(/^0x[0-9a-f]{40}$/)), { maxLength: 3 }),
          name: fc.string(),
          thumbprint: fc.oneof(fc.string(), fc.stringMatching(/^0x[0-9a-f]{64}$/)),
          jwk: fc.jsonValue({ maxDepth: 2 }),
          recipients: fc.oneof(fc.array(fc.string(), { maxLength: 3 }), fc.string()),
          receipt: fc.oneof(fc.boolean(), fc.string()),
          issuer: fc.string({ maxLength: 3 }),
          authorityId: fc.oneof(fc.integer(), fc.string()),
        },
        { requiredKeys: [] },
      )
      .map((record) => (members ? Object.fromEntries(Object.entries(record).filter(([key]) => members.includes(key))) : record)),
  );

const body = (members: string[] | undefined) =>
  fc.oneof(
    jsonBody(members).map((value) => ({ headers: { "content-type": "application/json" }, body: JSON.stringify(value) as Body })),
    fc.string().map((text) => ({ headers: { "content-type": "application/json" }, body: text as Body })),
    fc
      .tuple(fc.constantFrom("text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data"), fc.string())
      .map(([type, text]) => ({ headers: { "content-type": type }, body: text as Body })),
    fc
      .tuple(
        fc.dictionary(fc.constantFrom("type", "number", "validUntil", "asOf", "forParty", "receipt", "recipients", "x"), fc.string()),
        fc.uint8Array({ maxLength: 64 }),
        fc.boolean(),
      )
      .map(([fields, bytes, withFile]) => {
        const data = new FormData();
        for (const [name, value] of Object.entries(fields)) data.append(name, value);
        if (withFile) data.append("file", new Blob([bytes]), "f.bin");
        return { headers: {}, body: data as Body };
      }),
    fc.constant({ headers: {}, body: undefined }),
  );

describe("API: no client input gives a 5xx (property)", function () {
  this.timeout(600_000);
  let server: TestServer;
  let tokens: (string | undefined)[];
  before(async function () {
    server = await startServer({ env: { MAX_FILE_BYTES: "1024" } });
    tokens = [undefined, await server.issuerToken(1), await server.adminToken("KG"), "garbage.token.here"];
  });
  after(async () => {
    await stopServers();
    await stopPayloadStore();
  });

  for (const operation of [...operations, ...Object.values(openApiOperations)] as Operation[]) {
    it(`${operation.method.toUpperCase()} ${operation.path}`, async function () {
      const members = operation.json instanceof z.ZodObject ? Object.keys(operation.json.shape as object) : undefined;
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(fc.constantFrom("certHash", "id", "cid", "account"), pathValue),
          fc.array(fc.tuple(queryKeys, queryValue), { maxLength: 4 }),
          body(members),
          fc.integer({ min: 0, max: tokens.length - 1 }),
          async (params, query, request, who) => {
            // Percent-garbage goes in raw, so that Express itself has to decode it; anything else is encoded.
            const path = operation.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
              const value = params[name] ?? "x";
              return /^[%A-Za-z0-9]+$/.test(value) ? value : encodeURIComponent(value);
            });
            const search = new URLSearchParams(query).toString();
            const withBody = operation.method !== "get";
            const answer = await call(server, search ? `${path}?${search}` : path, {
              method: operation.method.toUpperCase(),
              token: tokens[who],
              headers: withBody ? request.headers : {},
              body: withBody ? request.body : undefined,
            });
            expect(answer.status, `${operation.method} ${path}?${search}: ${answer.text.slice(0, 300)}`).to.be.below(500);
            if (answer.status >= 400) expect(answer.contentType).to.match(/^application\/problem\+json/);
          },
        ),
        { numRuns: RUNS_PER_OPERATION },
      );
    });
  }
});
