/**
 * An authority's signing keys (GET /v1/authorities/{id}/keys): register a key, rotate one to a new key, mark one
 * compromised from a date on (signatures made earlier stay valid). For the authority's own token or its party's admin.
 */
import { h, replaceChildren, replaceOptions } from "../shared/dom";
import { latestOnly } from "../shared/latest-only";
import { partyAuthorities, placeErrors } from "./authorities";
import { confirmDialog } from "./confirm-dialog";
import type { ConsoleContext } from "./context";
import { busy, clearFieldErrors, dateInputValue, dateToIso, failureText, field, messageLine, setMessage, shortHash } from "./form-ui";

interface KeyView {
  thumbprint: string;
  alg: string;
  validFrom: string;
  validUntil: string;
  compromisedAt?: string;
}

/** A pasted public JWK (JSON) or a thumbprint, as the key routes take it. */
function keyInput(text: string): { jwk: unknown } | { thumbprint: string } {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{")) return { thumbprint: trimmed };
  try {
    return { jwk: JSON.parse(trimmed) as unknown };
  } catch {
    return { thumbprint: trimmed };
  }
}

/** The signing keys screen. */
export function signingKeysScreen(ctx: ConsoleContext): HTMLElement {
  const { t } = ctx;
  const authoritySelect = h("select", { id: "keys-authority", name: "authority" });
  const rows = h("tbody");
  const message = messageLine("keys-message");
  const heading = h("h2", { id: "keys-heading" });
  const authorityId = () => Number(authoritySelect.value);

  // The first authority's keys, asked for when the list opens, must not arrive over those of the authority picked since.
  const load = latestOnly(
    () => {
      heading.textContent = t("keysHeading", { id: authoritySelect.value });
      return ctx.call<{ keys: KeyView[] }>(`/v1/authorities/${authorityId()}/keys`);
    },
    ({ keys }) =>
      replaceChildren(
        rows,
        ...(keys.length === 0 ? [h("tr", {}, h("td", { colspan: 4 }, t("noKeys")))] : keys.map((key) => row(key, keys))),
      ),
    (error) => setMessage(message, "error", failureText(t, error)),
  );
  const reloadSoon = () => [300, 1200].forEach((ms) => setTimeout(() => void load(), ms));
  authoritySelect.addEventListener("change", () => void load());

  const write = async (path: string, body: unknown, action: string) => {
    try {
      const result = await ctx.call<{ blockNumber: number }>(`/v1/authorities/${authorityId()}/keys${path}`, { json: body });
      setMessage(message, "ok", t("done", { action, block: result.blockNumber }));
      reloadSoon();
      return true;
    } catch (error) {
      setMessage(message, "error", failureText(t, error));
      return false;
    }
  };

  const compromise = async (key: KeyView) => {
    const since = h("input", { id: "compromise-at", type: "date" });
    const ok = await confirmDialog(ctx, {
      title: t("compromise"),
      question: `${t("compromise")}: ${shortHash(key.thumbprint)}?`,
      confirm: t("compromise"),
      danger: true,
      content: field(t("compromisedAt"), since),
    });
    const today = dateInputValue(0);
    if (ok)
      await write(
        "/compromise",
        { thumbprint: key.thumbprint, ...(since.value && since.value !== today ? { compromisedAt: dateToIso(since.value) } : {}) },
        t("compromise"),
      );
  };

  const rotate = async (key: KeyView) => {
    const next = h("textarea", { id: "rotate-key", rows: 3, spellcheck: false });
    const until = h("input", { id: "rotate-validUntil", type: "date", value: dateInputValue(2 * 365) });
    const ok = await confirmDialog(ctx, {
      title: t("rotate"),
      question: `${t("rotate")}: ${shortHash(key.thumbprint)}`,
      confirm: t("rotate"),
      content: h("div", {}, field(t("newKey"), next), field(t("validUntil"), until)),
    });
    if (ok)
      await write("/rotate", { oldThumbprint: key.thumbprint, ...keyInput(next.value), validUntil: dateToIso(until.value) }, t("rotate"));
  };

  const row = (key: KeyView, all: KeyView[]) => {
    // Rotation ends the old key at the moment the new one starts (the ledger's clock, not this browser's): it still
    // verifies what it signed before, but is no longer one to rotate.
    const successor = all.find((other) => other !== key && other.validFrom === key.validUntil);
    const state = key.compromisedAt ? "compromised" : successor || Date.parse(key.validUntil) <= Date.now() ? "ended" : "valid";
    const stateText =
      state === "compromised"
        ? t("keyCompromised", { date: t.date(key.compromisedAt) })
        : successor
          ? t("keyRotated", { date: t.date(key.validUntil), key: shortHash(successor.thumbprint) })
          : state === "ended"
            ? t("keyEnded", { date: t.date(key.validUntil) })
            : t("keyValid");
    return h(
      "tr",
      { "data-thumbprint": key.thumbprint, "data-compromised": String(key.compromisedAt !== undefined), "data-state": state },
      h("td", { class: "mono", title: key.thumbprint }, shortHash(key.thumbprint), " ", h("span", { class: "muted" }, key.alg)),
      h("td", {}, `${t.date(key.validFrom)} – ${t.date(key.validUntil)}`),
      h("td", { class: state === "compromised" ? "error" : state === "ended" ? "muted" : "" }, stateText),
      h(
        "td",
        { class: "row-actions" },
        state === "valid"
          ? h("button", { type: "button", class: "secondary", "data-action": "rotate", onclick: () => void rotate(key) }, t("rotate"))
          : null,
        key.compromisedAt
          ? null
          : h(
              "button",
              { type: "button", class: "danger", "data-action": "compromise", onclick: () => void compromise(key) },
              t("compromise"),
            ),
      ),
    );
  };

  const jwk = h("textarea", { id: "key-jwk", name: "jwk", rows: 3, spellcheck: false });
  const validUntil = h("input", { id: "key-validUntil", name: "validUntil", type: "date", value: dateInputValue(2 * 365) });
  const addButton = h("button", { type: "submit", "data-testid": "add-key" }, t("addKey"));
  const addMessage = messageLine("key-add-message");
  const addForm = h(
    "form",
    { novalidate: true, "aria-labelledby": "key-add-heading" },
    h("h3", { id: "key-add-heading" }, t("addKey")),
    field(t("jwk"), jwk),
    field(t("validUntil"), validUntil),
    addButton,
    addMessage,
  );
  addForm.addEventListener("submit", (event) => {
    event.preventDefault();
    clearFieldErrors(addForm);
    void busy(addButton, async () => {
      try {
        const result = await ctx.call<{ blockNumber: number }>(`/v1/authorities/${authorityId()}/keys`, {
          json: { ...keyInput(jwk.value), validUntil: dateToIso(validUntil.value) },
        });
        setMessage(addMessage, "ok", t("done", { action: t("addKey"), block: result.blockNumber }));
        addForm.reset();
        reloadSoon();
      } catch (error) {
        const placed = placeErrors(addForm, error, "key");
        setMessage(addMessage, "error", placed ? t("fixErrors") : failureText(t, error));
      }
    });
  });

  void partyAuthorities(ctx).then(
    (authorities) => {
      replaceOptions(
        authoritySelect,
        authorities.map((a) => ({ value: String(a.id), label: `${a.id} — ${a.name}` })),
      );
      if (authorities.length > 0) void load();
    },
    (error: unknown) => setMessage(message, "error", failureText(t, error)),
  );
  return h(
    "div",
    {},
    h(
      "section",
      { "aria-labelledby": "keys-heading", "data-testid": "signing-keys" },
      heading,
      field(t("authority"), authoritySelect),
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
            ...(["colThumbprint", "colValidity", "colStatus", "colActions"] as const).map((k) => h("th", { scope: "col" }, t(k))),
          ),
        ),
        rows,
      ),
    ),
    h("section", {}, addForm),
  );
}
