/**
 * Every route of the API, one file per resource. `operations` lists them for the OpenAPI document; `mountRoutes` puts
 * them on a router.
 */
import type { Router } from "express";
import type { AppDependencies } from "../dependencies";
import type { Metrics } from "../metrics";
import type { MountContext, Operation } from "../operation";
import { authorityOperations, mountAuthorityRoutes } from "./authorities";
import { bundleOperations, mountBundleRoutes } from "./bundles";
import { certificateOperations, mountCertificateRoutes } from "./certificates";
import { certificateLinkOperations, mountCertificateLinkRoutes } from "./certificate-links";
import { certificateStatusOperations, mountCertificateStatusRoutes } from "./certificate-status";
import { healthOperations, mountHealthRoutes } from "./health";
import { jwksOperations, mountJwksRoutes } from "./jwks";
import { metricsOperations, mountMetricsRoutes } from "./metrics";
import { mountOriginRoutes, originOperations } from "./origin";
import { mountOutcomeRoutes, outcomeOperations } from "./outcomes";
import { mountPayloadRoutes, payloadOperations } from "./payloads";
import { mountRecognitionRoutes, recognitionOperations } from "./recognition";
import { mountRegistryListRoutes, registryListOperations } from "./registry-lists";
import { mountSigningKeyRoutes, signingKeyOperations } from "./signing-keys";
import { mountSpsRoutes, spsOperations } from "./sps";
import { mountStandardViewRoutes, standardViewOperations } from "./standard-views";
import { mountTokenRoutes, tokenOperations } from "./tokens";
import { mountVerifyRoutes, verifyOperations } from "./verify";

/** Every operation the routes mount. */
export const operations: Operation[] = [
  ...Object.values(certificateOperations),
  ...Object.values(certificateLinkOperations),
  ...Object.values(bundleOperations),
  ...Object.values(certificateStatusOperations),
  ...Object.values(verifyOperations),
  ...Object.values(spsOperations),
  ...Object.values(payloadOperations),
  ...Object.values(authorityOperations),
  ...Object.values(signingKeyOperations),
  ...Object.values(recognitionOperations),
  ...Object.values(outcomeOperations),
  ...Object.values(originOperations),
  ...Object.values(registryListOperations),
  ...Object.values(tokenOperations),
  ...Object.values(jwksOperations),
  ...Object.values(standardViewOperations),
  ...Object.values(healthOperations),
  ...Object.values(metricsOperations),
];

/** Mounts every route on `router`. */
export function mountRoutes(router: Router, deps: AppDependencies, context: MountContext, metrics: Metrics): void {
  mountCertificateRoutes(router, deps, context);
  mountCertificateLinkRoutes(router, deps, context);
  mountBundleRoutes(router, deps, context);
  mountCertificateStatusRoutes(router, deps, context);
  mountVerifyRoutes(router, deps, context);
  mountSpsRoutes(router, deps, context);
  mountPayloadRoutes(router, deps, context);
  mountAuthorityRoutes(router, deps, context);
  mountSigningKeyRoutes(router, deps, context);
  mountRecognitionRoutes(router, deps, context);
  mountOutcomeRoutes(router, deps, context);
  mountOriginRoutes(router, deps, context);
  mountRegistryListRoutes(router, deps, context);
  mountTokenRoutes(router, deps, context);
  mountJwksRoutes(router, deps, context);
  mountStandardViewRoutes(router, deps, context);
  mountHealthRoutes(router, deps, context);
  mountMetricsRoutes(router, deps, context, metrics);
}
