/** `\u0000` escapes of the serialized JSON that encode U+0000 (not a literal backslash before "u0000"). */
const NUL_ESCAPE = /(?<!\\)((?:\\\\)*)\\u0000/g;

/**
 * A value as JSON for a `jsonb` parameter. Postgres' jsonb cannot hold U+0000, so one NUL in a
 * text a contact sends (or a client submits) would fail the whole statement — and a received
 * message that fails for good is dropped. NUL becomes U+FFFD, the replacement character.
 */
export function toJsonb(value: unknown): string {
  return JSON.stringify(value).replace(NUL_ESCAPE, '$1\\ufffd');
}
