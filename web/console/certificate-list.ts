/**
 * The certificates this server accepted for the signed-in authority (or the admin's party), newest first, from the
 * console listing GET /v1/certificates: search by number, filter by status and type, page on with its cursor; each
 * anchored one can be suspended, reinstated or revoked, and its link and QR code shown again.
 */
import { h, replaceChildren } from "../shared/dom";
import { linksPanel } from "./certificate-links";
import { usePanel } from "./certificate-use";
import type { ConsoleContext } from "./context";
import { failureText, field, messageLine, setMessage, shortHash } from "./form-ui";
import { CERTIFICATE_TYPES, REVOCATION_REASONS, typeLabel, type ConsoleKey } from "./i18n";
import { confirmStatusChange, type StatusAction } from "./status-dialog";

/** One certificate of the console listing. */
interface ConsoleEntry {
  certHash: string;
  number: string;
  party: string;
  authorityId: number;
  certType: number;
  anchoring: "queued" | "submitted" | "anchored" | "failed";
  status?: "Active" | "Suspended" | "Revoked";
  stamped: boolean;
  validUntil: string;
  createdAt: string;
  anchoredAt?: string;
  error?: string;
  revocation?: { reasonName: string; effectiveAt: string; replacement?: string };
}

/** Where a certificate is, in one word for a person: its anchoring until the ledger holds it, then its ledger status. */
type Shown = "queued" | "submitted" | "anchored" | "failed" | "suspended" | "revoked";
const STATUSES = ["queued", "submitted", "anchored", "failed", "suspended", "revoked"] as const;
/** Each choice of the filter, as the API's query: anchored means on the ledger and active. */
const FILTERS: Record<Shown, [name: "anchoring" | "status", value: string]> = {
  queued: ["anchoring", "queued"],
  submitted: ["anchoring", "submitted"],
  failed: ["anchoring", "failed"],
  anchored: ["status", "active"],
  suspended: ["status", "suspended"],
  revoked: ["status", "revoked"],
};
const shownOf = (entry: ConsoleEntry): Shown =>
  entry.status === "Revoked" ? "revoked" : entry.status === "Suspended" ? "suspended" : entry.anchoring;
const STATUS_KEYS: Record<Shown, ConsoleKey> = {
  queued: "statusQueued",
  submitted: "statusSubmitted",
  anchored: "statusAnchored",
  failed: "statusFailed",
  suspended: "statusSuspended",
  revoked: "statusRevoked",
};
const ACTIONS: Record<Shown, StatusAction[]> = {
  queued: [],
  submitted: [],
  anchored: ["suspend", "revoke"],
  failed: [],
  suspended: ["reinstate", "revoke"],
  revoked: [],
};
const PAGE = 25;

/** The certificates screen. */
export function certificateList(ctx: ConsoleContext): HTMLElement {
  const { t } = ctx;
  const number = h("input", { id: "list-number", name: "number", type: "search", autocomplete: "off" });
  const status = h(
    "select",
    { id: "list-status", name: "status" },
    h("option", { value: "" }, t("any")),
    ...STATUSES.map((s) => h("option", { value: s }, t(STATUS_KEYS[s]))),
  );
  const type = h(
    "select",
    { id: "list-type", name: "type" },
    h("option", { value: "" }, t("any")),
    ...CERTIFICATE_TYPES.map((c) => h("option", { value: String(c.id) }, c[t.language])),
  );
  const rows = h("tbody");
  const summary = h("p", { class: "muted", "data-testid": "list-summary", role: "status", "aria-live": "polite" });
  const message = messageLine("list-message");
  const more = h("button", { type: "button", class: "secondary", hidden: true }, t("more"));
  let cursor: string | undefined;
  let shown = 0;

  const query = (next?: string) => {
    const params = new URLSearchParams({ limit: String(PAGE) });
    if (number.value.trim() !== "") params.set("number", number.value.trim());
    if (status.value !== "") params.set(...FILTERS[status.value as Shown]);
    if (type.value !== "") params.set("type", type.value);
    if (next) params.set("cursor", next);
    return `/v1/certificates?${params.toString()}`;
  };

  // Each fresh load outdates the ones still running, so overlapping reloads never mix their rows.
  let generation = 0;
  const load = async (append: boolean) => {
    const mine = append ? generation : ++generation;
    try {
      const page = await ctx.call<{ items: ConsoleEntry[]; nextCursor?: string }>(query(append ? cursor : undefined));
      if (mine !== generation) return;
      if (!append) {
        replaceChildren(rows);
        shown = 0;
      }
      for (const entry of page.items) rows.append(...row(ctx, entry, reloadSoon));
      shown += page.items.length;
      cursor = page.nextCursor;
      more.hidden = cursor === undefined;
      summary.textContent = shown === 0 ? t("noCertificates") : t("shownCount", { n: shown });
    } catch (error) {
      summary.textContent = "";
      setMessage(message, "error", failureText(t, error));
    }
  };
  // The listing follows the ledger through the index, a poll behind: read it again a few times after a change.
  const reloadSoon = () => [600, 1500, 4000].forEach((ms) => setTimeout(() => void load(false), ms));
  more.addEventListener("click", () => void load(true));

  const filters = h(
    "form",
    { class: "row filters", role: "search", onsubmit: (event: Event) => (event.preventDefault(), void load(false)) },
    field(t("search"), number),
    field(t("statusFilter"), status),
    field(t("typeFilter"), type),
    h("div", {}, h("button", { type: "submit", "data-testid": "list-submit" }, t("filter"))),
  );
  summary.textContent = t("loading");
  void load(false);
  return h(
    "section",
    { "aria-labelledby": "list-heading", "data-testid": "certificate-list" },
    h("h2", { id: "list-heading" }, t("listHeading")),
    filters,
    message,
    h(
      "table",
      { class: "listing" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...(["number", "colType", "colStatus", "colAnchored", "colValidUntil", "colActions"] as const).map((k) =>
            h("th", { scope: "col" }, t(k)),
          ),
        ),
      ),
      rows,
    ),
    summary,
    more,
  );
}

