/**
 * What our modals carry in `private_metadata` and our buttons in `value`, as zod schemas: both
 * come back from Slack inside a request anyone holding the signing secret could forge, so they are
 * parsed, never cast. Each carries routing facts only (IDs, counts), never a field value and never
 * the Smartlead password. Decoders never throw: anything that does not parse is `undefined`, and
 * the listener answers "this form has expired".
 */
import { z } from 'zod';
import { ACTION, PICKS_BLOCK } from '../views/ids.js';
import { MAX_PERSONAS, MIN_PERSONAS } from './persona-rows.js';

const PICK_DOMAINS_ACTION = ACTION.pickDomains;

/** Slack's cap on `private_metadata` (https://api.slack.com/reference/surfaces/views). */
const PRIVATE_METADATA_MAX = 3000;
/** IDs are a few dozen characters; anything longer is not an ID and would only eat metadata room. */
const id = z.string().min(1).max(255);

export const orderFormMetadataSchema = z.object({
  /** Where the order's status message will be posted. */
  channelId: id,
  personaCount: z.number().int().min(MIN_PERSONAS).max(MAX_PERSONAS),
  /** The Peeker order this one corrects, when opened from "Place corrected order". */
  reorderOf: id.optional(),
  /** The `check` / `find` answer whose available names the form offers (`domain_pick_sets`). */
  pickSetId: id.optional(),
});
export type OrderFormMetadata = z.output<typeof orderFormMetadataSchema>;

export const orderReviewMetadataSchema = z.object({ draftId: id });
export type OrderReviewMetadata = z.output<typeof orderReviewMetadataSchema>;

/** The "Place corrected order" button: the order to correct and the action that asked for it. */
export const fixOrderValueSchema = z.object({ order: id, action: id.optional() });
export type FixOrderValue = z.output<typeof fixOrderValueSchema>;

