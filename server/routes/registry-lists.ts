import type { Router } from "express";
import { z } from "zod";
import type { RegistryEvent } from "../../src/index";
import type { AppDependencies } from "../dependencies";
import { defineOperation, mount, problems, type MountContext } from "../operation";
import { authorityParams, authorityView, hash, partyCode } from "../schemas";
import { authorityJson, isoSeconds } from "../views";

/**
 * Read-only lists of the registry that the issuer console shows and picks from (parties for recipients and
 * recognition, a party's authorities, an authority's keys, a party's recognition decisions). Everything here is public
 * on the ledger already; the lists come from the chain index (and the ledger for keys' current state), so they follow
 * the chain a poll behind.
 */

const partyListing = z.object({
  parties: z.array(
    z.object({
      code: z.string(),
      status: z.enum(["Active", "Suspended"]),
      encryptionKey: z.boolean().meta({ description: "whether it registered an encryption key (it can be a recipient)" }),
    }),
  ),
});

const authorityListing = z.object({ authorities: z.array(authorityView) });

const signingKeyListing = z.object({
  keys: z.array(
    z.object({
      thumbprint: hash,
      alg: z.string(),
      validFrom: z.string(),
      validUntil: z.string(),
      compromisedAt: z.string().optional(),
    }),
  ),
});

const recognitionListing = z.object({
  importer: z.string(),
  decisions: z.array(
    z.object({
      issuer: z.string().optional(),
      authorityId: z.int().optional(),
      types: z.array(z.int()).meta({ description: "the certificate types recognised ([]: recognition withdrawn)" }),
      at: z.string(),
    }),
  ),
});

/** The registry lists, public like the ledger itself. */
export const registryListOperations = {
  parties: defineOperation({
    operationId: "listParties",
    method: "get",
    path: "/v1/parties",
    summary: "The consortium's parties, and whether each can receive encrypted payloads",
    tags: ["registry"],
    auth: "optional",
    rateLimited: true,
    responses: { 200: { description: "the parties", schema: partyListing }, ...problems(429, 503) },
  }),
  authorities: defineOperation({
    operationId: "listAuthorities",
    method: "get",
    path: "/v1/authorities",
    summary: "The issuing authorities (of one party with `?party=`), as the chain index knows them",
    tags: ["authorities"],
    auth: "optional",
    rateLimited: true,
    query: z.strictObject({ party: partyCode.optional() }),
    responses: { 200: { description: "the authorities", schema: authorityListing }, ...problems(400, 429, 503) },
  }),
  keys: defineOperation({
    operationId: "listSigningKeys",
    method: "get",
    path: "/v1/authorities/{id}/keys",
    summary: "An authority's signing keys, with their validity and compromise time",
    tags: ["signing keys"],
    auth: "optional",
    rateLimited: true,
    params: authorityParams,
    responses: { 200: { description: "the keys", schema: signingKeyListing }, ...problems(400, 429, 503) },
  }),
  recognition: defineOperation({
    operationId: "listRecognition",
    method: "get",
    path: "/v1/recognition",
    summary: "A party's current recognition decisions (the latest per issuing party or authority)",
    tags: ["recognition"],
    auth: "optional",
    rateLimited: true,
    query: z.strictObject({ importer: partyCode }),
    responses: { 200: { description: "the decisions", schema: recognitionListing }, ...problems(400, 429, 503) },
  }),
};

/** Mounts the registry lists. */
export function mountRegistryListRoutes(router: Router, deps: AppDependencies, context: MountContext): void {
  mount(router, registryListOperations.parties, context, async () => {
    const codes = await deps.client.partyCodes();
    const parties = [];
    for (const code of codes) {
      const party = await deps.client.getParty(code);
      if (party) parties.push({ code, status: party.status, encryptionKey: party.encryptionKeyThumbprint !== undefined });
    }
    return { status: 200, body: { parties } };
  });

  mount(router, registryListOperations.authorities, context, async ({ query }) => {
    const authorities = deps.index.authorities({ party: query.party });
    return { status: 200, body: { authorities: authorities.map((a) => authorityJson(a, a.accounts)) } };
  });

  mount(router, registryListOperations.keys, context, async ({ params }) => {
    const thumbprints = new Set<string>();
    for (const e of deps.index.events("authority", params.id)) {
      if (e.event === "SigningKeyAdded") thumbprints.add(String(e.args.thumbprint));
      if (e.event === "SigningKeyRotated") thumbprints.add(String(e.args.replacement));
    }
    const keys = [];
    for (const thumbprint of thumbprints) {
      const key = await deps.client.getSigningKey(params.id, thumbprint);
      if (!key) continue;
      keys.push({
        thumbprint: key.thumbprint,
        alg: key.alg,
        validFrom: isoSeconds(key.validFrom),
        validUntil: isoSeconds(key.validUntil),
        compromisedAt: key.compromisedAt === undefined ? undefined : isoSeconds(key.compromisedAt),
      });
    }
    return { status: 200, body: { keys } };
  });

  mount(router, registryListOperations.recognition, context, async ({ query }) => {
    // Each decision replaces the earlier one for the same issuer, so the latest event per issuer is the decision now.
    const latest = new Map<string, RegistryEvent>();
    for (const e of deps.index.events("recognition", query.importer)) {
      const key = e.event === "PartyRecognitionSet" ? `party:${String(e.args.issuer)}` : `authority:${String(e.args.authorityId)}`;
      latest.set(key, e);
    }
    const decisions = [...latest.values()].map((e) => ({
      issuer: e.event === "PartyRecognitionSet" ? String(e.args.issuer) : undefined,
      authorityId: e.event === "AuthorityRecognitionSet" ? Number(e.args.authorityId) : undefined,
      types: typesOf(BigInt(e.args.types)),
      at: isoSeconds(e.timestamp),
    }));
    return { status: 200, body: { importer: query.importer, decisions } };
  });
}

/** The type numbers in a ledger bit set. */
function typesOf(set: bigint): number[] {
  const types: number[] = [];
  for (let type = 1; type < 64; type++) if ((set >> BigInt(type)) & 1n) types.push(type);
  return types;
}
