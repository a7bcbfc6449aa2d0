import { z } from 'zod';

/**
 * A moment in a response: a `Date` where the handler builds it, ISO 8601 in the JSON
 * (`JSON.stringify`). The OpenAPI document says `string`, `date-time` (openapi/document.ts).
 */
export const timestamp = z.date();
