import { z } from 'zod';

/**
 * Shared wire-shape helpers. Peeker's fields stay snake_case here (they are Peeker's shapes);
 * services map them into our own records. Objects strip unknown fields (tolerated, ignored) and
 * reject missing required ones.
 */

/** `{ "data": … }` — the envelope of every single-object answer. */
export const envelope = <T extends z.ZodType>(data: T) => z.object({ data });

/** `{ "data": [...], "links": { "next": … } }` — the envelope of list answers. */
export const listEnvelope = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    links: z.object({ next: z.string().nullish() }).nullish(),
  });

/** Optional in practice even where the docs show it: older doc generations omit many fields. */
export const nullishString = z.string().nullish();
export const nullishCount = z.number().int().nonnegative().nullish();
