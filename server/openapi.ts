import path from "node:path";
import type { Router } from "express";
import { z } from "zod";
import type { ServerConfig } from "./config";
import { defineOperation, mount, type MountContext, type Operation } from "./operation";
import { operations as routeOperations } from "./routes";
import { requestComponents, responseComponents } from "./schemas";

/**
 * The OpenAPI 3.1 document, generated from the operations and their zod schemas (zod 4's own JSON Schema output, which
 * is OpenAPI 3.1's dialect), and Swagger UI at /docs, served from swagger-ui-dist's files (no network needed).
 */

type JsonSchema = Record<string, unknown>;

const SWAGGER_DIR = path.dirname(require.resolve("swagger-ui-dist/package.json"));
const SWAGGER_FILES = ["swagger-ui.css", "index.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png"];

export const openApiOperations = {
  openapi: defineOperation({
    operationId: "openapi",
    method: "get",
    path: "/openapi.json",
    summary: "This document",
    tags: ["service"],
    responses: { 200: { description: "the OpenAPI 3.1 document", contentType: "application/json" } },
  }),
  docs: defineOperation({
    operationId: "docs",
    method: "get",
    path: "/docs",
    summary: "Swagger UI for this document",
    tags: ["service"],
    responses: { 200: { description: "an HTML page", contentType: "text/html" } },
  }),
};

/**
 * The API's version: its paths stay /v1; 0.2.0 gave every certificate answer `anchoring` and `status` (see info);
 * 0.3.0 added the importing side (border agencies, outcomes, utilisation, a report's `use`), nothing removed; 0.4.0 added
 * origin declarations (agreements, registered exporters and importers, declarations, recognition per agreement, a
 * report's `origin`), nothing removed; 0.5.0 added the standard views (did:web DID documents, Bitstring Status Lists,
 * SPS XML export and import, a report's `document` and check `statusList`), nothing removed; 0.6.0 answers verifications
 * from the chain index, with `source=chain` to read from the node instead and `chain.source` in the report, nothing removed.
 */
export const API_VERSION = "0.6.0";

/** The OpenAPI 3.1 document of every operation, its server at `config.publicUrl`. */
export function buildOpenApiDocument(config: ServerConfig, operations: Operation[] = allOperations()): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) {
    paths[operation.path] ??= {};
    paths[operation.path][operation.method] = operationObject(operation, config);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "CertLedger API",
      version: API_VERSION,
      description:
        "A trust ledger for cross-border trade certificates: anchor certificates, verify them by file, hash, number or proof " +
        "bundle, and manage issuing authorities, their keys and recognition. Every failure is an RFC 9457 problem " +
        "(application/problem+json) with a stable `code` (its `status` is the HTTP status, as RFC 9457 has it).\n\n" +
        "Every answer about a certificate says where it is in the same two words, at its top level: `anchoring`, where " +
        "this server's request to anchor it is (queued, submitted, anchored, failed; absent when this server took no " +
        "request for it), and `status`, the ledger's status (Active, Suspended, Revoked; absent until it is on the " +
        "ledger). Verification answers also carry the `verdict` there; the report says the rest.\n\n" +
        "The importing side (0.3.0): a party's border agencies (`customs` tokens) record outcomes for certificates presented " +
        "at their border and write import declarations' quantities off their goods items; the ledger enforces the totals. " +
        "Every verification report carries the certificate's `use`.\n\n" +
        "Origin declarations (0.4.0): origin authorities register exporters and importers (`declarant` tokens), who declare " +
        "the origin of goods under a trade agreement; party admins propose and approve agreements and state which proofs of " +
        "origin they accept under each. Reports of proofs of origin carry `origin` (the proof, the agreement, the declarant).\n\n" +
        "Standard views (0.5.0): did:web DID documents of the party and its authorities (`/.well-known/did.json`, " +
        "`/authorities/{id}/did.json`), each authority's W3C Bitstring Status Lists (revocation, suspension), and UN/CEFACT " +
        "SPS certificate XML for phytosanitary credentials (`/v1/sps/export`, `/v1/sps/import`). Credentials this server signs " +
        "name their authority by did:web and carry `credentialStatus`; reports may carry the check `statusList` (the lists " +
        "against the ledger) and `document` (an ePhyto file's key fields).\n\n" +
        "Verification from the chain index (0.6.0): a certificate's records are read from this node's chain index at the " +
        "chain's head block (the index reads up to it first when it is behind), the same report as from the node; " +
        "`source=chain` reads them from the node instead, and `report.chain.source` says which it was.\n\n" +
        "Compatibility: before 0.2.0, `status` also meant the anchoring state (in the submit answer, the console's list " +
        "and `request.status`) and batch items carried the HTTP status as `status`. Read `anchoring` for the former, " +
        "`httpStatus` for the latter; list filters are `anchoring=` and `status=active|suspended|revoked`, and an old " +
        "`status=queued` is refused with a problem naming `anchoring`.",
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    servers: [{ url: config.publicUrl }],
    paths,
    components: {
      schemas: { ...componentSchemas(requestComponents, "input"), ...componentSchemas(responseComponents, "output") },
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "An access token of role `issuer` (claim authorityId) or `party-admin` (claim party): `npm run token`.",
        },
      },
    },
  };
}

