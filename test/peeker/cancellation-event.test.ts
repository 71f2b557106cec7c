import { describe, expect, it } from 'vitest';
import { cancellationFromEvent } from '../../src/peeker/cancellation-event.js';

const event = (type: string, data: Record<string, unknown>) => ({
  id: 'evt_1',
  type,
  created_at: null,
  data,
});

describe('cancellationFromEvent', () => {
  it('reads the NEW flat shape with its domains and dates', () => {
    expect(
      cancellationFromEvent(
        event('order.cancel_scheduled', {
          id: 'ord_1',
          status: 'cancel_scheduled',
          cancellation_scheduled_at: '2026-05-08T12:00:00Z',
          cancels_at: '2026-06-07T12:00:00Z',
          domains: [{ id: 'dom_1', domain: 'a.com' }, 'b.com'],
        }),
      ),
    ).toEqual({
      orderId: 'ord_1',
      kind: 'scheduled',
      domains: ['a.com', 'b.com'],
      cancelsAt: '2026-06-07T12:00:00Z',
      scheduledAt: '2026-05-08T12:00:00Z',
    });
  });

  it('reads the OLD full order nested under data.order (all its domains) and the lean {id, status}', () => {
    expect(
      cancellationFromEvent(
        event('order.cancelled', {
          order: {
            id: 'ord_2',
            status: 'cancelled',
            domains: { registered: ['r.com'], imported: ['i.com'] },
          },
        }),
      ),
    ).toMatchObject({ orderId: 'ord_2', kind: 'cancelled', domains: ['r.com', 'i.com'], cancelsAt: null });
    expect(
      cancellationFromEvent(event('order.cancelled', { id: 'ord_3', status: 'cancelled' })),
    ).toMatchObject({
      orderId: 'ord_3',
      domains: null,
    });
  });

  it('ignores other types and payloads without an order', () => {
    expect(cancellationFromEvent(event('order.completed', { id: 'ord_1' }))).toBeUndefined();
    expect(cancellationFromEvent(event('order.cancelled', { status: 'cancelled' }))).toBeUndefined();
  });
});
