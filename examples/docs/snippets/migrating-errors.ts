// Reading an error answer of either router, for clients that talk to both during the move
// (docs/migrating-from-fastapi.md).

// #region errors
/** An error answer, from the original router or from Portico. */
export interface ApiError {
  status: number;
  /** Portico's stable code, e.g. `VALIDATION_FAILED`; null from the original. */
  code: string | null;
  message: string;
  fields: { path: string; message: string }[];
}

export async function readError(response: Response): Promise<ApiError> {
  const body = (await response.json()) as { detail?: unknown; code?: string; errors?: ApiError['fields'] };
  // FastAPI's validation errors: 422, with `detail` a list of { loc, msg }.
  if (Array.isArray(body.detail)) {
    const issues = body.detail as { loc: (string | number)[]; msg: string }[];
    const fields = issues.map((issue) => ({ path: issue.loc.slice(1).join('.'), message: issue.msg }));
    return { status: response.status, code: null, message: 'Invalid request', fields };
  }
  // Otherwise `detail` is the message in both. Portico adds `code` (branch on it: the texts
  // changed language) and, on a 400, the failing fields in `errors`.
  return { status: response.status, code: body.code ?? null, message: String(body.detail), fields: body.errors ?? [] };
}
// #endregion errors
