/**
 * Every message fits Slack, whatever the size: a 500-domain import still shows every nameserver
 * group (compacted, with the full domain list in the thread), and a message Slack refuses as too
 * long is sent again shortened instead of leaving the customer's message stuck.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { blockTextLength } from '../../src/views/blocks.js';
import { allText, Harness } from '../helpers/harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

/** 500 distinct root domains of exactly 30 characters. */
const DOMAINS = Array.from(
  { length: 500 },
  (_, index) => `customer-domain-${String(index).padStart(10, '0')}.com`,
);

describe('a 500-domain import', () => {
  it('posts one message within Slack limits with every nameserver group, and lists every domain in the thread', async () => {
    expect(DOMAINS.every((domain) => domain.length === 30)).toBe(true);
    harness = await Harness.start();
    harness.peeker.importBehaviour = { ...harness.peeker.importBehaviour, groupSize: 20 };
    await harness.command(`import ${DOMAINS.join(' ')} in <#CCUST|acme>`);
    await harness.settle();
    const jobId = [...harness.peeker.imports.keys()][0]!;
    harness.peeker.completeJob(jobId);
    // The poll tick re-checks the job once it is due: make it due now.
    harness.app.db.prepare('UPDATE imports SET next_check_at = 0').run();
    await harness.app.pollOnce();
    await harness.settle();

    const messages = harness.slack.messagesIn('CCUST');
    expect(messages).toHaveLength(1);
    const parent = messages[0]!;
    expect((parent.blocks ?? []).length).toBeLessThanOrEqual(50);
    expect(blockTextLength(parent.blocks ?? [])).toBeLessThanOrEqual(10_000);
    const shown = allText(parent);
    for (const group of harness.peeker.getImport(jobId)!.nameserver_groups) {
      expect(shown).toContain(group.nameserver_one);
    }
    expect(shown).toContain('listed in the thread');
    const thread = harness.slack
      .replies('CCUST', parent.ts)
      .map((reply) => reply.text ?? '')
      .join('\n');
    for (const domain of DOMAINS) expect(thread).toContain(domain);
  });
});

describe('a message Slack refuses as too long', () => {
  it('is sent again shortened rather than given up', async () => {
    harness = await Harness.start();
    // Slack's real limit is undocumented (about 11,000–13,000 characters): here it is lower than
    // the app's own budget, so the full message is refused.
    harness.slack.setBlockTextLimit(5_000);
    harness.peeker.importBehaviour = { ...harness.peeker.importBehaviour, groupSize: 20 };
    await harness.command(`import ${DOMAINS.join(' ')} in <#CCUST|acme>`);
    await harness.settle();
    const jobId = [...harness.peeker.imports.keys()][0]!;
    harness.peeker.completeJob(jobId);
    harness.app.db.prepare('UPDATE imports SET next_check_at = 0').run();
    await harness.app.pollOnce();
    await harness.settle();
    const [parent] = harness.slack.messagesIn('CCUST');
    expect(blockTextLength(parent?.blocks ?? [])).toBeLessThanOrEqual(5_000);
    expect(allText(parent)).toContain('Shortened');
    expect(allText(parent)).toContain('nameservers');
    const refusedEdits = harness.slack
      .callsTo('chat.update')
      .filter((call) => blockTextLength((call.args.blocks as unknown[]) ?? []) > 5_000);
    expect(refusedEdits.length).toBeGreaterThan(0);
  });
});
