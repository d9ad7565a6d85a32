/**
 * A YAML writer for the kit's compose files: maps, lists, strings, numbers and booleans, with comments above keys.
 * Every string is written double-quoted with JSON's escapes, which YAML reads the same way, so no value can turn into
 * a number, a boolean or a null by accident ("no" or "0600" stay strings). Small on purpose: compose files need no more.
 */
export type YamlValue = string | number | boolean | YamlValue[] | YamlMap;
export interface YamlMap {
  [key: string]: YamlValue | undefined;
}

/** `comments[key path]` ("services.besu.ports") is written above that key. */
export function toYaml(value: YamlMap, comments: Record<string, string> = {}): string {
  return writeMap(value, 0, "", comments).join("\n") + "\n";
}

function writeMap(map: YamlMap, indent: number, path: string, comments: Record<string, string>): string[] {
  const pad = " ".repeat(indent);
  const lines: string[] = [];
  for (const [key, value] of Object.entries(map)) {
    if (value === undefined) continue;
    const keyPath = path ? `${path}.${key}` : key;
    for (const line of comments[keyPath]?.split("\n") ?? []) lines.push(`${pad}# ${line}`);
    const name = /^[A-Za-z0-9_.-]+$/.test(key) ? key : JSON.stringify(key);
    if (isScalar(value)) lines.push(`${pad}${name}: ${scalar(value)}`);
    else if (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0) {
      lines.push(`${pad}${name}: ${Array.isArray(value) ? "[]" : "{}"}`);
    } else {
      lines.push(`${pad}${name}:`);
      lines.push(
        ...(Array.isArray(value) ? writeList(value, indent + 2, keyPath, comments) : writeMap(value, indent + 2, keyPath, comments)),
      );
    }
  }
  return lines;
}

function writeList(list: YamlValue[], indent: number, path: string, comments: Record<string, string>): string[] {
  const pad = " ".repeat(indent);
  return list.flatMap((item) => {
    if (isScalar(item)) return [`${pad}- ${scalar(item)}`];
    const inner = Array.isArray(item) ? writeList(item, indent + 2, path, comments) : writeMap(item, indent + 2, path, comments);
    return [`${pad}- ${inner[0].trimStart()}`, ...inner.slice(1)];
  });
}

function isScalar(value: YamlValue): value is string | number | boolean {
  return typeof value !== "object";
}

function scalar(value: string | number | boolean): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
