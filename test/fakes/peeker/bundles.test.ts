import { beforeAll, describe, expect, it } from 'vitest';
import { FAKE_BUNDLE_IDS, type FakePeeker } from './index.js';
import { useFakePeeker } from './test-helpers.js';

const fake = useFakePeeker();
const { api } = fake;
let peeker: FakePeeker;

beforeAll(() => {
  peeker = fake.peeker;
});

describe('FakePeeker bundles', () => {
  it('lists bundles with filtering and opaque pagination', async () => {
    const active = await api('GET', '/bundles?status=active');
    expect(active.body.data.map((b: { id: string }) => b.id)).toEqual([
      FAKE_BUNDLE_IDS.starter,
      FAKE_BUNDLE_IDS.growth,
    ]);
    expect(active.body.data[0]).toMatchObject({
      required_domains: { total: 2 },
      effective: { google_percent: 50 },
    });
    expect(active.body.links.next).toBeNull();
    expect(active.body.meta).toMatchObject({ path: `${peeker.url}/bundles`, per_page: 25, returned: 2 });

    const page1 = await api('GET', '/bundles?per_page=2');
    expect(page1.body.meta.returned).toBe(2);
    const next = page1.body.links.next as string;
    expect(next).toMatch(/page_token=/);
    const page2 = (await fetch(next, { headers: { authorization: 'Bearer pk_test_fake' } }).then((r) =>
      r.json(),
    )) as {
      data: Array<{ id: string }>;
      links: { next: string | null };
    };
    expect(page2.data.map((b) => b.id)).toEqual([FAKE_BUNDLE_IDS.legacy]);
    expect(page2.links.next).toBeNull();
    expect((await api('GET', '/bundles?page_token=garbage')).status).toBe(400);
  });
});