/** A certificate's row, and the row below it where its links open. */
function row(ctx: ConsoleContext, entry: ConsoleEntry, reload: () => void): HTMLElement[] {
  const { t } = ctx;
  const detail = h("tr", { class: "detail", hidden: true }, h("td", { colspan: 6 }));
  const shown = shownOf(entry);
  const statusText =
    t(STATUS_KEYS[shown]) +
    (entry.revocation ? `: ${reasonLabel(ctx, entry.revocation.reasonName)}` : "") +
    (entry.error ? ` — ${entry.error}` : "");
  const rowMessage = h("span", { class: "muted", role: "status", "aria-live": "polite" });
  const actions = ACTIONS[shown].map((action) =>
    h(
      "button",
      {
        type: "button",
        class: action === "reinstate" ? "secondary" : "danger",
        "data-action": action,
        "aria-label": `${t(action)} ${entry.number}`,
        onclick: () =>
          void confirmStatusChange(ctx, entry.certHash, action, entry.number).then((change) => {
            if (!change) return;
            rowMessage.textContent = t("done", { action: t(action), block: change.blockNumber });
            reload();
          }),
      },
      t(action),
    ),
  );
  const linksButton =
    entry.anchoring !== "anchored"
      ? null
      : h(
          "button",
          {
            type: "button",
            class: "secondary",
            "aria-expanded": "false",
            "data-action": "links",
            "aria-label": `${t("links")} ${entry.number}`,
            onclick: (event: Event) => {
              const button = event.currentTarget as HTMLButtonElement;
              const open = detail.hidden;
              detail.hidden = !open;
              button.setAttribute("aria-expanded", String(open));
              if (open && detail.firstElementChild!.childElementCount === 0)
                detail.firstElementChild!.append(linksPanel(ctx, entry.certHash), usePanel(ctx, entry.certHash));
            },
          },
          t("links"),
        );
  return [
    h(
      "tr",
      { "data-cert-hash": entry.certHash, "data-status": shown, "data-number": entry.number },
      h(
        "td",
        {},
        h("strong", {}, entry.number),
        h("br"),
        h("span", { class: "mono muted", title: entry.certHash }, shortHash(entry.certHash)),
      ),
      h("td", {}, typeLabel(t, entry.certType)),
      h("td", { class: `status status-${shown}` }, statusText),
      h("td", {}, t.date(entry.anchoredAt ?? entry.createdAt)),
      h("td", {}, t.date(entry.validUntil)),
      h("td", { class: "row-actions" }, ...actions, linksButton, rowMessage),
    ),
    detail,
  ];
}

/** A revocation reason in words, in the console's language (the ledger's name when it is one the console does not know). */
function reasonLabel(ctx: ConsoleContext, name: string): string {
  const reason = REVOCATION_REASONS.find((r) => r.name === name);
  return reason ? reason[ctx.t.language] : name;
}
