export { createSafeAgent, type SafeAgentOptions } from './agent.ts';
export { type FetchMediaOptions, fetchMediaUrl, MediaFetchError, type MediaFetchReason } from './fetch-media.ts';
export {
  checkOutboundUrl,
  guardedLookup,
  isUnsafeTargetError,
  type ResolveAll,
  resolveAll,
  type TargetPolicy,
  UnsafeTargetError,
  type UnsafeTargetReason,
  type UrlValidation,
  validateOutboundUrl,
} from './guard.ts';
export { isPrivateAddress, normalizeIp } from './ip.ts';
export {
  FetchError,
  type FetchFailure,
  mediaTypeOf,
  type SafeGetOptions,
  type SafeGetResult,
  safeGet,
} from './safe-get.ts';
