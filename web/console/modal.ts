/**
 * Opening a console <dialog> as a modal that a keyboard user cannot leave by accident: Tab and Shift+Tab cycle within
 * it (Chromium's native modal lets Tab run on past the last button, out of the page), Escape closes it (native), and
 * on closing the focus goes back to the control that opened it.
 */

const FOCUSABLE = "button, input, select, textarea, a[href], [tabindex]:not([tabindex='-1'])";

/** The controls of `dialog` that Tab can reach, in order. */
function tabStops(dialog: HTMLDialogElement): HTMLElement[] {
  return [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (element) => !element.matches(":disabled") && element.tabIndex >= 0 && element.getClientRects().length > 0,
  );
}

/** Shows `dialog` modally with the focus kept inside it and given back to the opener when it closes. */
export function showModal(dialog: HTMLDialogElement): void {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  dialog.addEventListener("keydown", (event) => {
    if (event.key !== "Tab") return;
    const stops = tabStops(dialog);
    if (stops.length === 0) return;
    const first = stops[0];
    const last = stops[stops.length - 1];
    const active = document.activeElement;
    const outside = !(active instanceof HTMLElement) || !stops.includes(active);
    if (event.shiftKey && (active === first || outside)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || outside)) {
      event.preventDefault();
      first.focus();
    }
  });
  dialog.addEventListener("close", () => {
    if (opener?.isConnected) opener.focus();
  });
  dialog.showModal();
}
