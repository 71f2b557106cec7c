import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cancellationEvent,
  deliverWebhook,
  domainConnectedData,
  type FakePeeker,
  forwardingJobEvent,
  importEventData,
  makeEvent,
  signWebhook,
  swapEvent,
} from './index.js';
import { orderBody, placeConnectedOrder, useFakePeeker } from './test-helpers.js';

const fake = useFakePeeker();
const { api } = fake;
let peeker: FakePeeker;

beforeAll(() => {
  peeker = fake.peeker;
});

describe('webhook helpers', () => {
  it('signWebhook matches an independent HMAC in both modes', () => {
    const raw = '{"id":"evt_1","type":"order.in_progress"}';
    const stamped = signWebhook(raw, 'whsec_test', { timestamp: 1_778_241_600 });
    expect(stamped).toEqual({
      'Peeker-Timestamp': '1778241600',
      'Peeker-Signature': `v1=${createHmac('sha256', 'whsec_test').update(`1778241600.${raw}`).digest('hex')}`,
    });
    const rawMode = signWebhook(raw, 'whsec_test', { timestamp: 1, mode: 'raw' });
    expect(rawMode['Peeker-Signature']).toBe(
      `v1=${createHmac('sha256', 'whsec_test').update(raw).digest('hex')}`,
    );
    // Fixed known answer, cross-checked with `openssl dgst -sha256 -hmac whsec_test`.
    expect(
      signWebhook('{"id":"evt_1"}', 'whsec_test', { timestamp: 1_778_241_600 })['Peeker-Signature'],
    ).toBe('v1=c09f6ad57fb8adfcaaede21818ea7a006b79c2e39dbfbef622b0ce5fb5e29215');
  });

  it('makeEvent and the data builders produce seed-shaped events', async () => {
    const a = makeEvent('order.in_progress', { id: 'ord_1', status: 'in_progress' });
    const b = makeEvent('order.in_progress', { id: 'ord_1', status: 'in_progress' });
    expect(a.id).toMatch(/^evt_/);
    expect(a.id).not.toBe(b.id);
    expect(makeEvent('x', {}, { id: 'evt_fixed', createdAt: '2026-05-08T12:00:00Z' })).toEqual({
      id: 'evt_fixed',
      type: 'x',
      created_at: '2026-05-08T12:00:00Z',
      data: {},
    });
    expect(domainConnectedData({ domain: 'acme-mail.com', order_id: 'ord_1' })).toMatchObject({
      id: expect.stringMatching(/^dom_/),
      domain: 'acme-mail.com',
      category: 'connected',
      status: 'active',
      provider: 'google',
      order_id: 'ord_1',
      usable_for: ['google', 'microsoft'],
    });
    const created = peeker.addImport(['acme-mail.com']);
    const data = importEventData(created);
    expect(data).toEqual(created);
    expect(data).not.toBe(created);
  });

  it('deliverWebhook posts the raw body with verifiable headers', async () => {
    const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
    const target = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(received.length === 1 ? 200 : 401).end('done');
      });
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', () => resolve()));
    const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/peeker/webhooks`;
    try {
      const event = makeEvent(
        'domain.connected',
        domainConnectedData({ domain: 'a.com', order_id: 'ord_1' }),
      );
      const answer = await deliverWebhook(url, event, { secret: 's3cret', timestamp: 1_700_000_000 });
      expect(answer).toEqual({ status: 200, body: 'done' });
      const first = received[0];
      expect(first?.body).toBe(JSON.stringify(event));
      expect(first?.headers['content-type']).toBe('application/json');
      expect(first?.headers['peeker-event-id']).toBe(event.id);
      expect(first?.headers['peeker-timestamp']).toBe('1700000000');
      const expected = createHmac('sha256', 's3cret').update(`1700000000.${first?.body}`).digest('hex');
      expect(first?.headers['peeker-signature']).toBe(`v1=${expected}`);

      const forged = await deliverWebhook(url, '{not json', {
        secret: 's3cret',
        eventId: 'evt_forged',
        headers: { 'Peeker-Signature': 'v1=00' },
      });
      expect(forged.status).toBe(401);
      expect(received[1]?.body).toBe('{not json');
      expect(received[1]?.headers['peeker-signature']).toBe('v1=00');
      expect(received[1]?.headers['peeker-event-id']).toBe('evt_forged');
    } finally {
      target.closeAllConnections();
      await new Promise<void>((resolve) => target.close(() => resolve()));
    }
  });
});

describe('event builders of the newer resources', () => {
  it('domainConnectedData defaults to the id the fake lists for the domain once connected', async () => {
    const placed = await api('POST', '/orders', orderBody());
    const orderId = placed.body.data.id as string;

    const event = peeker.domainConnectedEvent(orderId, 'acme-mail.com');

    expect(event.id).toMatch(/^evt_/);
    expect(event.data.id).toBe(domainConnectedData({ domain: 'acme-mail.com', order_id: orderId }).id);
    expect(event.data.id).toBe(peeker.domainId('acme-mail.com'));
    expect(domainConnectedData({ domain: 'acme-mail.com', order_id: orderId, id: 'dom_mine' }).id).toBe(
      'dom_mine',
    );
  });

  it('swap, forwarding and cancellation events carry their resource as data', async () => {
    const { orderId, domainIds } = await placeConnectedOrder({ peeker, api });
    const swap = await api('POST', '/swaps', {
      type: 'standard',
      domain_id: domainIds[0],
      replacement_domain: 'fresh.com',
    });
    const created = swapEvent(swap.body.data, { id: 'evt_swap', createdAt: '2026-05-08T12:00:00Z' });
    expect(created).toEqual({
      id: 'evt_swap',
      type: 'swap.created',
      created_at: '2026-05-08T12:00:00Z',
      data: swap.body.data,
    });

    const job = await api('POST', '/domains/forwarding', {
      domains: domainIds,
      forwarding_url: 'https://acme.com/x',
    });
    expect(forwardingJobEvent(job.body.data, { type: 'domain.forwarding_failed' }).type).toBe(
      'domain.forwarding_failed',
    );

    const cancellation = peeker.scheduleCancellation(orderId);
    expect(cancellationEvent(cancellation, { id: 'evt_cancel' })).toMatchObject({
      id: 'evt_cancel',
      type: 'order.cancel_scheduled',
      data: { id: orderId, status: 'cancel_scheduled' },
    });
  });
});
