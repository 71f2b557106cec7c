/**
 * What our modals carry in `private_metadata` and our buttons in `value`, as zod schemas: both
 * come back from Slack inside a request anyone holding the signing secret could forge, so they are
 * parsed, never cast. Each carries routing facts only (IDs, counts), never a field value and never
 * the Smartlead password. Decoders never throw: anything that does not parse is `undefined`, and
 * the listener answers "this form has expired".
 */
import { z } from 'zod';
import { MAX_PERSONAS, MIN_PERSONAS } from './order-form.js';

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
  return JSON.stringify({ channelId: metadata.channelId, personaCount, ...(reorderOf ? { reorderOf } : {}) });
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
