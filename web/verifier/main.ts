/**
 * The public verifier page: every way to name a certificate (file, QR code picture, hash, number, a verification link
 * opened directly), one report in plain words, the history, the content decrypted in this browser when the link
 * carries a key, a signed receipt, in English or Russian. The page holds no rule: the server's report decides.
 */
import { ApiError } from "../shared/api";
import { byId, h, replaceChildren } from "../shared/dom";
import { LANGUAGES, Translator, type Language } from "../shared/i18n";
import { contentSection, type ContentState } from "./content-view";
import { DICTIONARY, type TextKey } from "./dictionary";
import { checkFile, MAX_FILE_BYTES, type FileNote } from "./document-check";
import { spsSection, type SpsDocument } from "./sps-view";
import { historyTimeline } from "./history-view";
import { inputsSection, optionsSection, updatePartyOptions, type InputsActions, type InputsModel } from "./inputs-view";
import { canonicalHash, isLinkKeyShaped, parseVerificationLink, parseVerificationPath, targetPath, type VerificationLink } from "./links";
import { certificateOpenedBy } from "./number-links";
import { loadParties, rememberedRecognisingParty, rememberRecognisingParty } from "./parties";
import { batchedPayloadCid, openPayload, PayloadError } from "./payload";
import { readQrImage } from "./qr-reader";
import { downloadReceipt, printedFrom, receiptActions } from "./receipt";
import { certificateFacts, checkList, fileNotes, verdictBanner } from "./report-view";
import { useSection } from "../shared/use-view";
import { originSection, registrationLookup } from "../shared/origin-view";
import { verdictExplanation, verdictTitle } from "./report-words";
import { verify, type VerifyOptions, type VerifyRequest, type VerifyResponse } from "./verification";

/** A message in the chosen language, kept as key and values so that a language switch re-says it. */
interface Message {
  key: TextKey;
  values?: Record<string, string | number>;
}

interface State {
  /** The verification link the page is at: it names the certificate, and files are compared with it. */
  link?: VerificationLink;
  request?: VerifyRequest;
  response?: VerifyResponse;
  /** Whether the result is the link's certificate (its content may then be shown with the link's key). */
  fromLink: boolean;
  notes: FileNote[];
  /** What the file checked says, when it is an ePhyto (read in this browser). */
  document?: SpsDocument;
  content: ContentState;
  busy?: TextKey;
  error?: Message;
  inputs: InputsModel;
}

const t = new Translator(DICTIONARY);
const state: State = {
  fromLink: false,
  notes: [],
  content: { kind: "none" },
  inputs: {
    hash: "",
    number: "",
    party: "",
    asOfDay: "",
    recognisingParty: rememberedRecognisingParty(),
    parties: undefined,
    comparing: false,
  },
};
/** Each check bumps it; an answer that arrives after a newer check started is dropped. */
let generation = 0;

const actions: InputsActions = {
  file(file) {
    if (file.size === 0) return fail({ key: "fileEmpty" });
    if (file.size > MAX_FILE_BYTES) return fail({ key: "fileTooLarge", values: { size: MAX_FILE_BYTES / 1024 / 1024 } });
    const expected = state.link?.target;
    void run("hashingFile", false, () => checkFile(file, expected, options()));
  },
  qr(file) {
    const my = ++generation;
    setBusy("readingQr");
    void readQrImage(file).then((text) => {
      if (my !== generation) return;
      if (text === undefined) return fail({ key: "qrNotFound" });
      const link = parseVerificationLink(text);
      if (!link) return fail({ key: "qrNotLink", values: { text: text.length > 200 ? `${text.slice(0, 200)}…` : text } });
      goTo(link);
    });
  },
  hash(text) {
    state.inputs.hash = text;
    const certHash = canonicalHash(text);
    if (!certHash) return fail({ key: "invalidHash" }, "hash-input");
    goTo({ target: { kind: "hash", certHash } });
  },
  number(number, party) {
    state.inputs.number = number;
    state.inputs.party = party;
    if (number.trim() === "") return fail({ key: "numberRequired" }, "number-input");
    if (party === "") return fail({ key: "partyRequired" }, "party-select");
    goTo({ target: { kind: "number", party, number: number.trim() } });
  },
  asOf(day) {
    state.inputs.asOfDay = day;
    rerun();
  },
  recognising(party) {
    state.inputs.recognisingParty = party;
    rememberRecognisingParty(party);
    rerun();
  },
};

function options(): VerifyOptions {
  return { asOfDay: state.inputs.asOfDay || undefined, forParty: state.inputs.recognisingParty || undefined };
}

/** Goes to `link` (the address bar shows it, with its key: the fragment never leaves the browser) and verifies it. */
function goTo(link: VerificationLink): void {
  const fragment = link.linkKey === undefined ? "" : `#k=${link.linkKey}`;
  history.pushState(null, "", targetPath(link.target) + fragment);
  verifyLink(link);
}

