/**
 * The HTTP layer (Express 5) over the library: `createApp(deps)` builds the API from its dependencies, `start(app)`
 * serves it; `loadConfig` reads the environment, `loadServerKey` and `Auth` handle the server's key and access tokens,
 * `buildOpenApiDocument` is the OpenAPI 3.1 document generated from the routes' zod schemas, and `problemOf` /
 * `HTTP_STATUS` are the one mapping of error codes to HTTP answers.
 */
export { createApp, type AppDependencies } from "./app";
export { start, type RunningServer } from "./http-server";
export { loadConfig, CONFIG_VARIABLES, type ServerConfig } from "./config";
export { Auth, principalOf, ROLES, type MintTokenInput, type Principal, type Role } from "./auth";
export { loadServerKey, SERVER_KEY_FILE, SERVER_PUBLIC_KEY_FILE, type ServerKey } from "./server-key";
export { buildOpenApiDocument } from "./openapi";
export { HTTP_STATUS, PROBLEM_MEDIA_TYPE, httpStatusOf, problemOf, type Problem } from "./problem";
export { Metrics } from "./metrics";
export { createLogger, REDACTED_PATHS } from "./logger";
export { ledgerRecipientKeys } from "../src/pipeline/recipient-keys";
