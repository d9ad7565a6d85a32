import type { Router } from "express";
import type { AppDependencies } from "../dependencies";
import type { Metrics } from "../metrics";
import { defineOperation, mount, type MountContext } from "../operation";
import { recentAnswer } from "../recent-answer";

/** How long one scrape's answer stands for the next ones. */
const SCRAPE_REUSE_MS = 1_000;

/** Prometheus metrics. */
export const metricsOperations = {
  metrics: defineOperation({
    operationId: "metrics",
    method: "get",
    path: "/metrics",
    summary: "Prometheus metrics: requests by route, anchoring requests by status, the index's lag",
    tags: ["service"],
    responses: { 200: { description: "the Prometheus text exposition format", contentType: "text/plain; version=0.0.4" } },
  }),
};

/** Mounts the metrics route. */
export function mountMetricsRoutes(router: Router, deps: AppDependencies, context: MountContext, metrics: Metrics): void {
  metrics.watch({
    outboxCounts: () => deps.outbox.counts(),
    indexLag: () => deps.index.status().lagBlocks,
  });
  // A scrape counts the outbox and serialises every series: done at most once a second, whoever scrapes.
  const exposition = recentAnswer(() => metrics.exposition(), SCRAPE_REUSE_MS);
  mount(router, metricsOperations.metrics, context, async ({ res }) => {
    res.type(metrics.registry.contentType).send(await exposition());
  });
}
