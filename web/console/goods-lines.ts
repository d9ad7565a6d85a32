/**
 * The goods lines of a declaration: one to start with, more added and removed by the trader, numbered 1, 2, … in
 * the order shown when sent (the API wants itemNumber; a removed line leaves no gap).
 */
import { h } from "../shared/dom";
import { field } from "./form-ui";
import type { OriginWord } from "./origin-words";

/** One line as POST /v1/declarations takes it. */
export interface GoodsLine {
  itemNumber: number;
  description: string;
  hsCode: string;
  originCriterion: string;
  quantity: { value: number; unit: string };
}

/** The lines' editor and a reader of what was typed. */
export interface GoodsLinesEditor {
  element: HTMLElement;
  lines(): GoodsLine[];
}

/** The goods lines editor, worded by `w`. */
export function goodsLinesEditor(w: (key: OriginWord, values?: Record<string, string>) => string): GoodsLinesEditor {
  const list = h("div", { "data-testid": "goods-lines" });
  const readers = new Map<HTMLElement, () => Omit<GoodsLine, "itemNumber">>();
  // Ids stay unique when lines come and go: a line keeps the number it was made with.
  let made = 0;

  const renumber = () => {
    const lines = [...readers.keys()];
    lines.forEach((line, i) => {
      line.querySelector("legend")!.textContent = w("lineLegend", { n: String(i + 1) });
      const remove = line.querySelector<HTMLButtonElement>("button")!;
      remove.textContent = w("removeLineButton", { n: String(i + 1) });
      remove.hidden = lines.length === 1;
    });
  };

  const addLine = () => {
    const n = ++made;
    const input = (name: string, attributes: Record<string, string> = {}) =>
      h("input", { id: `declare-${name}-${n}`, name, type: "text", autocomplete: "off", ...attributes });
    const description = input("description");
    const hsCode = input("hs-code", { inputmode: "numeric" });
    const criterion = input("criterion", { value: "WO" });
    const quantity = input("quantity", { inputmode: "decimal" });
    const unit = input("unit", { value: "KGM", maxlength: "3" });
    const remove = h("button", { type: "button", class: "secondary", "data-testid": `remove-goods-line-${n}` });
    const line = h(
      "fieldset",
      { "data-goods-line": String(n) },
      h("legend", {}),
      field(w("descriptionLabel"), description),
      h("div", { class: "row" }, field(w("hsCodeLabel"), hsCode), field(w("criterionLabel"), criterion)),
      h("div", { class: "row" }, field(w("quantityLabel"), quantity), field(w("unitLabel"), unit)),
      remove,
    );
    remove.addEventListener("click", () => {
      readers.delete(line);
      line.remove();
      renumber();
      list.querySelector<HTMLInputElement>("input")?.focus();
    });
    readers.set(line, () => ({
      description: description.value.trim(),
      hsCode: hsCode.value.trim(),
      originCriterion: criterion.value.trim(),
      // A decimal comma is how half the region writes 12,5; the API takes a number.
      quantity: { value: Number(quantity.value.trim().replace(",", ".")), unit: unit.value.trim().toUpperCase() },
    }));
    list.append(line);
    renumber();
    return description;
  };

  const add = h("button", { type: "button", class: "secondary", "data-testid": "add-goods-line" }, w("addLineButton"));
  add.addEventListener("click", () => addLine().focus());
  addLine();
  return {
    element: h("div", {}, list, add),
    lines: () => [...readers.values()].map((read, i) => ({ itemNumber: i + 1, ...read() })),
  };
}