/** Mounts GET /openapi.json and the Swagger UI at /docs. */
export function mountOpenApiRoutes(router: Router, config: ServerConfig, context: MountContext): void {
  const document = JSON.stringify(buildOpenApiDocument(config));
  mount(router, openApiOperations.openapi, context, async ({ res }) => {
    res.type("application/json").send(document);
  });
  mount(router, openApiOperations.docs, context, async ({ res }) => {
    res.type("html").send(DOCS_PAGE);
  });
  router.get("/docs/init.js", (_req, res) => {
    res.type("text/javascript").send(DOCS_INIT);
  });
  for (const file of SWAGGER_FILES) {
    router.get(`/docs/${file}`, (_req, res, next) => {
      res.sendFile(file, { root: SWAGGER_DIR, maxAge: "1d" }, (error) => error && next(error));
    });
  }
}

function allOperations(): Operation[] {
  return [...routeOperations, ...Object.values(openApiOperations)];
}

function operationObject(operation: Operation, config: ServerConfig): Record<string, unknown> {
  const parameters = [
    ...parametersOf(operation.params, "path"),
    ...parametersOf(operation.query, "query"),
    ...parametersOf(operation.headers, "header"),
  ];
  const roles = operation.auth && operation.auth !== "optional" ? operation.auth.roles : undefined;
  const notes = [
    roles ? `Requires a bearer token of role ${roles.map((r) => `\`${r}\``).join(" or ")}.` : undefined,
    operation.rateLimited ? `Public: at most ${config.rateLimitPerMinute} requests a minute per address without a token.` : undefined,
  ].filter(Boolean);
  const object: Record<string, unknown> = {
    operationId: operation.operationId,
    summary: operation.summary,
    description: [operation.description, ...notes].filter(Boolean).join("\n\n") || undefined,
    tags: operation.tags,
    parameters: parameters.length > 0 ? parameters : undefined,
    requestBody: requestBodyOf(operation),
    responses: Object.fromEntries(
      Object.entries(operation.responses).map(([status, response]) => [
        status,
        {
          description: response.description,
          content:
            response.schema || response.contentType
              ? { [response.contentType ?? "application/json"]: response.schema ? { schema: schemaOf(response.schema, "output") } : {} }
              : undefined,
        },
      ]),
    ),
    security: roles ? [{ bearerAuth: [] }] : operation.auth === "optional" ? [{}, { bearerAuth: [] }] : undefined,
  };
  return JSON.parse(JSON.stringify(object)) as Record<string, unknown>;
}

function requestBodyOf(operation: Operation): Record<string, unknown> | undefined {
  if (!operation.json && !operation.form && !operation.text) return undefined;
  const content: Record<string, unknown> = {};
  if (operation.json) content["application/json"] = { schema: schemaOf(operation.json, "input") };
  for (const mediaType of operation.text?.mediaTypes ?? []) content[mediaType] = { schema: { type: "string" } };
  if (operation.form) {
    const fields = schemaOf(operation.form, "input");
    content["multipart/form-data"] = {
      schema: {
        allOf: [
          fields,
          {
            type: "object",
            properties: { file: { type: "string", contentMediaType: "application/octet-stream", description: "the document" } },
            required: operation.fileRequired ? ["file"] : [],
          },
        ],
      },
    };
  }
  return { required: !operation.bodyOptional, content };
}

function parametersOf(schema: z.ZodType | undefined, where: "path" | "query" | "header"): Record<string, unknown>[] {
  if (!schema || !(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => {
    const json = schemaOf(field, "input");
    const { description, ...rest } = json;
    return {
      name: where === "header" ? headerName(name) : name,
      in: where,
      required: where === "path" || !field.safeParse(undefined).success,
      description,
      schema: rest,
    };
  });
}

/** A schema as a `$ref` to its component, or inline when it has none. */
function schemaOf(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const id = (io === "input" ? requestComponents : responseComponents).get(schema)?.id;
  if (id !== undefined) return { $ref: `#/components/schemas/${id}` };
  return clean(z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema);
}

function componentSchemas(registry: typeof requestComponents, io: "input" | "output"): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(registry, { io, unrepresentable: "any", uri: (id) => `#/components/schemas/${id}` }) as {
    schemas: Record<string, JsonSchema>;
  };
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, clean(schema)]));
}

/** Drops what only a standalone JSON Schema document carries. */
function clean(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

function headerName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, letter: string) => dash + letter.toUpperCase());
}

const DOCS_PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>CertLedger API</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css">
    <link rel="stylesheet" href="/docs/index.css">
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/swagger-ui-standalone-preset.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;

const DOCS_INIT = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "StandaloneLayout",
  });
};
`;
