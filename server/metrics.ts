import type { RequestHandler } from "express";
import {
  AggregatorRegistry,
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type MetricObjectWithValues,
  type MetricValue,
} from "prom-client";

/** What the gauges read at each scrape. */
export interface MetricSources {
  outboxCounts?: () => Record<string, number>;
  indexLag?: () => number | Promise<number>;
}

/** One process's metrics, as prom-client's getMetricsAsJSON gives them (what crosses IPC). */
export type ProcessMetrics = MetricObjectWithValues<MetricValue<string>>[];

/** The server's Prometheus metrics: requests by route, anchoring requests by status, the index's lag. */
export class Metrics {
  readonly registry = new Registry();
  readonly #requests: Counter<"method" | "route" | "status">;
  readonly #duration: Histogram<"method" | "route" | "status">;
  #sources: MetricSources = {};
  #processes: (() => Promise<ProcessMetrics[]>) | undefined;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: "certledger_" });
    this.#requests = new Counter({
      name: "certledger_http_requests_total",
      help: "HTTP requests answered, by method, route and status",
      labelNames: ["method", "route", "status"],
      registers: [this.registry],
    });
    this.#duration = new Histogram({
      name: "certledger_http_request_duration_seconds",
      help: "Time to answer an HTTP request, by method, route and status",
      labelNames: ["method", "route", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    const sources = () => this.#sources;
    new Gauge({
      name: "certledger_outbox_requests",
      help: "Anchoring requests in the outbox, by status",
      labelNames: ["status"],
      registers: [this.registry],
      collect() {
        const counts = sources().outboxCounts?.() ?? {};
        for (const [status, count] of Object.entries(counts)) this.set({ status }, count);
      },
    });
    new Gauge({
      name: "certledger_index_lag_blocks",
      help: "Blocks the chain index is behind the chain's head",
      registers: [this.registry],
      async collect() {
        const lag = await sources().indexLag?.();
        if (lag !== undefined) this.set(lag);
      },
    });
  }

  /** Where the outbox and index gauges read from. */
  watch(sources: MetricSources): void {
    this.#sources = sources;
  }

  /**
   * Sums into every scrape the metrics of the processes that answer requests for this node (VERIFY_PROCESSES): their
   * verifications are this node's answers too. A process that does not answer in time is left out of that scrape.
   */
  includeProcesses(collect: () => Promise<ProcessMetrics[]>): void {
    this.#processes = collect;
  }

  /** A scrape in Prometheus's text format: this process's metrics, summed with its verification processes'. */
  async exposition(): Promise<string> {
    if (!this.#processes) return this.registry.metrics();
    const theirs = await this.#processes().catch(() => []);
    return AggregatorRegistry.aggregate([await this.registry.getMetricsAsJSON(), ...theirs]).metrics();
  }

  /** Middleware counting and timing every request by its route pattern (never its raw path, which holds hashes). */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const stop = this.#duration.startTimer();
      res.on("finish", () => {
        const pattern = (req.route as { path?: unknown } | undefined)?.path;
        const route = typeof pattern === "string" ? req.baseUrl + pattern : "unmatched";
        const labels = { method: req.method, route, status: String(res.statusCode) };
        this.#requests.inc(labels);
        stop(labels);
      });
      next();
    };
  }
}
