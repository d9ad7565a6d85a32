/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal (a log file or a pipe gets the summary
 * alone), redrawn at most ten times a second.
 */
export class ProgressBar {
  readonly #enabled = process.stderr.isTTY === true;
  #last = 0;
  #drawn = false;

  constructor(private readonly label: string) {}

  /** Shows `done` of `total`, with `detail` after the count. */
  update(done: number, total: number, detail = "", force = false): void {
    if (!this.#enabled) return;
    const now = Date.now();
    if (!force && now - this.#last < 100) return;
    this.#last = now;
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const bar = "█".repeat(filled) + "░".repeat(width - filled);
    const line = `${this.label} ${bar} ${done}/${total}${detail ? ` · ${detail}` : ""}`;
    process.stderr.write(`\r${line.slice(0, (process.stderr.columns ?? 100) - 1)}\x1b[K`);
    this.#drawn = true;
  }

  /** Clears the bar, leaving the terminal as it was. */
  done(): void {
    if (this.#drawn) process.stderr.write("\r\x1b[K");
    this.#drawn = false;
  }
}
