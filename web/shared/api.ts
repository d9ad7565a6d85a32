/** Calls to the CertLedger API from the pages: same origin, JSON in and out, RFC 9457 problems turned into errors. */

/** A failed API call: the problem's stable code and its human text. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The problem's structured facts, e.g. `issues: [{ field, message }]` naming the fields that were refused. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Options of {@link api}: a bearer token, and a JSON or multipart body. */
export interface ApiOptions {
  method?: string;
  token?: string;
  json?: unknown;
  form?: FormData;
  headers?: Record<string, string>;
}

/** Calls `path` on this server and returns the parsed JSON answer; a non-2xx answer throws an {@link ApiError}. */
export async function api<T>(path: string, options: ApiOptions = {}): Promise<T> {
  const response = await send(path, options);
  return (await response.json()) as T;
}

/** Calls `path` and returns the raw bytes (documents, payloads, QR images); a non-2xx answer throws an {@link ApiError}. */
export async function apiBytes(path: string, options: ApiOptions = {}): Promise<{ bytes: Uint8Array; contentType: string }> {
  const response = await send(path, options);
  return { bytes: new Uint8Array(await response.arrayBuffer()), contentType: response.headers.get("content-type") ?? "" };
}

async function send(path: string, options: ApiOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json", ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: BodyInit | undefined;
  if (options.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.json);
  } else if (options.form !== undefined) {
    body = options.form;
  }
  const response = await fetch(path, { method: options.method ?? (body === undefined ? "GET" : "POST"), headers, body });
  if (!response.ok) throw await problemOf(response);
  return response;
}

async function problemOf(response: Response): Promise<ApiError> {
  try {
    const problem = (await response.json()) as { code?: unknown; detail?: unknown; title?: unknown; details?: unknown };
    const text =
      typeof problem.detail === "string" ? problem.detail : typeof problem.title === "string" ? problem.title : response.statusText;
    const details =
      typeof problem.details === "object" && problem.details !== null ? (problem.details as Record<string, unknown>) : undefined;
    return new ApiError(response.status, typeof problem.code === "string" ? problem.code : `HTTP_${response.status}`, text, details);
  } catch {
    return new ApiError(response.status, `HTTP_${response.status}`, response.statusText);
  }
}
