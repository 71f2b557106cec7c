import { describe, expect, it } from 'vitest';
import { forwardingJobEvent } from './index.js';
import { placeConnectedOrder, useFakePeeker } from './test-helpers.js';

const fake = useFakePeeker();
const { api } = fake;

describe('POST /domains/forwarding and GET /domains/forwarding/{id}', () => {
  it('creates an in-progress job (202), serves it, and completes it when the test says so', async () => {
    const { domainIds } = await placeConnectedOrder(fake);

    const created = await api('POST', '/domains/forwarding', {
      domains: [domainIds[0], 'team-acme.com'],
      forwarding_url: 'https://acme.com/inbox-redirect',
    });

    expect(created.status).toBe(202);
    expect(created.body).toEqual({
      data: {
        id: expect.stringMatching(/^fwj_[0-9A-Z]{26}$/),
        status: 'in_progress',
        completed_count: 0,
        failed_count: 0,
        forwarding_url: 'https://acme.com/inbox-redirect',
        completed: [],
        failed: [],
        created_at: expect.any(String),
      },
    });
    const id = created.body.data.id as string;
    expect((await api('GET', `/domains/forwarding/${id}`)).body.data).toEqual(created.body.data);

    const done = fake.peeker.finishForwardingJob(id);
    expect(done).toEqual({
      ...created.body.data,
      status: 'completed',
      completed_count: 2,
      completed: ['acme-mail.com', 'team-acme.com'],
      completed_at: expect.any(String),
    });
    expect((await api('GET', `/domains/forwarding/${id}`)).body.data).toEqual(done);
    const connected = await api('GET', '/domains?category=connected');
    expect(connected.body.data.map((d: { forwarding_url: string }) => d.forwarding_url)).toEqual([
      'https://acme.com/inbox-redirect',
      'https://acme.com/inbox-redirect',
    ]);
    expect(forwardingJobEvent(done)).toMatchObject({ type: 'domain.forwarding_updated', data: done });
    expect(fake.peeker.getForwardingJob(id)).toEqual(done);
  });

  it('finishes with partial_success or failed, and builds domain.forwarding_failed for a failed job', async () => {
    const { domainIds } = await placeConnectedOrder(fake);
    const job = async () =>
      (
        await api('POST', '/domains/forwarding', {
          domains: ['acme-mail.com', 'team-acme.com'],
          forwarding_url: 'http://acme.com',
        })
      ).body.data.id as string;

    const partial = fake.peeker.finishForwardingJob(await job(), {
      failed: [{ domain: domainIds[1] ?? '', reason: 'dns_lookup_failed' }],
    });
    expect(partial).toMatchObject({
      status: 'partial_success',
      completed_count: 1,
      failed_count: 1,
      completed: ['acme-mail.com'],
      failed: [{ domain: 'team-acme.com', reason: 'dns_lookup_failed' }],
    });
    expect(forwardingJobEvent(partial).type).toBe('domain.forwarding_updated');

    const failed = fake.peeker.finishForwardingJob(await job(), { failJob: 'target_unreachable' });
    expect(failed).toMatchObject({
      status: 'failed',
      completed: [],
      failed: [
        { domain: 'acme-mail.com', reason: 'target_unreachable' },
        { domain: 'team-acme.com', reason: 'target_unreachable' },
      ],
    });
    const event = forwardingJobEvent(failed, { id: 'evt_fixed' });
    expect(event).toEqual({
      id: 'evt_fixed',
      type: 'domain.forwarding_failed',
      created_at: expect.any(String),
      data: failed,
    });
    expect(event.data).not.toBe(failed);
    expect(() => fake.peeker.finishForwardingJob('fwj_missing')).toThrow(/no forwarding job/);
  });

  it('re-sending the same domains and URL is harmless: a new job, already-pointed domains complete', async () => {
    await placeConnectedOrder(fake);
    const body = { domains: ['acme-mail.com', 'team-acme.com'], forwarding_url: 'https://acme.com/new' };
    const first = await api('POST', '/domains/forwarding', body);
    fake.peeker.finishForwardingJob(first.body.data.id);

    const again = await api('POST', '/domains/forwarding', body);

    expect(again.status).toBe(202);
    expect(again.body.data.id).not.toBe(first.body.data.id);
    expect(fake.peeker.finishForwardingJob(again.body.data.id)).toMatchObject({
      status: 'completed',
      completed: ['acme-mail.com', 'team-acme.com'],
    });
    expect(fake.peeker.forwardingJobs.size).toBe(2);
  });

  it('rejects more than 25 domains, a URL that is not http(s), unknown dom_ ids and unknown jobs', async () => {
    const names = Array.from({ length: 26 }, (_, i) => `fwd${i}.com`);

    const tooMany = await api('POST', '/domains/forwarding', {
      domains: names,
      forwarding_url: 'https://a.com',
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatchObject({
      code: 'invalid_request',
      field: 'domains',
      details: { max: 25 },
    });
    expect(
      (
        await api('POST', '/domains/forwarding', {
          domains: names.slice(0, 25),
          forwarding_url: 'https://a.com',
        })
      ).status,
    ).toBe(202);

    for (const url of ['ftp://acme.com', 'acme.com', '', 42, undefined]) {
      const res = await api('POST', '/domains/forwarding', { domains: ['a.com'], forwarding_url: url });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_request', field: 'forwarding_url' });
    }
    const unknownId = await api('POST', '/domains/forwarding', {
      domains: ['dom_NOPE'],
      forwarding_url: 'https://a.com',
    });
    expect(unknownId.body.error).toMatchObject({ field: 'domains', details: { domains: ['dom_NOPE'] } });
    expect(
      (await api('POST', '/domains/forwarding', { domains: [], forwarding_url: 'https://a.com' })).status,
    ).toBe(400);
    const missing = await api('GET', '/domains/forwarding/fwj_missing');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
  });
});
