/**
 * Bundles (https://docs.peeker.ai/api-reference/bundles/listing-bundles): the default set every
 * fake starts with, `GET /bundles` and `GET /bundles/{id}`.
 */

import {
  type FakeContext,
  type FakeResource,
  isoSeconds,
  newId,
  notFound,
  ok,
  paginate,
  type Reply,
} from './shared.js';

export interface PeekerBundle {
  id: string;
  name: string;
  monthly_sending_volume: number;
  google_percent: number | null;
  microsoft_percent: number | null;
  send_on_weekends: boolean;
  google_inboxes_per_domain: 2 | 3;
  status: 'active' | 'archived' | 'deleted';
  effective: { google_percent: number; microsoft_percent: number };
  required_domains: { google: number; microsoft: number; total: number };
  created_at: string;
}

/** Ids of the bundles every fresh fake (and every {@link FakePeeker.reset}) starts with. */
export const FAKE_BUNDLE_IDS = {
  /** active, required_domains.total 2 (1 Google + 1 Microsoft) */
  starter: 'bun_01HZX0BU1A2B3C4D5E6F7G8H',
  /** active, required_domains.total 4 (3 Google + 1 Microsoft) */
  growth: 'bun_01HZX0BU2A2B3C4D5E6F7G8H',
  /** archived, required_domains.total 19 */
  legacy: 'bun_01HZX0BU3A2B3C4D5E6F7G8H',
} as const;

/** Fresh copies of the default bundles. */
export function defaultBundles(): PeekerBundle[] {
  const base = {
    google_percent: null,
    microsoft_percent: null,
    send_on_weekends: false,
    google_inboxes_per_domain: 2 as const,
    created_at: '2026-05-08T12:00:00Z',
  };
  return [
    {
      ...base,
      id: FAKE_BUNDLE_IDS.starter,
      name: 'Starter — 2 domains',
      monthly_sending_volume: 2000,
      status: 'active',
      effective: { google_percent: 50, microsoft_percent: 50 },
      required_domains: { google: 1, microsoft: 1, total: 2 },
    },
    {
      ...base,
      id: FAKE_BUNDLE_IDS.growth,
      name: 'Growth — 4 domains',
      monthly_sending_volume: 5000,
      status: 'active',
      effective: { google_percent: 75, microsoft_percent: 25 },
      required_domains: { google: 3, microsoft: 1, total: 4 },
    },
    {
      ...base,
      id: FAKE_BUNDLE_IDS.legacy,
      name: 'Legacy — 25k emails/month',
      monthly_sending_volume: 25000,
      status: 'archived',
      effective: { google_percent: 50, microsoft_percent: 50 },
      required_domains: { google: 15, microsoft: 4, total: 19 },
    },
  ];
}

/** State and routes of bundles. */
export class BundlesResource implements FakeResource {
  /** Mutable; `GET /bundles` serves from it. Reset keeps the same array object. */
  readonly bundles: PeekerBundle[] = defaultBundles();

  constructor(private readonly ctx: FakeContext) {}

  reset(): void {
    this.bundles.splice(0, this.bundles.length, ...defaultBundles());
  }

  route(method: string, path: string, query: URLSearchParams): Reply | undefined {
    if (path === '/bundles' && method === 'GET') {
      const status = query.get('status');
      return paginate(
        this.ctx.url,
        path,
        query,
        this.bundles.filter((b) => status === null || b.status === status),
      );
    }
    const bundleId = /^\/bundles\/([^/]+)$/.exec(path)?.[1];
    if (bundleId !== undefined && method === 'GET') {
      const found = this.find(bundleId);
      return found ? ok(found) : notFound(`No bundle ${bundleId}`);
    }
    return undefined;
  }

  find(id: string): PeekerBundle | undefined {
    return this.bundles.find((b) => b.id === id);
  }

  add(fields: Partial<PeekerBundle>): PeekerBundle {
    const bundle: PeekerBundle = {
      id: newId('bun'),
      name: 'Test bundle',
      monthly_sending_volume: 2000,
      google_percent: null,
      microsoft_percent: null,
      send_on_weekends: false,
      google_inboxes_per_domain: 2,
      status: 'active',
      effective: { google_percent: 50, microsoft_percent: 50 },
      required_domains: { google: 1, microsoft: 1, total: 2 },
      created_at: isoSeconds(this.ctx.now()),
      ...fields,
    };
    this.bundles.push(bundle);
    return bundle;
  }
}
