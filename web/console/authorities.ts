/**
 * A party admin's issuing authorities: the list (GET /v1/authorities?party=…), registering one, suspending and
 * reactivating, and adding an account that may write for one.
 */
import { h, replaceChildren, replaceOptions } from "../shared/dom";
import { latestOnly } from "../shared/latest-only";
import { confirmDialog } from "./confirm-dialog";
import type { AuthorityView, ConsoleContext } from "./context";
import {
  busy,
  clearFieldErrors,
  dateInputValue,
  dateToIso,
  failureText,
  field,
  messageLine,
  problemFields,
  setFieldError,
  setMessage,
} from "./form-ui";
import { CERTIFICATE_TYPES, typeLabel } from "./i18n";

/** The party's authorities, as the chain index knows them. */
export async function partyAuthorities(ctx: ConsoleContext): Promise<AuthorityView[]> {
  if (ctx.authority) return [ctx.authority];
  return (await ctx.call<{ authorities: AuthorityView[] }>(`/v1/authorities?party=${ctx.party}`)).authorities;
}

/** The authorities screen. */
export function authoritiesScreen(ctx: ConsoleContext): HTMLElement {
  const { t } = ctx;
  const rows = h("tbody");
  const message = messageLine("authorities-message");
  const accountSelect = h("select", { id: "account-authority", name: "authority" });

  const load = latestOnly(
    () => partyAuthorities(ctx),
    (authorities) => {
      replaceChildren(
        rows,
        ...(authorities.length === 0 ? [h("tr", {}, h("td", { colspan: 6 }, t("noAuthorities")))] : authorities.map((a) => row(a))),
      );
      replaceOptions(
        accountSelect,
        authorities.map((a) => ({ value: String(a.id), label: `${a.id} — ${a.name}` })),
      );
    },
    (error) => setMessage(message, "error", failureText(t, error)),
  );
  // The index follows the ledger a poll behind: read it again shortly after a write.
  const reloadSoon = () => [300, 1200].forEach((ms) => setTimeout(() => void load(), ms));

  const act = async (authority: AuthorityView, action: "suspend" | "reactivate") => {
    const confirmed = await confirmDialog(ctx, {
      title: t(action),
      question: `${t(action)}: ${authority.id} — ${authority.name}?`,
      confirm: t(action),
      danger: action === "suspend",
    });
    if (!confirmed) return;
    try {
      const result = await ctx.call<{ blockNumber: number }>(`/v1/authorities/${authority.id}/${action}`, { method: "POST", json: {} });
      setMessage(message, "ok", t("done", { action: t(action), block: result.blockNumber }));
      reloadSoon();
    } catch (error) {
      setMessage(message, "error", failureText(t, error));
    }
  };

  const toggle = (a: AuthorityView) => (a.status === "Active" ? "suspend" : "reactivate");
  const row = (a: AuthorityView) =>
    h(
      "tr",
      { "data-authority-id": String(a.id), "data-status": a.status },
      h("td", {}, String(a.id)),
      h("td", {}, a.name),
      h("td", {}, a.status === "Active" ? t("statusActive") : t("statusSuspended")),
      h("td", {}, a.scope.map((type) => typeLabel(t, type)).join(", ")),
      h("td", {}, `${t.date(a.validFrom)} – ${t.date(a.validUntil)}`, h("br"), h("span", { class: "mono muted" }, a.accounts.join(" "))),
      h(
        "td",
        { class: "row-actions" },
        // The label names the authority: a screen reader's list of buttons would otherwise say "Suspend" again and again.
        h(
          "button",
          {
            type: "button",
            class: a.status === "Active" ? "danger" : "secondary",
            "data-action": toggle(a),
            "aria-label": `${t(toggle(a))} ${a.name}`,
            onclick: () => void act(a, toggle(a)),
          },
          t(toggle(a)),
        ),
      ),
    );

  // Register an authority.
  const name = h("input", { id: "authority-name", name: "name", type: "text", required: true });
  const accounts = h("textarea", { id: "authority-accounts", name: "accounts", rows: 2, required: true, spellcheck: false });
  const scopeBoxes = CERTIFICATE_TYPES.map((c) => h("input", { type: "checkbox", id: `authority-scope-${c.id}`, value: c.name }));
  const validUntil = h("input", { id: "authority-validUntil", name: "validUntil", type: "date", value: dateInputValue(3 * 365) });
  const registerButton = h("button", { type: "submit", "data-testid": "register-authority" }, t("register"));
  const registerMessage = messageLine("register-message");
  const registerForm = h(
    "form",
    { novalidate: true, "aria-labelledby": "register-heading" },
    h("h3", { id: "register-heading" }, t("addAuthority")),
    field(t("name"), name),
    field(t("accounts"), accounts),
    h(
      "fieldset",
      { id: "authority-scope" },
      h("legend", {}, t("scope")),
      ...scopeBoxes.map((box, i) =>
        h("div", { class: "check" }, box, h("label", { for: box.id, class: "inline" }, CERTIFICATE_TYPES[i][t.language])),
      ),
      h("p", { class: "field-error", id: "authority-scope-error", hidden: true }),
    ),
    field(t("validUntil"), validUntil),
    registerButton,
    registerMessage,
  );
  registerForm.addEventListener("submit", (event) => {
    event.preventDefault();
    clearFieldErrors(registerForm);
    const body = {
      name: name.value.trim(),
      accounts: accounts.value.split(/[\s,]+/).filter(Boolean),
      scope: scopeBoxes.filter((b) => b.checked).map((b) => b.value),
      validUntil: dateToIso(validUntil.value),
    };
    let bad = false;
    if (body.name === "") bad = setFieldError(registerForm, "authority-name", t("required"));
    if (body.accounts.length === 0) bad = setFieldError(registerForm, "authority-accounts", t("required"));
    if (body.scope.length === 0) bad = setFieldError(registerForm, "authority-scope", t("required"));
    if (bad) return setMessage(registerMessage, "error", t("fixErrors"));
    void busy(registerButton, async () => {
      try {
        const result = await ctx.call<{ authorityId: number }>("/v1/authorities", { json: body });
        setMessage(registerMessage, "ok", t("registered", { id: result.authorityId }));
        registerForm.reset();
        reloadSoon();
      } catch (error) {
        const placed = placeErrors(registerForm, error, "authority");
        setMessage(registerMessage, "error", placed ? t("fixErrors") : failureText(t, error));
      }
    });
  });

  // Add an account to an authority.
  const account = h("input", { id: "account-address", name: "account", type: "text", placeholder: "0x…", spellcheck: false });
  const accountButton = h("button", { type: "submit", "data-testid": "add-account" }, t("addAccount"));
  const accountMessage = messageLine("account-message");
  const accountForm = h(
    "form",
    { novalidate: true, "aria-labelledby": "account-heading" },
    h("h3", { id: "account-heading" }, t("addAccount")),
    h("div", { class: "row" }, field(t("authority"), accountSelect), field(t("account"), account)),
    accountButton,
    accountMessage,
  );
  accountForm.addEventListener("submit", (event) => {
    event.preventDefault();
    clearFieldErrors(accountForm);
    void busy(accountButton, async () => {
      try {
        const result = await ctx.call<{ blockNumber: number }>(`/v1/authorities/${accountSelect.value}/accounts`, {
          json: { account: account.value.trim() },
        });
        setMessage(accountMessage, "ok", t("done", { action: t("addAccount"), block: result.blockNumber }));
        accountForm.reset();
        reloadSoon();
      } catch (error) {
        const placed = placeErrors(accountForm, error, "account");
        setMessage(accountMessage, "error", placed ? t("fixErrors") : failureText(t, error));
      }
    });
  });

  void load();
  return h(
    "div",
    {},
    h(
      "section",
      { "aria-labelledby": "authorities-heading", "data-testid": "authorities" },
      h("h2", { id: "authorities-heading" }, t("authoritiesHeading", { party: ctx.party })),
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
            ...(["colId", "colName", "colStatus", "colScope", "colValidity", "colActions"] as const).map((k) =>
              h("th", { scope: "col" }, t(k)),
            ),
          ),
        ),
        rows,
      ),
    ),
    h("section", {}, registerForm),
    h("section", {}, accountForm),
  );
}

/** Puts an API refusal's field messages next to the controls `<prefix>-<field>`; true when any was placed. */
export function placeErrors(form: HTMLElement, error: unknown, prefix: string): boolean {
  let placed = false;
  for (const [path, text] of problemFields(error)) placed = setFieldError(form, `${prefix}-${path.split(".")[0]}`, text) || placed;
  return placed;
}