function verifyLink(link: VerificationLink): void {
  state.link = link;
  state.inputs.comparing = true;
  if (state.content.kind === "opened") URL.revokeObjectURL(state.content.url);
  state.content = { kind: "none" };
  renderAll();
  void run("working", true, async () => {
    const request = await requestOf(link);
    return { request, response: await verify(request, options()), notes: [] };
  });
}

/** What a link asks to verify: its hash, or its number (narrowed to one certificate by its key, when it can be). */
async function requestOf({ target, linkKey }: VerificationLink): Promise<VerifyRequest> {
  if (target.kind === "hash") return { kind: "hash", certHash: target.certHash };
  const opened =
    linkKey && isLinkKeyShaped(linkKey)
      ? await certificateOpenedBy(target.party, target.number, linkKey).catch(() => undefined)
      : undefined;
  return opened ? { kind: "hash", certHash: opened } : { ...target };
}

/** The page as the address bar says: a verification link verifies at once; `/` is the empty form. */
function fromLocation(): void {
  const link = parseVerificationPath(location.pathname, location.hash);
  if (link) return verifyLink(link);
  generation++;
  Object.assign(state, { link: undefined, request: undefined, response: undefined, notes: [], busy: undefined, error: undefined });
  state.inputs.comparing = false;
  state.content = { kind: "none" };
  renderAll();
  // A /v/… address that names nothing (a link cut short when copied) says so instead of showing an empty form silently.
  if (location.pathname.startsWith("/v/")) fail({ key: "badLink" });
}

/** Runs one check and shows its report; for the link's own certificate, then opens its content with the link's key. */
async function run(
  busy: TextKey,
  fromLink: boolean,
  task: () => Promise<{ request: VerifyRequest; response: VerifyResponse; notes: FileNote[]; document?: SpsDocument }>,
  moveFocus = true,
): Promise<void> {
  const my = ++generation;
  setBusy(busy);
  try {
    const outcome = await task();
    if (my !== generation) return;
    // A check that is not of an ePhyto file leaves no earlier file's fields behind.
    Object.assign(state, { document: undefined, ...outcome, fromLink, busy: undefined, error: undefined });
    if (!fromLink) state.content = { kind: "none" };
    renderResult();
    // A new check takes the focus to its verdict; an option changed keeps it on the option (the status region speaks).
    if (moveFocus) document.getElementById("verdict")?.focus();
    if (fromLink) await showContent(my);
  } catch (error) {
    if (my === generation) fail(errorMessage(error));
  }
}

/** Verifies the current request again (the as-of date or the recognising party changed). */
function rerun(): void {
  const { request, notes, fromLink, document } = state;
  if (!request) return;
  void run("working", fromLink, async () => ({ request, response: await verify(request, options()), notes, document }), false);
}

async function showContent(my: number): Promise<void> {
  const certificate = state.response?.report.certificate;
  const key = state.link?.linkKey;
  let next: ContentState;
  if (!certificate) next = { kind: "none" };
  else if (key === undefined) next = { kind: "no-key" };
  else if (!isLinkKeyShaped(key)) next = { kind: "bad-key" };
  else if (state.content.kind === "opened" && state.content.certHash === certificate.certHash) return;
  else {
    setContent({ kind: "decrypting" });
    next = await openContent(certificate.certHash, certificate.payloadCid, key);
  }
  if (my !== generation) {
    if (next.kind === "opened") URL.revokeObjectURL(next.url);
    return;
  }
  setContent(next);
}

/** The certificate's payload, fetched by its CID and decrypted here with the link's key. */
async function openContent(certHash: string, payloadCid: string | undefined, key: string): Promise<ContentState> {
  try {
    const cid = payloadCid ?? (await batchedPayloadCid(certHash));
    if (cid === undefined) return { kind: "no-payload" };
    const payload = await openPayload(cid, certHash, key);
    const blob = new Blob([payload.bytes as Uint8Array<ArrayBuffer>], { type: payload.contentType });
    return { kind: "opened", certHash, payload, url: URL.createObjectURL(blob) };
  } catch (error) {
    const reason = error instanceof PayloadError ? error.reason : "unavailable";
    return { kind: "failed", reason, message: (error as Error).message };
  }
}

function setContent(content: ContentState): void {
  if (state.content.kind === "opened" && state.content !== content) URL.revokeObjectURL(state.content.url);
  state.content = content;
  const section = contentSection(t, content);
  const slot = document.getElementById("content-slot");
  if (slot) replaceChildren(slot, section);
}

function errorMessage(error: unknown): Message {
  if (error instanceof ApiError) return { key: "apiError", values: { message: error.message } };
  return { key: "apiError", values: { message: error instanceof Error ? error.message : String(error) } };
}

function setBusy(busy: TextKey): void {
  state.busy = busy;
  state.error = undefined;
  renderStatus();
}

function fail(message: Message, fieldId?: string): void {
  state.busy = undefined;
  state.error = message;
  renderStatus();
  if (fieldId) document.getElementById(fieldId)?.focus();
}

