/** An error the control API reports as `{error: {code, message}}` with an HTTP status. */
export class SimError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'SimError';
    this.status = status;
    this.code = code;
  }
}

export const badRequest = (code: string, message: string): SimError => new SimError(400, code, message);
export const notFound = (code: string, message: string): SimError => new SimError(404, code, message);
export const conflict = (code: string, message: string): SimError => new SimError(409, code, message);
