/**
 * What a bank keeps: the report signed by this server (a JWS, checked with /.well-known/jwks.json) as a .jwt file,
 * and a printable summary of the page (the print style sheet leaves out the inputs and buttons).
 */
import { download, h } from "../shared/dom";
import type { Words } from "./report-words";
import { verify, type VerifyOptions, type VerifyRequest, type VerifyResponse } from "./verification";

/** Verifies `request` again with a receipt and offers the receipt as a download; returns the answer (its report is the one signed). */
export async function downloadReceipt(request: VerifyRequest, options: VerifyOptions): Promise<VerifyResponse> {
  const response = await verify(request, options, true);
  if (!response.receipt) throw new Error("the server sent no receipt");
  const name = (response.report.certHash ?? "certificate").replace(/^0x/, "").slice(0, 16);
  download(response.receipt, `certledger-receipt-${name}.jwt`, "application/jwt");
  return response;
}

/** The receipt and print buttons. */
export function receiptActions(t: Words, on: { receipt(): void; print(): void; startOver(): void }, busy: boolean): HTMLElement {
  return h(
    "div",
    { class: "actions no-print" },
    h("button", { type: "button", "data-testid": "download-receipt", onclick: () => on.receipt(), disabled: busy }, t.t("receipt")),
    h("button", { type: "button", class: "secondary", "data-testid": "print-summary", onclick: () => on.print() }, t.t("print")),
    h("button", { type: "button", class: "secondary", "data-testid": "start-over", onclick: () => on.startOver() }, t.t("startOver")),
  );
}

/** The line a printout carries: where it came from (the page's address without the link key). */
export function printedFrom(t: Words): HTMLElement {
  return h("p", { class: "print-only muted" }, t.t("printedFrom", { url: location.origin + location.pathname }));
}
