import { beforeAll, describe, expect, it } from 'vitest';
import type { FakePeeker } from './index.js';
import { useFakePeeker } from './test-helpers.js';

const fake = useFakePeeker();
const { api } = fake;
let peeker: FakePeeker;

beforeAll(() => {
  peeker = fake.peeker;
});

describe('FakePeeker imports', () => {
  it('imports synchronously with the seed shape, dedupes on the normalized set and looks up', async () => {
    const first = await api('POST', '/domains/import', { domains: ['acme-mail.com', 'team-acme.com'] });
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual({
      id: expect.stringMatching(/^imp_/),
      status: 'completed',
      submitted_count: 2,
      completed_count: 2,
      failed_count: 0,
      nameserver_groups: [
        {
          nameserver_one: 'helena.ns.cloudflare.com',
          nameserver_two: 'idris.ns.cloudflare.com',
          domains: ['acme-mail.com', 'team-acme.com'],
        },
      ],
      failed: [],
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      completed_at: expect.any(String),
    });
    expect(peeker.requestsTo('POST', '/domains/import')[0]?.body).toEqual({
      domains: ['acme-mail.com', 'team-acme.com'],
    });

    const again = await api('POST', '/domains/import', { domains: ['Team-Acme.com', 'acme-mail.com.'] });
    expect(again.body.data.id).toBe(first.body.data.id);

    const byId = await api('GET', `/domains/import/${first.body.data.id}`);
    expect(byId.body.data).toEqual(first.body.data);
    const lookup = await api('GET', '/domains/import?domains=team-acme.com');
    expect(lookup.body.data.id).toBe(first.body.data.id);
    expect((await api('GET', '/domains/import?domains=other.com')).status).toBe(404);
    const missing = await api('GET', '/domains/import');
    expect(missing.status).toBe(400);
    expect(missing.body.error.field).toBe('domains');
    expect((await api('GET', '/domains/import/imp_missing')).status).toBe(404);
  });

  it('fails non-root and scripted domains, groups by groupSize and validates the batch size', async () => {
    peeker.importBehaviour = { groupSize: 2, failDomains: { 'bad.com': 'domain_locked' } };
    const res = await api('POST', '/domains/import', {
      domains: ['a.com', 'b.com', 'c.co.uk', 'mail.acme.com', 'bad.com'],
    });
    expect(res.body.data).toMatchObject({ submitted_count: 5, completed_count: 3, failed_count: 2 });
    expect(res.body.data.failed).toEqual([
      { domain: 'bad.com', reason: 'domain_locked' },
      { domain: 'mail.acme.com', reason: 'not_root_domain' },
    ]);
    const groups = res.body.data.nameserver_groups as Array<{ nameserver_one: string; domains: string[] }>;
    expect(groups.map((g) => g.domains)).toEqual([['a.com', 'b.com'], ['c.co.uk']]);
    expect(new Set(groups.map((g) => g.nameserver_one)).size).toBe(2);

    const tooMany = await api('POST', '/domains/import', {
      domains: Array.from({ length: 26 }, (_, i) => `d${i}.com`),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatchObject({ code: 'invalid_request', field: 'domains' });
    expect((await api('POST', '/domains/import', { domains: [] })).status).toBe(400);

    peeker.importBehaviour = { initialStatus: 'in_progress' };
    const pending = await api('POST', '/domains/import', { domains: ['slow.com'] });
    expect(pending.body.data).toMatchObject({ status: 'in_progress', completed_at: null });
    expect(pending.body.data.nameserver_groups).toHaveLength(1);
    peeker.completeImport(pending.body.data.id);
    expect((await api('GET', `/domains/import/${pending.body.data.id}`)).body.data.status).toBe('completed');
  });

  it('runs async import jobs: 202, dedupe, completeJob, lookup, setImport', async () => {
    const domains = Array.from({ length: 30 }, (_, i) => `bulk${i}.com`);
    const job = await api('POST', '/domains/import/jobs', { domains });
    expect(job.status).toBe(202);
    expect(job.body.data).toMatchObject({
      id: expect.stringMatching(/^imj_/),
      status: 'in_progress',
      submitted_count: 30,
      nameserver_groups: [],
      failed: [],
      completed_at: null,
    });
    const id = job.body.data.id as string;
    const retry = await api('POST', '/domains/import/jobs', { domains: [...domains].reverse() });
    expect(retry.body.data.id).toBe(id);

    peeker.completeJob(id);
    const done = await api('GET', `/domains/import/jobs/${id}`);
    expect(done.body.data).toMatchObject({ status: 'completed', completed_count: 30 });
    expect(done.body.data.nameserver_groups[0].domains).toHaveLength(30);
    expect((await api('GET', '/domains/import?domains=bulk3.com,bulk4.com')).body.data.id).toBe(id);

    peeker.setImport(id, { status: 'action_required' });
    expect(peeker.getImport(id)?.status).toBe('action_required');
    expect((await api('GET', `/domains/import/jobs/${id}`)).body.data.status).toBe('action_required');
    expect((await api('POST', '/domains/import/jobs', { domains: Array(501).fill('x.com') })).status).toBe(
      400,
    );
  });
});
