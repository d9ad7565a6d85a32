/** The sign-in screen: paste a token; its shape is checked here, the server says whether it is good. */
import { ApiError } from "../shared/api";
import { h } from "../shared/dom";
import { busy, field, messageLine, setMessage } from "./form-ui";
import type { ConsoleTranslator } from "./i18n";
import { decodeClaims, type Session } from "./session";

/** The sign-in form; `signIn` opens the console with the session, throwing what the server answered. */
export function loginScreen(t: ConsoleTranslator, signIn: (session: Session) => Promise<void>, notice?: string): HTMLElement {
  const token = h("textarea", {
    id: "token-input",
    name: "token",
    rows: 4,
    spellcheck: false,
    autocomplete: "off",
    required: true,
    class: "mono",
  });
  const submit = h("button", { type: "submit", "data-testid": "sign-in" }, t("signIn"));
  const message = messageLine("login-message");
  if (notice) setMessage(message, "error", notice);
  const form = h(
    "form",
    { novalidate: true, "aria-labelledby": "login-heading", "data-testid": "login" },
    h("h2", { id: "login-heading" }, t("loginHeading")),
    h("p", {}, t("loginIntro")),
    field(t("tokenLabel"), token),
    submit,
    message,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = token.value.trim().replace(/^Bearer\s+/i, "");
    if (text === "") return setMessage(message, "error", t("tokenEmpty"));
    const claims = decodeClaims(text);
    if (!claims) return setMessage(message, "error", t("tokenMalformed"));
    void busy(submit, async () => {
      try {
        await signIn({ token: text, claims });
      } catch (error) {
        setMessage(message, "error", loginFailure(t, error));
        token.focus();
      }
    });
  });
  return h("section", { class: "login" }, form);
}

/** Why a token was refused, in words. */
export function loginFailure(t: ConsoleTranslator, error: unknown): string {
  if (error instanceof ApiError && error.code === "TOKEN_EXPIRED") return t("tokenExpired");
  return t("tokenRefused", { detail: error instanceof Error ? error.message : String(error) });
}
