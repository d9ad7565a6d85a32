/** The issuer console: anchor, list, change status; party admins manage authorities, keys and recognition. */
import { byId, h, replaceChildren } from "../shared/dom";
import { LANGUAGES, type Language } from "../shared/i18n";
import { anchorScreen } from "./anchor";
import { authoritiesScreen } from "./authorities";
import { borderScreen } from "./border";
import { agreementsScreen } from "./agreements";
import { declareScreen } from "./declare";
import { tradersScreen } from "./traders";
import { certificateList } from "./certificate-list";
import { openConsole, type ConsoleContext } from "./context";
import { consoleTranslator, type ConsoleKey } from "./i18n";
import { loginFailure, loginScreen } from "./login";
import { recognitionScreen } from "./recognition";
import { clearSession, loadSession, saveSession, type Session } from "./session";
import { signingKeysScreen } from "./signing-keys";

type Tab = "anchor" | "certificates" | "authorities" | "keys" | "recognition" | "border" | "traders" | "declare" | "agreements";

const SCREENS: Record<Tab, { label: ConsoleKey; screen: (ctx: ConsoleContext) => HTMLElement }> = {
  anchor: { label: "tabAnchor", screen: anchorScreen },
  certificates: { label: "tabCertificates", screen: certificateList },
  authorities: { label: "tabAuthorities", screen: authoritiesScreen },
  keys: { label: "tabKeys", screen: signingKeysScreen },
  recognition: { label: "tabRecognition", screen: recognitionScreen },
  border: { label: "tabBorder", screen: borderScreen },
  traders: { label: "tabTraders", screen: tradersScreen },
  declare: { label: "tabDeclare", screen: declareScreen },
  agreements: { label: "tabAgreements", screen: agreementsScreen },
};

const t = consoleTranslator();
const app = byId("app");
let ctx: ConsoleContext | undefined;
let tab: Tab = "anchor";

/**
 * The tabs a token's role has: issuers anchor and manage their certificates and keys; party admins run the registry;
 * a border agency answers for certificates presented at its border; an origin authority (an issuer whose scope holds
 * a declaration type) registers traders; a registered trader declares origin.
 */
function tabsOf(context: ConsoleContext): Tab[] {
  const role = context.session.claims.role;
  if (role === "issuer") {
    const origin = context.authority?.scope.some((type) => type === 5 || type === 6) === true;
    return origin ? ["anchor", "certificates", "keys", "traders"] : ["anchor", "certificates", "keys"];
  }
  if (role === "customs") return ["border"];
  if (role === "declarant") return ["declare"];
  return ["authorities", "keys", "recognition", "agreements", "certificates"];
}

function header(): HTMLElement {
  const language = h(
    "select",
    { id: "language-select", name: "language" },
    ...LANGUAGES.map((l) => h("option", { value: l, selected: l === t.language }, l === "en" ? "English" : "Русский")),
  );
  language.addEventListener("change", () => {
    t.use(language.value as Language);
    render();
    byId("language-select").focus();
  });
  const who = ctx ? whoText(ctx) : undefined;
  return h(
    "header",
    { class: "site" },
    h("h1", {}, t("title")),
    h(
      "div",
      { class: "row compact" },
      who ? h("p", { "data-testid": "signed-in-as", class: "who" }, who) : null,
      ctx ? h("button", { type: "button", class: "secondary", "data-testid": "sign-out", onclick: signOut }, t("signOut")) : null,
      h("div", { class: "language" }, h("label", { for: "language-select" }, t("language")), language),
    ),
  );
}

function whoText(context: ConsoleContext): string {
  const { claims } = context.session;
  const who =
    claims.role === "issuer" && context.authority
      ? t("signedInIssuer", { id: context.authority.id, name: context.authority.name, party: context.authority.party })
      : claims.role === "customs" && context.agency
        ? t("signedInAgency", { id: context.agency.id, name: context.agency.name, party: context.agency.party })
        : claims.role === "declarant"
          ? t("signedInDeclarant", { id: claims.registrationId })
          : t("signedInAdmin", { party: context.party });
  return claims.exp ? `${who} · ${t("tokenExpires", { date: t.date(claims.exp) })}` : who;
}

function render(notice?: string): void {
  document.title = t("title");
  if (!ctx) {
    replaceChildren(app, header(), h("main", { id: "main" }, loginScreen(t, signIn, notice)));
    return;
  }
  const context = ctx;
  const tabs = tabsOf(context);
  if (!tabs.includes(tab)) tab = tabs[0];
  const nav = h(
    "nav",
    { "aria-label": t("navLabel"), class: "tabs" },
    h(
      "ul",
      {},
      ...tabs.map((name) =>
        h(
          "li",
          {},
          h(
            "button",
            {
              type: "button",
              class: name === tab ? "tab current" : "tab",
              "aria-current": name === tab ? "page" : undefined,
              "data-tab": name,
              onclick: () => {
                tab = name;
                render();
                byId("main").querySelector<HTMLElement>("h2")?.focus();
              },
            },
            t(SCREENS[name].label),
          ),
        ),
      ),
    ),
  );
  replaceChildren(app, header(), nav, h("main", { id: "main", tabindex: -1 }, SCREENS[tab].screen(context)));
  for (const heading of app.querySelectorAll<HTMLElement>("main h2")) heading.tabIndex = -1;
}

async function signIn(session: Session): Promise<void> {
  ctx = await openConsole(t, session);
  saveSession(session);
  tab = tabsOf(ctx)[0];
  render();
}

function signOut(): void {
  clearSession();
  ctx = undefined;
  render();
}

/** Reopens the session kept in this tab (a reload), or shows the sign-in. */
async function start(): Promise<void> {
  const session = loadSession();
  if (!session) return render();
  try {
    await signIn(session);
  } catch (error) {
    clearSession();
    render(loginFailure(t, error));
  }
}

void start();
