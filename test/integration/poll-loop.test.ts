import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { importEventData, makeEvent } from '../fakes/peeker/index.js';
import { allText, Harness } from '../helpers/harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

/** Imports through Slack and returns the Peeker import ID and the parent message. */
async function importInto(h: Harness, text: string, channel = 'CCUST') {
  await h.command(`import ${text} in <#${channel}|customer>`);
  await h.settle();
  const id = [...h.peeker.imports.keys()].at(-1)!;
  const parent = h.slack.messagesIn(channel).at(-1)!;
  return { id, parent };
}

const fastPolling = { IMPORT_POLL_INTERVAL_SECONDS: '1' };

describe('the poll loop', () => {
  it('follows an import through waiting on the registrar to DNS verified, then stops checking it', async () => {
    harness = await Harness.start({ env: fastPolling });
    const { id, parent } = await importInto(harness, 'acme-mail.com team-acme.com');

    // Nothing changed yet: a re-check answers the hand-off again and nothing is edited.
    await sleep(1100);
    expect((await harness.app.pollOnce()).checked).toBe(1);
    await harness.settle();
    expect(harness.slack.message('CCUST', parent.ts)?.edits).toBe(0);

    harness.peeker.setImport(id, { status: 'action_required' });
    await sleep(1100);
    await harness.app.pollOnce();
    await harness.settle();
    const waiting = harness.slack.message('CCUST', parent.ts)!;
    expect(allText(waiting)).toContain('Waiting on the registrar');
    const [registrarReply] = harness.slack.replies('CCUST', parent.ts);
    expect(registrarReply?.text).toContain('Still waiting on the registrar');
    expect(registrarReply?.text).toContain('helena.ns.cloudflare.com');
    expect(registrarReply?.text).toContain('idris.ns.cloudflare.com');

    harness.peeker.setImport(id, { status: 'completed', completed_at: '2030-01-01T00:00:00Z' });
    await sleep(1100);
    await harness.app.pollOnce();
    await harness.settle();
    expect(allText(harness.slack.message('CCUST', parent.ts))).toContain('DNS verified');
    expect(harness.slack.replies('CCUST', parent.ts).map((reply) => reply.text)).toHaveLength(2);
    expect(harness.slack.replies('CCUST', parent.ts)[1]?.text).toContain(
      '✅ DNS verified for acme-mail.com and team-acme.com',
    );

    const gets = harness.peeker.requestsTo('GET', `/domains/import/${id}`).length;
    await sleep(1100);
    expect((await harness.app.pollOnce()).checked).toBe(0);
    expect(harness.peeker.requestsTo('GET', `/domains/import/${id}`)).toHaveLength(gets);
  });

  it('meets the webhooks in one state machine: whichever reports first wins, the other is a no-op', async () => {
    harness = await Harness.start({ env: fastPolling });
    const { id, parent } = await importInto(harness, 'acme-mail.com');
    harness.peeker.setImport(id, { status: 'action_required' });
    await sleep(1100);
    await harness.app.pollOnce();
    // The webhook for the same change arrives after the poll saw it.
    await harness.webhook(
      makeEvent('domain_import.action_required', importEventData(harness.peeker.getImport(id)!)),
    );
    harness.peeker.setImport(id, { status: 'completed', completed_at: '2030-01-01T00:00:00Z' });
    await harness.webhook(
      makeEvent('domain_import.completed', importEventData(harness.peeker.getImport(id)!)),
    );
    await sleep(1100);
    await harness.app.pollOnce();
    await harness.settle();
    const replies = harness.slack.replies('CCUST', parent.ts).map((reply) => reply.text ?? '');
    expect(replies.filter((text) => text.includes('Still waiting'))).toHaveLength(1);
    expect(replies.filter((text) => text.includes('DNS verified'))).toHaveLength(1);
    expect(replies).toHaveLength(2);
  });

  it('polls a job until its nameservers are ready, then shows them', async () => {
    harness = await Harness.start({ env: fastPolling });
    const domains = Array.from({ length: 30 }, (_, index) => `job-${index}-acme.com`);
    const { id, parent } = await importInto(harness, domains.join(' '));
    expect(id.startsWith('imj_')).toBe(true);
    expect(allText(parent)).toContain('Preparing');

    harness.peeker.completeJob(id);
    await sleep(1100);
    await harness.app.pollOnce();
    await harness.settle();
    expect(harness.peeker.requestsTo('GET', `/domains/import/jobs/${id}`).length).toBeGreaterThan(0);
    const updated = harness.slack.message('CCUST', parent.ts)!;
    expect(allText(updated)).toContain('helena.ns.cloudflare.com');
    expect(allText(updated)).not.toContain('Preparing');
    expect(harness.slack.replies('CCUST', parent.ts)[0]?.text).toContain('nameservers');
  });

  it('keeps checking when Peeker fails, backing off, and recovers', async () => {
    harness = await Harness.start({ env: fastPolling });
    const { id, parent } = await importInto(harness, 'acme-mail.com');
    harness.peeker.failNext({ method: 'GET', path: `/domains/import/${id}` }, { status: 500, times: 4 });
    await sleep(1100);
    const failed = await harness.app.pollOnce();
    expect(failed).toMatchObject({ checked: 0, failed: 1 });
    const row = harness.app.db
      .prepare('SELECT check_failures, next_check_at FROM imports WHERE id = ?')
      .get(id) as {
      check_failures: number;
      next_check_at: number;
    };
    expect(row.check_failures).toBe(1);
    expect(row.next_check_at).toBeGreaterThan(Date.now() + 1000);

    harness.app.db.prepare('UPDATE imports SET next_check_at = 0 WHERE id = ?').run(id);
    harness.peeker.setImport(id, { status: 'completed', completed_at: '2030-01-01T00:00:00Z' });
    expect((await harness.app.pollOnce()).checked).toBe(1);
    await harness.settle();
    expect(allText(harness.slack.message('CCUST', parent.ts))).toContain('DNS verified');
  });

  it('checks at most its share of the rate limit per tick, most overdue first', async () => {
    // 1% of 600/min (less 5% headroom) is 5 checks per one-minute tick.
    harness = await Harness.start({ env: { ...fastPolling, POLL_RATE_SHARE: '0.01' } });
    const domains = Array.from({ length: 12 }, (_, index) => `share-${index}-acme.com`);
    for (const domain of domains) await harness.command(`import ${domain} in <#CCUST|c>`);
    await harness.settle();
    await sleep(1100);
    const result = await harness.app.pollOnce();
    expect(result.checked).toBe(5);
    const checked = harness.peeker.requests.filter(
      (r) => r.method === 'GET' && r.path.startsWith('/domains/import/imp_'),
    );
    const firstFive = [...harness.peeker.imports.keys()].slice(0, 5).map((id) => `/domains/import/${id}`);
    expect(checked.map((r) => r.path).sort()).toEqual(firstFive.sort());
  });
});
