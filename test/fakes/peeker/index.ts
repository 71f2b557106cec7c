/**
 * The fake Peeker Partner API for integration tests and benchmarks: `FakePeeker` plus the
 * helpers that play Peeker delivering signed webhooks. Import from here, not from the modules.
 */

export { defaultBundles, FAKE_BUNDLE_IDS, type PeekerBundle } from './bundles.js';
export {
  type AvailabilityAnswer,
  type AvailabilityReason,
  type AvailabilityRow,
  DEFAULT_AVAILABILITY_BATCH_LIMIT,
  DEFAULT_PRICE_CENTS,
  DEFAULT_RENEWAL_PRICE_CENTS,
  type DomainConnectedData,
  type DomainProvider,
  type InventoryDomain,
  type PeekerDomain,
} from './domains.js';
export {
  FORWARDING_BATCH_LIMIT,
  type ForwardingFailure,
  type ForwardingJob,
  type ForwardingJobStatus,
  type ForwardingOutcome,
} from './forwarding.js';
export type {
  FailedImportRow,
  ImportBehaviour,
  ImportObject,
  ImportStatus,
  NameserverGroup,
} from './imports.js';
export {
  type Cancellation,
  type CancelledDomain,
  type CancelResponseShape,
  ORDER_NOT_CANCELLABLE,
  type OrderLineItem,
  type OrderReceipt,
  type OrderStatus,
  type PeekerOrder,
  type PeekerOrderBody,
  type PendingAction,
  type Persona,
} from './orders.js';
export {
  FakePeeker,
  type FakePeekerOptions,
  type PeekerFailure,
  type PeekerMatch,
  type PeekerRequest,
} from './server.js';
export { domainIdFor } from './shared.js';
export {
  type PeekerSwap,
  PREMIUM_COOLDOWN,
  PREMIUM_REQUIRES_MICROSOFT,
  SWAP_QUOTA_EXCEEDED,
  type SwapStatus,
  type SwapType,
} from './swaps.js';
export {
  type CancellationEventData,
  cancellationEvent,
  cancellationEventData,
  deliverWebhook,
  domainConnectedData,
  type EventOptions,
  forwardingJobEvent,
  importEventData,
  makeEvent,
  orderEventData,
  signWebhook,
  swapEvent,
  type WebhookEvent,
} from './webhooks.js';
