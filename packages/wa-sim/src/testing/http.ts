// Tiny client for the control API in tests.
export interface ApiResponse {
  status: number;
  body: Record<string, unknown>;
  /** `error.code` of an error response. */
  errorCode?: string;
}

export async function api(baseUrl: string, method: string, path: string, body?: unknown): Promise<ApiResponse> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const json = (await res.json()) as Record<string, unknown>;
  const error = json.error as { code?: string } | undefined;
  return { status: res.status, body: json, ...(error?.code ? { errorCode: error.code } : {}) };
}
