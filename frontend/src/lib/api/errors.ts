/** An API failure in words a person understands, keeping the machine-readable parts for branching. */
export type FieldProblem = { field: string; message: string; type?: string };

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  readonly requestId: string | null;
  readonly retryAfterSeconds: number | null;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    details?: unknown;
    requestId?: string | null;
    retryAfterSeconds?: number | null;
  }) {
    super(init.message);
    this.name = "ApiError";
    this.status = init.status;
    this.code = init.code;
    this.details = init.details;
    this.requestId = init.requestId ?? null;
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
  }

  /** 422 details as `{field, message}` pairs (the API's `field` may be a dotted path such as body.name). */
  get fieldProblems(): FieldProblem[] {
    if (!Array.isArray(this.details)) return [];
    return this.details
      .filter((d): d is FieldProblem => typeof d?.field === "string" && typeof d?.message === "string")
      .map((d) => ({ ...d, field: d.field.split(".").at(-1) ?? d.field }));
  }
}

const FRIENDLY_BY_STATUS: Record<number, string> = {
  0: "The platform could not be reached. Check your connection and try again.",
  500: "Something went wrong on the platform. Try again in a moment.",
  502: "The platform is not answering right now. Try again in a moment.",
  503: "The platform is busy or starting up. Try again in a moment.",
  504: "The platform took too long to answer. Try again in a moment.",
};

function parseRetryAfter(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : null;
}

/** Build an ApiError from a failed response and its parsed body, envelope or not (a proxy's 502 page). */
export function toApiError(response: Response, body: unknown): ApiError {
  const retryAfterSeconds = parseRetryAfter(response.headers.get("Retry-After"));
  const envelope = body as { error?: { code?: string; message?: string; details?: unknown }; request_id?: string };
  const status = response.status;
  return new ApiError({
    status,
    code: envelope?.error?.code ?? `HTTP_${status}`,
    message:
      envelope?.error?.message ??
      FRIENDLY_BY_STATUS[status] ??
      `The platform answered ${status} ${response.statusText}.`,
    details: envelope?.error?.details,
    requestId: envelope?.request_id ?? null,
    retryAfterSeconds,
  });
}

export function networkError(cause: unknown): ApiError {
  const error = new ApiError({ status: 0, code: "NETWORK_ERROR", message: FRIENDLY_BY_STATUS[0] ?? "" });
  error.cause = cause;
  return error;
}

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}
