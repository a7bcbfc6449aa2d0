import { AppError } from '@turbozap/shared/errors/app-error';
import express, { type Request, type RequestHandler, type Response } from 'express';

/**
 * Bodies are read inside a route, after its key, access and rate limit have been checked: an
 * unauthenticated request costs no parsing, and a request announcing more than its route
 * takes is refused (413) before its bytes arrive. Only the routes that carry base64 media
 * take `BODY_LIMIT`; every other body is small.
 */
export const smallBodyBytes = 1024 * 1024;

/** NUL and lone surrogates are valid JSON but PostgreSQL cannot store them: refuse them as bad JSON (400). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching NUL is the point
const unstorable = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
function rejectUnstorable(_key: string, value: unknown): unknown {
  if (typeof value === 'string' && unstorable.test(value))
    throw new SyntaxError('strings must not contain NUL or unpaired surrogates');
  return value;
}

const units: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** `BODY_LIMIT` as Express writes sizes (`16mb`, `512kb`, `1048576`), in bytes. */
export function byteSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(text.trim());
  if (!m) throw new Error(`BODY_LIMIT must be a size like 16mb or 512kb, got "${text}"`);
  return Math.floor(Number(m[1]) * (units[(m[2] ?? 'b').toLowerCase()] ?? 1));
}

export interface BodyReader {
  limit: number;
  parse: RequestHandler;
}

export interface BodyReaders {
  small: BodyReader;
  large: BodyReader;
}

/** JSON readers for small bodies and for media bodies (a BODY_LIMIT below 1 MB lowers both). */
export function bodyReaders(bodyLimit: string): BodyReaders {
  const large = byteSize(bodyLimit);
  const reader = (limit: number): BodyReader => ({
    limit,
    parse: express.json({ limit, type: ['application/json', 'application/*+json'], reviver: rejectUnstorable }),
  });
  return { small: reader(Math.min(large, smallBodyBytes)), large: reader(large) };
}

const tooLarge = (limit: number) =>
  new AppError('payload_too_large', `the body is larger than this route takes (${limit} bytes)`, 413);

/** Reads the body as a step of a route; its errors (413, 400 invalid_json) reject. */
export function readBody(reader: BodyReader, req: Request, res: Response): Promise<void> {
  // The parser would read (and discard) an announced oversize body before answering: answer now.
  if (Number(req.get('content-length')) > reader.limit) return Promise.reject(tooLarge(reader.limit));
  return new Promise((resolve, reject) => {
    reader.parse(req, res, (error?: unknown) => (error ? reject(error) : resolve()));
  });
}
