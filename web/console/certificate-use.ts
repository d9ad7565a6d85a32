/**
 * For an issuer: what importing parties recorded about one of its certificates (outcomes, items used), from
 * GET /v1/certificates/{certHash}/use, shown under the certificate's links.
 */
import type { CertificateUse } from "../../src/outcomes/certificate-use";
import { h, replaceChildren } from "../shared/dom";
import { useSection } from "../shared/use-view";
import type { ConsoleContext } from "./context";
import { failureText } from "./form-ui";

/** A panel that loads and shows the certificate's use at the border. */
export function usePanel(ctx: ConsoleContext, certHash: string): HTMLElement {
  const { t } = ctx;
  const panel = h("div", { "data-testid": "certificate-use" }, h("p", { class: "muted" }, t("loading")));
  void ctx
    .call<{ use: CertificateUse }>(`/v1/certificates/${certHash}/use`)
    .then(({ use }) => replaceChildren(panel, useSection(t.language, use, (iso) => t.date(iso)) ?? ""))
    .catch((error: unknown) => replaceChildren(panel, h("p", { class: "error", role: "alert" }, failureText(t, error))));
  return panel;
}
