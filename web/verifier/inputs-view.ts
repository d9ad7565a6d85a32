/**
 * The ways to name a certificate (a file, a QR code picture, a hash, a number and party) and the options every check
 * takes (as of a date, recognised by a party). Every control has a visible label; the drop zone only adds a way to
 * give a file, the file input itself stays the keyboard's way.
 */
import { h } from "../shared/dom";
import type { Words } from "./report-words";

/** What the inputs show: what was typed before (kept across a language switch) and the parties to choose from. */
export interface InputsModel {
  hash: string;
  number: string;
  party: string;
  asOfDay: string;
  recognisingParty: string;
  parties: string[] | undefined;
  /** Whether files are compared with the certificate of the link the page was opened at. */
  comparing: boolean;
}

/** What the person did. */
export interface InputsActions {
  file(file: File): void;
  qr(file: File): void;
  hash(text: string): void;
  number(number: string, party: string): void;
  asOf(day: string): void;
  recognising(party: string): void;
}

/** The "check a certificate" section. */
export function inputsSection(t: Words, model: InputsModel, on: InputsActions): HTMLElement {
  const fileInput = h("input", {
    id: "file-input",
    type: "file",
    accept: ".pdf,.xml,.jwt,.json,.png,.jpg,.jpeg,.webp,.gif,.tif,.tiff,application/pdf,application/xml,text/xml,image/*",
    "aria-describedby": "file-privacy",
  });
  fileInput.addEventListener("change", () => {
    const file = fileInput.files?.[0];
    if (file) on.file(file);
  });
  const dropzone = h(
    "div",
    { class: "dropzone" },
    h("label", { for: "file-input" }, t.t("fileLabel")),
    fileInput,
    h("p", { class: "muted" }, t.t("fileDrop")),
    h("p", { class: "muted small", id: "file-privacy" }, t.t("filePrivacy")),
    model.comparing ? h("p", { class: "small", "data-testid": "comparing" }, t.t("expectedNote")) : null,
  );
  dropzone.addEventListener("dragover", (event) => {
    event.preventDefault();
    dropzone.classList.add("over");
  });
  // The drop itself is taken by the page as a whole (main.ts); the zone only shows where to drop.
  dropzone.addEventListener("dragleave", () => dropzone.classList.remove("over"));
  dropzone.addEventListener("drop", () => dropzone.classList.remove("over"));

  const qrInput = h("input", { id: "qr-input", type: "file", accept: "image/*" });
  qrInput.addEventListener("change", () => {
    const file = qrInput.files?.[0];
    if (file) on.qr(file);
  });

  const hashInput = h("input", {
    id: "hash-input",
    type: "text",
    value: model.hash,
    autocomplete: "off",
    spellcheck: "false",
    inputmode: "text",
    placeholder: "0x…",
  });
  const hashForm = h(
    "form",
    { class: "row", novalidate: true },
    h("div", {}, h("label", { for: "hash-input" }, t.t("hashLabel")), hashInput),
    h("div", { class: "button-cell" }, h("button", { id: "hash-submit", type: "submit" }, t.t("verify"))),
  );
  // What is typed survives a language switch, which draws the inputs anew.
  hashInput.addEventListener("input", () => (model.hash = hashInput.value));
  hashForm.addEventListener("submit", (event) => {
    event.preventDefault();
    on.hash(hashInput.value);
  });

  const numberInput = h("input", { id: "number-input", type: "text", value: model.number, autocomplete: "off" });
  const partySelect = partyPicker("party-select", model.parties, model.party, t.t("choose"));
  const numberForm = h(
    "form",
    { class: "row", novalidate: true },
    h("div", {}, h("label", { for: "number-input" }, t.t("numberLabel")), numberInput),
    h("div", {}, h("label", { for: "party-select" }, t.t("partyLabel")), partySelect),
    h("div", { class: "button-cell" }, h("button", { id: "number-submit", type: "submit" }, t.t("verify"))),
  );
  numberInput.addEventListener("input", () => (model.number = numberInput.value));
  partySelect.addEventListener("change", () => (model.party = partySelect.value));
  numberForm.addEventListener("submit", (event) => {
    event.preventDefault();
    on.number(numberInput.value, partySelect.value);
  });

  return h(
    "section",
    { class: "no-print inputs", "aria-labelledby": "inputs-title" },
    h("h2", { id: "inputs-title", tabindex: -1 }, t.t("inputsTitle")),
    h("p", { class: "muted" }, t.t("inputsIntro")),
    dropzone,
    h("div", { class: "input-block" }, h("label", { for: "qr-input" }, t.t("qrLabel")), qrInput),
    h("div", { class: "input-block" }, hashForm),
    h("div", { class: "input-block" }, numberForm),
  );
}

/** The options section: as of a date, and the party whose recognition is reported (remembered by the page). */
export function optionsSection(t: Words, model: InputsModel, on: InputsActions): HTMLElement {
  const asOf = h("input", { id: "as-of", type: "date", value: model.asOfDay });
  asOf.addEventListener("change", () => on.asOf(asOf.value));
  const recognising = partyPicker("recognising-party", model.parties, model.recognisingParty, t.t("noParty"));
  recognising.addEventListener("change", () => on.recognising(recognising.value));
  return h(
    "section",
    { class: "no-print options", "aria-labelledby": "options-title" },
    h("h2", { id: "options-title" }, t.t("optionsTitle")),
    h(
      "div",
      { class: "row" },
      h("div", {}, h("label", { for: "as-of" }, t.t("asOfLabel")), asOf),
      h("div", {}, h("label", { for: "recognising-party" }, t.t("recognisingLabel")), recognising),
    ),
  );
}

function partyPicker(id: string, parties: string[] | undefined, selected: string, empty: string): HTMLSelectElement {
  // A remembered party that the list (not loaded yet, or since changed) lacks is kept, so a choice is never lost.
  const codes = [...(parties ?? [])];
  if (selected && !codes.includes(selected)) codes.push(selected);
  return h(
    "select",
    { id },
    h("option", { value: "" }, empty),
    ...codes.map((code) => h("option", { value: code, selected: code === selected }, code)),
  );
}

/** Fills the party pickers once the list has arrived, keeping what is selected (and the focus) as it is. */
export function updatePartyOptions(parties: string[]): void {
  for (const id of ["party-select", "recognising-party"]) {
    const select = document.getElementById(id);
    if (!(select instanceof HTMLSelectElement)) continue;
    const selected = select.value;
    const codes = [...parties];
    if (selected && !codes.includes(selected)) codes.push(selected);
    while (select.options.length > 1) select.remove(1);
    for (const code of codes) select.add(h("option", { value: code, selected: code === selected }, code));
  }
}
