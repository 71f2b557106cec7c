import { z } from 'zod';
import type { Db } from './database.js';

/** One available name a `check` / `find` answer offered, with its prices (minor units). */
export const pickedDomainSchema = z.object({
  domain: z.string().min(1),
  priceCents: z.number().nullable(),
  renewalCents: z.number().nullable(),
  currency: z.string().nullable(),
  usableFor: z.array(z.string()),
});
export type PickedDomain = z.output<typeof pickedDomainSchema>;

export interface DomainPickSet {
  id: string;
  userId: string;
  /** The customer channel the order form opens for. */
  channelId: string;
  source: 'check' | 'find';
  domains: PickedDomain[];
  createdAt: number;
}

interface PickSetRow {
  id: string;
  user_id: string;
  channel_id: string;
  source: 'check' | 'find';
  domains: string;
  created_at: number;
}

/** Pick sets are offered for a day; an older button says the answer expired. */
export const PICK_SET_TTL_MS = 24 * 3600_000;

const domainsSchema = z.array(pickedDomainSchema);

/**
 * The available names behind a `check` / `find` answer's "Open the order form" button. The row is
 * parsed when read (it round-trips through JSON), and rows older than a week are pruned on write.
 */
export function createDomainPicksRepo(db: Db) {
  const insert = db.prepare(
    `INSERT INTO domain_pick_sets (id, user_id, channel_id, source, domains, created_at)
     VALUES (@id, @userId, @channelId, @source, @domains, @createdAt)
     ON CONFLICT (id) DO NOTHING`,
  );
  const select = db.prepare<[string], PickSetRow>('SELECT * FROM domain_pick_sets WHERE id = ?');
  const prune = db.prepare<[number]>('DELETE FROM domain_pick_sets WHERE created_at < ?');

  return {
    save(set: DomainPickSet): void {
      insert.run({ ...set, domains: JSON.stringify(set.domains) });
      prune.run(set.createdAt - 7 * PICK_SET_TTL_MS);
    },
    /** The set, while it is fresh (undefined when unknown, expired or unreadable). */
    get(id: string, now: number): DomainPickSet | undefined {
      const row = select.get(id);
      if (!row || now - row.created_at > PICK_SET_TTL_MS) return undefined;
      let json: unknown;
      try {
        json = JSON.parse(row.domains);
      } catch {
        return undefined;
      }
      const domains = domainsSchema.safeParse(json);
      if (!domains.success) return undefined;
      return {
        id: row.id,
        userId: row.user_id,
        channelId: row.channel_id,
        source: row.source,
        domains: domains.data,
        createdAt: row.created_at,
      };
    },
  };
}

export type DomainPicksRepo = ReturnType<typeof createDomainPicksRepo>;
