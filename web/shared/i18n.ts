/**
 * The pages' languages: English and Russian (the working language of most border posts in the region). Each page passes
 * its dictionaries; the choice is remembered between visits and set on <html lang> for screen readers.
 */

export type Language = "en" | "ru";
export const LANGUAGES: readonly Language[] = ["en", "ru"];
const STORAGE_KEY = "certledger.language";

/** A page's texts: every key in English, and in Russian. */
export type Dictionary<K extends string> = Record<Language, Record<K, string>>;

/** The language remembered from an earlier visit, else the browser's if it is Russian, else English. */
export function initialLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === "en" || stored === "ru") return stored;
  return navigator.language.toLowerCase().startsWith("ru") ? "ru" : "en";
}

/** Translation for one page: `t(key, {name: value})` fills `{name}` placeholders. */
export class Translator<K extends string> {
  private current: Language;
  constructor(
    private readonly dictionary: Dictionary<K>,
    language: Language = initialLanguage(),
  ) {
    this.current = language;
    document.documentElement.lang = language;
  }

  get language(): Language {
    return this.current;
  }

  /** Switches language, remembers it, and updates <html lang>. */
  use(language: Language): void {
    this.current = language;
    localStorage.setItem(STORAGE_KEY, language);
    document.documentElement.lang = language;
  }

  t(key: K, values: Record<string, string | number> = {}): string {
    const text = this.dictionary[this.current][key] ?? this.dictionary.en[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
  }

  /** A date (ISO string or seconds) in the current language's format. */
  date(value: string | number | undefined): string {
    if (value === undefined) return "—";
    const date = typeof value === "number" ? new Date(value * 1000) : new Date(value);
    return Number.isNaN(date.getTime())
      ? String(value)
      : date.toLocaleString(this.current === "ru" ? "ru-RU" : "en-GB", { dateStyle: "medium", timeStyle: "short" });
  }
}
