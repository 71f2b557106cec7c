import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlack } from './fake-slack.js';

let slack: FakeSlack;

beforeAll(async () => {
  slack = await FakeSlack.start();
});

afterAll(async () => {
  await slack.stop();
});

beforeEach(() => {
  slack.reset();
});

/** Calls the fake the way @slack/web-api does: a form body with nested objects as JSON strings. */
async function call(
  method: string,
  args: Record<string, unknown> = {},
  token = 'xoxb-test',
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(args)) {
    if (value !== undefined) form.set(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  const res = await fetch(`${slack.url}${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('FakeSlack', () => {
  it('answers auth.test and records the call with its token', async () => {
    const { body } = await call('auth.test', {}, 'xoxb-abc');
    expect(body).toMatchObject({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T000FAKE' });
    expect(slack.callsTo('auth.test')).toEqual([
      expect.objectContaining({ method: 'auth.test', token: 'xoxb-abc' }),
    ]);
    expect(slack.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
  });

  it('posts, threads, updates and lists messages with decoded blocks and metadata', async () => {
    const metadata = { event_type: 'peeker_order', event_payload: { order_id: 'ord_1' } };
    const parent = await call('chat.postMessage', {
      channel: 'C1',
      text: 'Order placed',
      blocks: [section('*Order*')],
      metadata,
    });
    expect(parent.body).toMatchObject({
      ok: true,
      channel: 'C1',
      message: { text: 'Order placed', metadata },
    });
    const parentTs = parent.body.ts as string;
    expect(parentTs).toMatch(/^\d{10}\.\d{6}$/);

    const reply = await call('chat.postMessage', {
      channel: 'C1',
      text: 'domain connected',
      thread_ts: parentTs,
    });
    expect(Number(reply.body.ts)).toBeGreaterThan(Number(parentTs));
    expect(slack.callsTo('chat.postMessage')[0]?.args.blocks).toEqual([section('*Order*')]);

    const updated = await call('chat.update', { channel: 'C1', ts: parentTs, text: '1/2 connected' });
    expect(updated.body).toMatchObject({ ok: true, channel: 'C1', ts: parentTs, text: '1/2 connected' });
    await call('chat.update', {
      channel: 'C1',
      ts: parentTs,
      text: '2/2 connected',
      blocks: [section('done')],
    });

    const stored = slack.message('C1', parentTs);
    expect(stored).toMatchObject({ text: '2/2 connected', blocks: [section('done')], edits: 2, metadata });
    expect(stored?.history.map((h) => h.text)).toEqual(['Order placed', '1/2 connected', '2/2 connected']);
    // The first edit omitted blocks, so the old blocks were kept.
    expect(stored?.history[1]?.blocks).toEqual([section('*Order*')]);
    expect(slack.messagesIn('C1').map((m) => m.ts)).toEqual([parentTs]);
    expect(slack.replies('C1', parentTs).map((m) => m.text)).toEqual(['domain connected']);
    expect(slack.allMessages()).toHaveLength(2);

    await call('chat.postMessage', { channel: 'C1', text: 'second parent' });
    const plain = await call('conversations.history', { channel: 'C1' });
    const plainMessages = plain.body.messages as Array<Record<string, unknown>>;
    expect(plainMessages.map((m) => m.text)).toEqual(['second parent', '2/2 connected']);
    expect(plainMessages[1]).toMatchObject({ reply_count: 1, thread_ts: parentTs });
    expect(plainMessages[1]).not.toHaveProperty('metadata');

    const withMeta = await call('conversations.history', {
      channel: 'C1',
      include_all_metadata: true,
      limit: 1,
      oldest: '0',
    });
    expect(withMeta.body.has_more).toBe(true);
    const history = await call('conversations.history', { channel: 'C1', include_all_metadata: true });
    expect((history.body.messages as Array<Record<string, unknown>>)[1]?.metadata).toEqual(metadata);

    const thread = await call('conversations.replies', { channel: 'C1', ts: parentTs });
    expect((thread.body.messages as Array<Record<string, unknown>>).map((m) => m.text)).toEqual([
      '2/2 connected',
      'domain connected',
    ]);
  });

  it('accepts JSON bodies too', async () => {
    const res = await fetch(`${slack.url}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-json', 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: 'C9', text: 'hi', blocks: [section('hi')] }),
    });
    expect(await res.json()).toMatchObject({ ok: true, channel: 'C9' });
    expect(slack.messagesIn('C9')[0]?.blocks).toEqual([section('hi')]);
  });

  it('applies channel rules', async () => {
    slack.setChannel('CGONE', { exists: false });
    slack.setChannel('CARCH', { isArchived: true });
    slack.setChannel('CPRIV', { isPrivate: true, isMember: false });
    slack.setChannel('CPUB', { isMember: false, name: 'acme-shared' });

    expect((await call('chat.postMessage', { channel: 'CGONE', text: 'x' })).body.error).toBe(
      'channel_not_found',
    );
    expect((await call('chat.postMessage', { channel: 'CARCH', text: 'x' })).body.error).toBe('is_archived');
    expect((await call('chat.postMessage', { channel: 'CPRIV', text: 'x' })).body.error).toBe(
      'not_in_channel',
    );
    expect((await call('chat.postMessage', { text: 'x' })).body.error).toBe('channel_not_found');
    expect((await call('chat.postMessage', { channel: 'CPUB', text: 'x' })).body.ok).toBe(true);
    expect(
      (await call('chat.postMessage', { channel: 'CPUB', text: 'x', thread_ts: '1.000001' })).body.error,
    ).toBe('thread_not_found');
    expect(slack.messagesIn('CPRIV')).toEqual([]);

    expect((await call('conversations.info', { channel: 'CPUB' })).body).toEqual({
      ok: true,
      channel: expect.objectContaining({
        id: 'CPUB',
        name: 'acme-shared',
        is_private: false,
        is_member: false,
      }),
    });
    expect((await call('conversations.info', { channel: 'CGONE' })).body.error).toBe('channel_not_found');
  });

  it('reports missing and deleted messages on update', async () => {
    expect(
      (await call('chat.update', { channel: 'C1', ts: '1700000000.000100', text: 'x' })).body.error,
    ).toBe('message_not_found');
    const posted = await call('chat.postMessage', { channel: 'C1', text: 'x' });
    const ts = posted.body.ts as string;
    expect(slack.deleteMessage('C1', ts)).toBe(true);
    expect((await call('chat.update', { channel: 'C1', ts, text: 'y' })).body.error).toBe(
      'message_not_found',
    );
    const again = await call('chat.postMessage', { channel: 'C1', text: 'z' });
    expect((await call('chat.delete', { channel: 'C1', ts: again.body.ts })).body.ok).toBe(true);
    expect(slack.messagesIn('C1')).toEqual([]);
  });

  it('scripts a 429 with Retry-After, then recovers without changing state', async () => {
    slack.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 7 });
    const limited = await call('chat.postMessage', { channel: 'C1', text: 'x' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.body).toEqual({ ok: false, error: 'ratelimited' });
    expect(slack.messagesIn('C1')).toEqual([]);

    const ok = await call('chat.postMessage', { channel: 'C1', text: 'x' });
    expect(ok.status).toBe(200);
    expect(slack.callsTo('chat.postMessage').map((c) => c.failed ?? false)).toEqual([true, false]);
    expect(slack.messagesIn('C1')).toHaveLength(1);
  });

  it('consumes platform errors, 5xx and delays FIFO per method', async () => {
    slack.failNext('chat.update', { error: 'cant_update_message', times: 2 });
    slack.failNext('chat.update', { status: 503 });
    slack.failNext('chat.update', { delayMs: 60 });
    const posted = await call('chat.postMessage', { channel: 'C1', text: 'x' });
    const args = { channel: 'C1', ts: posted.body.ts, text: 'y' };

    expect((await call('chat.update', args)).body).toEqual({ ok: false, error: 'cant_update_message' });
    expect((await call('chat.update', args)).body.error).toBe('cant_update_message');
    expect((await call('chat.update', args)).status).toBe(503);
    const started = Date.now();
    expect((await call('chat.update', args)).body.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    expect(slack.message('C1', posted.body.ts as string)?.edits).toBe(1);
    expect(slack.callsTo('chat.update').filter((c) => c.failed)).toHaveLength(3);
  });

  it('opens, updates, pushes and publishes views', async () => {
    const modal = {
      type: 'modal',
      callback_id: 'order',
      title: { type: 'plain_text', text: 'Order' },
      blocks: [section('loading')],
      external_id: 'ext-1',
    };
    const opened = await call('views.open', { trigger_id: 't1', view: modal });
    const view = opened.body.view as Record<string, unknown>;
    expect(view).toMatchObject({
      callback_id: 'order',
      id: expect.stringMatching(/^V/),
      hash: expect.stringMatching(/^h/),
    });
    const id = view.id as string;

    const conflict = await call('views.update', { view_id: id, hash: 'h-stale', view: modal });
    expect(conflict.body.error).toBe('hash_conflict');
    const updated = await call('views.update', {
      view_id: id,
      hash: view.hash,
      view: { ...modal, blocks: [section('ready')] },
    });
    expect(updated.body.ok).toBe(true);
    expect((updated.body.view as Record<string, unknown>).hash).not.toBe(view.hash);
    expect(slack.view(id)?.blocks).toEqual([section('ready')]);
    expect((await call('views.update', { external_id: 'ext-1', view: modal })).body.ok).toBe(true);
    expect((await call('views.update', { view_id: 'VNOPE', view: modal })).body.error).toBe('not_found');

    slack.expireTrigger('t-old');
    expect((await call('views.open', { trigger_id: 't-old', view: modal })).body.error).toBe(
      'expired_trigger_id',
    );
    const tooLong = await call('views.open', {
      trigger_id: 't2',
      view: { ...modal, title: { type: 'plain_text', text: 'x'.repeat(25) } },
    });
    expect(tooLong.body.error).toBe('invalid_arguments');

    const pushed = await call('views.push', { trigger_id: 't3', view: modal });
    expect((pushed.body.view as Record<string, unknown>).id).not.toBe(id);
    expect(slack.views.size).toBe(2);

    await call('views.publish', { user_id: 'U1', view: { type: 'home', blocks: [] } });
    expect(slack.homeViews.get('U1')?.view.type).toBe('home');
  });

  it('answers users.info, postEphemeral and unknown methods', async () => {
    expect((await call('users.info', { user: 'U42' })).body).toMatchObject({
      ok: true,
      user: { id: 'U42', name: 'user-U42', tz: 'UTC', profile: { display_name: 'user-U42' } },
    });
    const eph = await call('chat.postEphemeral', {
      channel: 'C1',
      user: 'U42',
      text: 'only you',
      blocks: [section('hi')],
    });
    expect(eph.body).toMatchObject({ ok: true, message_ts: expect.any(String) });
    expect(slack.ephemerals).toEqual([
      expect.objectContaining({ channel: 'C1', user: 'U42', text: 'only you', blocks: [section('hi')] }),
    ]);
    expect((await call('reactions.add', { channel: 'C1', name: 'eyes' })).body).toEqual({ ok: true });
    expect((await call('auth.test', {}, '')).body.error).toBe('not_authed');
  });

  it('records response_url posts and scripted response_url failures', async () => {
    const url = slack.responseUrl('cmd-1');
    expect(url).toMatch(/\/response\/cmd-1$/);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', text: 'Importing…' }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
    expect(slack.responsesFor('cmd-1')).toEqual([
      expect.objectContaining({ key: 'cmd-1', body: { response_type: 'ephemeral', text: 'Importing…' } }),
    ]);

    slack.failResponseUrl('expired', 404);
    const expired = await fetch(slack.responseUrl('expired'), { method: 'POST', body: '{}' });
    expect(expired.status).toBe(404);
    expect(slack.responsesFor('expired')[0]?.failed).toBe(true);
    expect(slack.responseUrl()).not.toBe(slack.responseUrl());
  });

  it('waitFor resolves with the value, or rejects naming recent calls', async () => {
    setTimeout(() => void call('chat.postMessage', { channel: 'C7', text: 'late' }), 30);
    const message = await slack.waitFor(() => slack.messagesIn('C7')[0]);
    expect(message.text).toBe('late');

    await expect(
      slack.waitFor(() => slack.messagesIn('C8').length > 0, 50, 'a message in C8'),
    ).rejects.toThrow(/timed out after 50 ms: a message in C8[\s\S]*chat\.postMessage/);
    await expect(
      slack.waitFor(() => {
        throw new Error('still 0 edits');
      }, 30),
    ).rejects.toThrow(/last predicate error: still 0 edits/);
  });

  it('stop() closes keep-alive connections and in-flight delayed calls', async () => {
    const other = await FakeSlack.start();
    await fetch(`${other.url}auth.test`, { method: 'POST', headers: { authorization: 'Bearer x' } });
    other.setLatency(10_000);
    const pending = fetch(`${other.url}auth.test`, {
      method: 'POST',
      headers: { authorization: 'Bearer x' },
    });
    await other.waitFor(() => other.calls.length === 2);
    const started = Date.now();
    await other.stop();
    await expect(pending).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
