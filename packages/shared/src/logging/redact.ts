/** Keys whose values never reach a log line: secrets, session material, message content. */
const secretKey =
  /(pass(word)?|secret|token|api[-_]?key|authorization|cookie|creds|private|priv|noise|signal|keyring|ciphertext|^key$)/i;
const contentKey = /^(text|caption|body|content|conversation|message|base64|qr|qrcode|code|pairing_code)$/i;
const phoneKey = /(phone|jid|lid|^to$|^from$|remote|participant|number)/i;

/** Keeps a phone number recognisable for support (country code … last 2) but not complete. */
export function maskPhone(value: string): string {
  return value.replace(/\b(\d{2})\d{5,}(\d{2})\b/g, '$1*****$2');
}

const jidInText = /\b\d{7,}(?=(:\d+)?@(s\.whatsapp\.net|lid|c\.us))/g;

function redactValue(key: string, value: unknown, depth: number): unknown {
  if (value === null || value === undefined) return value;
  if (secretKey.test(key)) return '[redacted]';
  if (contentKey.test(key)) return typeof value === 'string' ? `[redacted ${value.length} chars]` : '[redacted]';
  if (typeof value === 'string') {
    const masked = value.replace(jidInText, (digits) => maskPhone(digits));
    return phoneKey.test(key) ? maskPhone(masked) : masked;
  }
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `[${value.length} bytes]`;
  if (typeof value === 'object' && depth < 6) return redactObject(value as Record<string, unknown>, depth + 1);
  return value;
}

export function redactObject(object: Record<string, unknown>, depth = 0): Record<string, unknown> {
  if (Array.isArray(object)) return object.map((v) => redactValue('', v, depth)) as never;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) out[key] = redactValue(key, value, depth);
  return out;
}
