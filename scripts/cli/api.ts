import { ApiProblem, UnreachableError, UsageError } from "./errors";

/** Options shared by the commands that talk to an API server. */
export const API_OPTIONS = {
  api: { type: "string" },
  token: { type: "string" },
} as const;

/** A client of a CertLedger API server: JSON in and out, problem answers as {@link ApiProblem}. */
export class ApiClient {
  readonly base: string;

  constructor(
    base: string,
    private readonly token?: string,
  ) {
    this.base = apiBase(base);
  }

  /** GETs `path` as bytes (a document), with the token. */
  async bytes(path: string): Promise<Uint8Array> {
    const headers = new Headers();
    if (this.token) headers.set("authorization", `Bearer ${this.token}`);
    let response: Response;
    try {
      response = await fetch(this.base + path, { headers });
    } catch {
      throw new UnreachableError(`the API server at ${this.base} does not answer`);
    }
    if (!response.ok) {
      const problem = (await response.json().catch(() => ({}))) as { code?: string; detail?: string };
      throw new ApiProblem(response.status, problem.code ?? `HTTP_${response.status}`, problem.detail ?? response.statusText);
    }
    return new Uint8Array(await response.arrayBuffer());
  }

  /** Sends a request; resolves to the parsed JSON body of a 2xx answer, rejects with an ApiProblem otherwise. */
  async request<T>(
    method: string,
    path: string,
    init: { json?: unknown; form?: FormData; raw?: { bytes: Uint8Array; contentType: string }; auth?: boolean } = {},
  ): Promise<T> {
    const headers = new Headers({ accept: "application/json" });
    if (this.token && init.auth !== false) headers.set("authorization", `Bearer ${this.token}`);
    let body: string | FormData | Uint8Array | undefined;
    if (init.json !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(init.json);
    } else if (init.form) {
      body = init.form;
    } else if (init.raw) {
      headers.set("content-type", init.raw.contentType);
      body = init.raw.bytes;
    }
    let response: Response;
    try {
      response = await fetch(this.base + path, { method, headers, body });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new UnreachableError(`the API server at ${this.base} does not answer${cause ? ` (${cause})` : ""}`);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const problem = (parsed ?? {}) as { code?: string; detail?: string };
      throw new ApiProblem(
        response.status,
        problem.code ?? `HTTP_${response.status}`,
        problem.detail ?? (text.slice(0, 200) || response.statusText),
      );
    }
    if (parsed === undefined) throw new ApiProblem(response.status, "NOT_JSON", `${method} ${path} did not answer JSON`);
    return parsed as T;
  }
}

/** The API's base URL from --api (or CERTLEDGER_API): http(s), without a trailing slash or /v1. */
export function apiBase(value: string | undefined): string {
  const given = value ?? process.env.CERTLEDGER_API;
  if (!given) throw new UsageError("--api URL is required (or CERTLEDGER_API): the CertLedger API server to talk to");
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new UsageError(`--api ${given} is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`--api ${given} is not an http(s) URL`);
  return url.href.replace(/\/+$/, "").replace(/\/v1$/, "");
}

/** The API client of --api with the bearer token of --token or CERTLEDGER_TOKEN (required when `needsToken`). */
export function apiClient(values: { api?: string; token?: string }, needsToken: boolean): ApiClient {
  const token = values.token ?? process.env.CERTLEDGER_TOKEN;
  if (needsToken && !token) throw new UsageError("--token is required (or CERTLEDGER_TOKEN): an API token of the issuer or party admin");
  return new ApiClient(apiBase(values.api), token);
}
