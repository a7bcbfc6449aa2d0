import { PermanentError } from '@turbozap/shared/errors/app-error';

export type SendFailure = { permanent: true; reason: string } | { permanent: false; reason: string };

/** Status codes with which WhatsApp refuses a message for good (bad recipient, not allowed, too large). */
const permanentCodes = new Set([400, 403, 404, 406, 413]);

/** Splits send errors: permanent ones end the message `failed`, anything else is retried. */
export function classifySendError(error: unknown): SendFailure {
  if (error instanceof PermanentError) return { permanent: true, reason: error.reason };
  const status = (error as { output?: { statusCode?: number } })?.output?.statusCode;
  if (status !== undefined && permanentCodes.has(status)) return { permanent: true, reason: `rejected_${status}` };
  const message = error instanceof Error ? error.message : String(error);
  if (/invalid jid|jid.*invalid|not-acceptable|item-not-found/i.test(message))
    return { permanent: true, reason: 'invalid_recipient' };
  if (/too large|file size|maxContentLength/i.test(message)) return { permanent: true, reason: 'media_too_large' };
  return { permanent: false, reason: status === undefined ? 'send_error' : `transient_${status}` };
}