function decode<T>(schema: z.ZodType<T>, text: string | undefined): T | undefined {
  if (typeof text !== 'string' || text === '' || text.length > PRIVATE_METADATA_MAX) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** The form's `private_metadata`; an over-long `reorderOf` is dropped rather than breaking the form. */
export function encodeFormMetadata(metadata: OrderFormMetadata): string {
  const personaCount = Math.min(MAX_PERSONAS, Math.max(MIN_PERSONAS, Math.trunc(metadata.personaCount) || 1));
  const reorderOf = id.safeParse(metadata.reorderOf).success ? metadata.reorderOf : undefined;
  const pickSetId = id.safeParse(metadata.pickSetId).success ? metadata.pickSetId : undefined;
  return JSON.stringify({
    channelId: metadata.channelId,
    personaCount,
    ...(reorderOf ? { reorderOf } : {}),
    ...(pickSetId ? { pickSetId } : {}),
  });
}

export const decodeFormMetadata = (text: string | undefined) => decode(orderFormMetadataSchema, text);

export function encodeReviewMetadata(metadata: OrderReviewMetadata): string {
  return JSON.stringify({ draftId: metadata.draftId });
}

export const decodeReviewMetadata = (text: string | undefined) => decode(orderReviewMetadataSchema, text);

export function encodeFixOrderValue(value: FixOrderValue): string {
  return JSON.stringify(value);
}

export const decodeFixOrderValue = (text: string | undefined) => decode(fixOrderValueSchema, text);

/** The cancel confirm view: the cancellation request it confirms (`order_cancellations`). */
export const cancelConfirmMetadataSchema = z.object({ cancellationId: id });
export type CancelConfirmMetadata = z.output<typeof cancelConfirmMetadataSchema>;

export function encodeCancelConfirmMetadata(metadata: CancelConfirmMetadata): string {
  return JSON.stringify({ cancellationId: metadata.cancellationId });
}

export const decodeCancelConfirmMetadata = (text: string | undefined) =>
  decode(cancelConfirmMetadataSchema, text);

/**
 * What the overflow menu on an order's status message can do; each has a label and a rule in
 * `views/order-overflow.ts` and a handler in `interactions/order-overflow.ts`. Add an operation
 * here, there and there (the handler map is typed by this list, so none can be forgotten).
 */
export const ORDER_OVERFLOW_OPS = ['details', 'cancel', 'swap'] as const;
export type OrderOverflowOp = (typeof ORDER_OVERFLOW_OPS)[number];

/** One option of that menu: the operation and the order (an option value holds 150 characters). */
export const orderOverflowValueSchema = z.object({ op: z.enum(ORDER_OVERFLOW_OPS), order: id.max(100) });
export type OrderOverflowValue = z.output<typeof orderOverflowValueSchema>;

export function encodeOrderOverflowValue(value: OrderOverflowValue): string {
  return JSON.stringify({ op: value.op, order: value.order });
}

export const decodeOrderOverflowValue = (text: string | undefined) => decode(orderOverflowValueSchema, text);

/** "Open the order form" under a `check` / `find` answer: the pick set it offers. */
export const pickSetValueSchema = z.object({ pick: id });
export type PickSetValue = z.output<typeof pickSetValueSchema>;

export function encodePickSetValue(value: PickSetValue): string {
  return JSON.stringify({ pick: value.pick });
}

export const decodePickSetValue = (text: string | undefined) => decode(pickSetValueSchema, text);

// ---- swaps and renames ---------------------------------------------------------------------

/** The swap form: the order whose domain is swapped (its connected domains are the choices). */
export const swapFormMetadataSchema = z.object({ order: id });
export type SwapFormMetadata = z.output<typeof swapFormMetadataSchema>;

export const encodeSwapFormMetadata = (metadata: SwapFormMetadata): string =>
  JSON.stringify({ order: metadata.order });
export const decodeSwapFormMetadata = (text: string | undefined) => decode(swapFormMetadataSchema, text);

/** The swap review: what was checked, to be claimed and sent on "Swap domain". */
export const swapReviewMetadataSchema = z.object({
  order: id,
  domain: id,
  replacement: id,
  type: z.enum(['standard', 'premium']),
});
export type SwapReviewMetadata = z.output<typeof swapReviewMetadataSchema>;

export const encodeSwapReviewMetadata = (metadata: SwapReviewMetadata): string =>
  JSON.stringify({
    order: metadata.order,
    domain: metadata.domain,
    replacement: metadata.replacement,
    type: metadata.type,
  });
export const decodeSwapReviewMetadata = (text: string | undefined) => decode(swapReviewMetadataSchema, text);

/** "Swap this domain" on a `replace_domain` pending action: the order and the domain to retire. */
export const swapDomainValueSchema = z.object({ order: id, domain: id.optional(), action: id.optional() });
export type SwapDomainValue = z.output<typeof swapDomainValueSchema>;

export const encodeSwapDomainValue = (value: SwapDomainValue): string => JSON.stringify(value);
export const decodeSwapDomainValue = (text: string | undefined) => decode(swapDomainValueSchema, text);

/** "Import <replacement>" on a swap blocked on an unimported replacement: the swap. */
export const importReplacementValueSchema = z.object({ swap: id });
export type ImportReplacementValue = z.output<typeof importReplacementValueSchema>;

export const encodeImportReplacementValue = (value: ImportReplacementValue): string =>
  JSON.stringify({ swap: value.swap });
export const decodeImportReplacementValue = (text: string | undefined) =>
  decode(importReplacementValueSchema, text);

/** The rename form: the domain, how many persona rows it shows, and the rename it corrects. */
export const renameFormMetadataSchema = z.object({
  domain: id,
  personaCount: z.number().int().min(MIN_PERSONAS).max(MAX_PERSONAS),
  fixes: z.number().int().positive().optional(),
});
export type RenameFormMetadata = z.output<typeof renameFormMetadataSchema>;

export const encodeRenameFormMetadata = (metadata: RenameFormMetadata): string =>
  JSON.stringify({
    domain: metadata.domain,
    personaCount: Math.min(MAX_PERSONAS, Math.max(MIN_PERSONAS, Math.trunc(metadata.personaCount) || 1)),
    ...(metadata.fixes ? { fixes: metadata.fixes } : {}),
  });
export const decodeRenameFormMetadata = (text: string | undefined) => decode(renameFormMetadataSchema, text);

/** "Fix the personas" on a rename stalled on a profile picture: the rename to correct. */
export const renameFixValueSchema = z.object({ rename: z.number().int().positive() });
export type RenameFixValue = z.output<typeof renameFixValueSchema>;

export const encodeRenameFixValue = (value: RenameFixValue): string =>
  JSON.stringify({ rename: value.rename });
export const decodeRenameFixValue = (text: string | undefined) => decode(renameFixValueSchema, text);

/** The picker of a `check` / `find` answer, as a `block_actions` payload's `state.values` carries it. */
const pickerStateSchema = z.object({
  [PICKS_BLOCK]: z.object({
    [PICK_DOMAINS_ACTION]: z.object({
      selected_options: z.array(z.object({ value: z.string().min(1).max(255) })).nullish(),
    }),
  }),
});

/**
 * The names picked in a `check` / `find` answer when its button was pressed; undefined when the
 * payload does not carry the picker's state (the caller then takes every offered name).
 */
export function readPickedDomains(values: unknown): string[] | undefined {
  const parsed = pickerStateSchema.safeParse(values);
  if (!parsed.success) return undefined;
  const selected = parsed.data[PICKS_BLOCK][PICK_DOMAINS_ACTION].selected_options;
  return selected ? selected.map((option) => option.value) : undefined;
}