async function receipt(): Promise<void> {
  const { request } = state;
  if (!request) return;
  const my = ++generation;
  setBusy("receiptWorking");
  try {
    const response = await downloadReceipt(request, options());
    if (my !== generation) return;
    state.response = response;
    state.busy = undefined;
    renderResult();
    if (state.fromLink) await showContent(my);
  } catch (error) {
    if (my === generation) fail(errorMessage(error));
  }
}

function startOver(): void {
  history.pushState(null, "", "/");
  fromLocation();
  document.getElementById("inputs-title")?.focus();
}

// ------------------------------------------------------------------ rendering

function renderAll(): void {
  document.title = `${t.t("siteName")} — ${t.t("pageTitle")}`;
  const languageSelect = h(
    "select",
    { id: "language-select" },
    ...LANGUAGES.map((code) =>
      h("option", { value: code, selected: code === t.language, lang: code }, code === "en" ? "English" : "Русский"),
    ),
  );
  languageSelect.addEventListener("change", () => {
    t.use(languageSelect.value as Language);
    renderAll();
    document.getElementById("language-select")?.focus();
  });
  replaceChildren(
    byId("app"),
    h(
      "header",
      { class: "site" },
      h("span", { class: "site-name" }, t.t("siteName")),
      h("div", { class: "language" }, h("label", { for: "language-select" }, t.t("language")), languageSelect),
    ),
    h(
      "main",
      { id: "main", tabindex: -1 },
      h("h1", {}, t.t("pageTitle")),
      // The result comes first: a person who scanned a QR code on a phone sees the verdict without scrolling.
      h("div", { id: "status", role: "status", "aria-live": "polite", class: "no-print" }),
      h("div", { id: "result" }),
      inputsSection(t, state.inputs, actions),
      optionsSection(t, state.inputs, actions),
      registrationLookup(t.language, (iso) => t.date(iso)),
    ),
  );
  if (state.inputs.parties) updatePartyOptions(state.inputs.parties);
  renderStatus();
  renderResult();
}

function renderStatus(): void {
  const status = document.getElementById("status");
  if (!status) return;
  const report = state.response?.report;
  replaceChildren(
    status,
    state.busy ? h("p", { class: "busy" }, t.t(state.busy)) : null,
    state.error ? h("p", { class: "error", role: "alert" }, t.t(state.error.key, state.error.values)) : null,
    // For screen readers: the verdict, said again whenever a check ends (the banner says it to the eye).
    !state.busy && !state.error && report
      ? h("p", { class: "visually-hidden" }, `${verdictTitle(t, report.verdict)}. ${verdictExplanation(t, report)}`)
      : null,
  );
}

function renderResult(): void {
  renderStatus();
  const result = document.getElementById("result");
  if (!result) return;
  const report = state.response?.report;
  if (!report) return replaceChildren(result);
  replaceChildren(
    result,
    h(
      "section",
      { class: "report", "aria-labelledby": "result-title" },
      h("h2", { id: "result-title" }, t.t("resultTitle")),
      verdictBanner(t, report),
      fileNotes(t, state.notes),
      certificateFacts(t, report),
      // Only beside a certificate the ledger knows: an unanchored file's words are not shown as if they counted.
      report.certificate ? spsSection(t, state.document ?? report.document) : null,
      checkList(t, report),
      originSection(t.language, report.origin, (iso) => t.date(iso)),
      useSection(t.language, report.use, (iso) => t.date(iso)),
      historyTimeline(t, report),
      h("div", { id: "content-slot" }, contentSection(t, state.content)),
      receiptActions(t, { receipt: () => void receipt(), print: () => window.print(), startOver }, state.busy !== undefined),
      printedFrom(t),
    ),
  );
}

// ------------------------------------------------------------------ start

window.addEventListener("popstate", fromLocation);
// A file dropped anywhere on the page is checked, rather than the browser leaving the page to open it.
document.addEventListener("dragover", (event) => event.preventDefault());
document.addEventListener("drop", (event) => {
  event.preventDefault();
  const file = event.dataTransfer?.files[0];
  if (file) actions.file(file);
});
// A link followed inside the page (a replacement certificate) is verified here rather than reloading the page.
document.addEventListener("click", (event) => {
  const anchor = (event.target as Element | null)?.closest?.("a");
  if (!anchor || anchor.target || anchor.hasAttribute("download") || event.button !== 0 || event.ctrlKey || event.metaKey) return;
  const url = new URL(anchor.href, location.href);
  const link = url.origin === location.origin ? parseVerificationPath(url.pathname, url.hash) : undefined;
  if (!link) return;
  event.preventDefault();
  goTo(link);
});
fromLocation();
loadParties().then(
  (parties) => {
    state.inputs.parties = parties;
    updatePartyOptions(parties);
  },
  () => fail({ key: "partiesUnavailable" }),
);
