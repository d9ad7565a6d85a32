/**
 * A certificate's verification link and QR code (PNG, SVG), and for a stamped PDF the stamped document itself, from
 * GET /v1/certificates/{certHash}/link: for its issuer the link carries the holder's key, which never went on chain.
 */
import { apiBytes } from "../shared/api";
import { download, h, replaceChildren } from "../shared/dom";
import type { ConsoleContext } from "./context";
import { failureText } from "./form-ui";

/** What GET /v1/certificates/{certHash}/link answers. */
interface CertificateLink {
  certHash: string;
  link: string;
  linkKey?: string;
  stampedLink?: string;
  number?: string;
  party?: string;
  stamped?: boolean;
  document?: string;
  qr: { png: string; svg: string };
}

/** The API's absolute URL (under PUBLIC_URL) as a path on this server, where the page's calls go. */
export function localPath(url: string): string {
  const parsed = new URL(url, location.href);
  return parsed.pathname + parsed.search;
}

/** A panel that loads and shows the certificate's link, QR code and downloads. */
export function linksPanel(ctx: ConsoleContext, certHash: string): HTMLElement {
  const { t } = ctx;
  const panel = h("section", { "data-testid": "certificate-links", "aria-labelledby": `links-${certHash}` });
  replaceChildren(panel, h("h3", { id: `links-${certHash}` }, t("linksHeading")), h("p", { class: "muted" }, t("loading")));
  void (async () => {
    try {
      const info = await ctx.call<CertificateLink>(`/v1/certificates/${certHash}/link`);
      const png = await apiBytes(localPath(info.qr.png), { token: ctx.session.token });
      replaceChildren(panel, h("h3", { id: `links-${certHash}` }, t("linksHeading")), ...linkContent(ctx, info, png.bytes));
    } catch (error) {
      replaceChildren(
        panel,
        h("h3", { id: `links-${certHash}` }, t("linksHeading")),
        h("p", { class: "error", role: "alert" }, failureText(t, error)),
      );
    }
  })();
  return panel;
}

function linkContent(ctx: ConsoleContext, info: CertificateLink, png: Uint8Array): Node[] {
  const { t } = ctx;
  const shown = info.stamped && info.stampedLink ? info.stampedLink : info.link;
  const hasKey = shown.includes("#k=");
  const name = (info.number ?? info.certHash.slice(2, 14)).replace(/[^A-Za-z0-9._-]+/g, "_");
  const copyStatus = h("span", { class: "muted", role: "status", "aria-live": "polite" });
  const image = h("img", {
    src: URL.createObjectURL(new Blob([new Uint8Array(png)], { type: "image/png" })),
    alt: t("qrAlt"),
    class: "qr",
    width: 200,
    height: 200,
    "data-testid": "qr-image",
  });
  const open = new URL(shown);
  return [
    h("p", { class: "muted" }, hasKey ? t("linkWithKey") : t("linkNoKey")),
    h("label", { for: `link-${info.certHash}` }, t("linksHeading")),
    h("input", { id: `link-${info.certHash}`, type: "text", readonly: true, value: shown, "data-testid": "verification-link" }),
    h(
      "div",
      { class: "actions" },
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          onclick: () => {
            void navigator.clipboard?.writeText(shown).then(
              () => (copyStatus.textContent = t("copied")),
              () => undefined,
            );
          },
        },
        t("copyLink"),
      ),
      // The verifier of this server: the public URL may name another host (a proxy), the page is the same.
      h("a", { href: open.pathname + open.hash, target: "_blank", rel: "noopener", class: "button secondary" }, t("openLink")),
      copyStatus,
    ),
    image,
    h(
      "div",
      { class: "actions" },
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          "data-testid": "download-qr-png",
          onclick: () => download(png, `${name}-qr.png`, "image/png"),
        },
        t("downloadPng"),
      ),
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          "data-testid": "download-qr-svg",
          onclick: () => void fetchAndSave(ctx, info.qr.svg, `${name}-qr.svg`),
        },
        t("downloadSvg"),
      ),
      info.stamped && info.document
        ? h(
            "button",
            { type: "button", "data-testid": "download-stamped", onclick: () => void fetchAndSave(ctx, info.document!, `${name}.pdf`) },
            t("downloadStamped"),
          )
        : null,
    ),
  ];
}

async function fetchAndSave(ctx: ConsoleContext, url: string, filename: string): Promise<void> {
  const { bytes, contentType } = await apiBytes(localPath(url), { token: ctx.session.token });
  download(bytes, filename, contentType.split(";")[0] || "application/octet-stream");
}
