/**
 * After a certificate is accepted: its way from queued through submitted to anchored, polled from
 * GET /v1/certificates/{certHash}; once anchored, its link, QR code and (for a PDF) the stamped document.
 */
import { h, replaceChildren } from "../shared/dom";
import type { Accepted } from "./anchor-file";
import { linksPanel } from "./certificate-links";
import type { ConsoleContext } from "./context";
import { failureText } from "./form-ui";
import type { ConsoleKey } from "./i18n";

type Anchoring = Accepted["anchoring"];

const STEPS: [Anchoring, ConsoleKey][] = [
  ["queued", "statusQueued"],
  ["submitted", "statusSubmitted"],
  ["anchored", "statusAnchored"],
];
const POLL_MS = 500;
const GIVE_UP_MS = 10 * 60_000;

/** A panel following `accepted` until it is anchored (or failed); it stops polling once it leaves the page. */
export function anchoringProgress(ctx: ConsoleContext, accepted: Accepted): HTMLElement {
  const { t } = ctx;
  const steps = h("ol", { class: "steps" });
  const line = h("p", { "data-testid": "anchor-status", "data-status": accepted.anchoring, role: "status", "aria-live": "polite" });
  const panel = h(
    "section",
    { "data-testid": "anchoring", "data-cert-hash": accepted.certHash, "aria-labelledby": "anchoring-heading" },
    h("h2", { id: "anchoring-heading", tabindex: -1 }, t("statusHeading")),
    h("dl", { class: "facts" }, h("dt", {}, t("certHash")), h("dd", { class: "mono" }, accepted.certHash)),
    steps,
    line,
  );

  const show = (status: Anchoring, error?: string) => {
    const reached = STEPS.findIndex(([s]) => s === status);
    replaceChildren(
      steps,
      ...STEPS.map(([, key], i) =>
        h(
          "li",
          {
            class: i < reached || status === "anchored" ? "done" : i === reached ? "current" : "todo",
            "aria-current": i === reached ? "step" : undefined,
          },
          (i <= reached ? "✓ " : "○ ") + t(key),
        ),
      ),
    );
    line.dataset.status = status;
    const label = status === "failed" ? t("statusFailed") : t(STEPS.find(([s]) => s === status)![1]);
    line.className = status === "failed" ? "error" : status === "anchored" ? "ok" : "";
    replaceChildren(line, t("statusNow", { status: label }) + (error ? ` — ${error}` : ""));
  };
  show(accepted.anchoring);

  const started = Date.now();
  const poll = async (): Promise<void> => {
    if (!panel.isConnected && Date.now() - started > 1_000) return;
    try {
      const detail = await ctx.call<{ anchoring?: Anchoring; request?: { error?: string } }>(`/v1/certificates/${accepted.certHash}`);
      const status = detail.anchoring ?? "queued";
      show(status, detail.request?.error);
      if (status === "anchored") {
        panel.append(linksPanel(ctx, accepted.certHash));
        return;
      }
      if (status === "failed") return;
    } catch (error) {
      replaceChildren(line, failureText(t, error));
    }
    if (Date.now() - started < GIVE_UP_MS) setTimeout(() => void poll(), POLL_MS);
  };
  if (accepted.anchoring === "anchored") panel.append(linksPanel(ctx, accepted.certHash));
  else setTimeout(() => void poll(), POLL_MS);
  return panel;
}
