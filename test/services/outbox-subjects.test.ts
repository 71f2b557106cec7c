import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, SecretScrubber } from '../../src/logger.js';
import { createOutboxSubjects } from '../../src/services/outbox-subjects.js';
import type { SubjectTable } from '../../src/slack/outbox-subjects.js';
import { createResponder } from '../../src/slack/responder.js';
import { type CommandsRepo, createCommandsRepo } from '../../src/store/commands-repo.js';
import { openDatabase } from '../../src/store/database.js';
import { createImportsRepo, type ImportRecord, type ImportsRepo } from '../../src/store/imports-repo.js';
import { createOrderActionsRepo, type OrderActionsRepo } from '../../src/store/order-actions-repo.js';
import {
  type Audience,
  createOrdersRepo,
  type OrderRecord,
  type OrdersRepo,
} from '../../src/store/orders-repo.js';
import { createSlackOutboxRepo, type SlackOutboxRepo } from '../../src/store/slack-outbox-repo.js';
import { postFailureNotice } from '../../src/views/import-feedback.js';
import { FakeSlack } from '../fakes/fake-slack.js';

const T0 = Date.parse('2026-05-08T12:00:00Z');
const NS: [string, string] = ['helena.ns.cloudflare.com', 'idris.ns.cloudflare.com'];

let slack: FakeSlack;
beforeAll(async () => {
  slack = await FakeSlack.start();
});
afterAll(async () => {
  await slack.stop();
});

let imports: ImportsRepo;
let orders: OrdersRepo;
let actions: OrderActionsRepo;
let commands: CommandsRepo;
let outbox: SlackOutboxRepo;
let subjects: SubjectTable;
let logs: string[];

beforeEach(() => {
  slack.reset();
  const db = openDatabase(':memory:');
  imports = createImportsRepo(db);
  orders = createOrdersRepo(db);
  actions = createOrderActionsRepo(db);
  commands = createCommandsRepo(db);
  outbox = createSlackOutboxRepo(db);
  logs = [];
  const logger = createLogger({
    level: 'debug',
    scrubber: new SecretScrubber([]),
    write: (line) => logs.push(line),
  });
  const client = new WebClient('xoxb-test', {
    slackApiUrl: slack.url,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
  });
  subjects = createOutboxSubjects({
    imports,
    orders,
    actions,
    commands,
    responder: createResponder({ client, logger, timeoutMs: 2000 }),
  });
});

const textOf = (rendered: unknown) => JSON.stringify(rendered);

function importRecord(patch: Partial<ImportRecord> = {}): ImportRecord {
  return {
    id: 'imp_1',
    kind: 'sync',
    commandId: null,
    batch: null,
    channelId: 'CCUST',
    requestedBy: 'UOPS',
    phase: 'awaiting_dns',
    peekerStatus: 'completed',
    nameserverGroups: [{ nameservers: NS, domains: ['acme-mail.com', 'team-acme.com'] }],
    handoffCompletedAt: null,
    failureReason: null,
    submittedAt: T0,
    nameserversAt: T0,
    waitingSince: null,
    finishedAt: null,
    updatedAt: T0,
    nextCheckAt: T0 + 60_000,
    lastCheckedAt: null,
    checkFailures: 0,
    ...patch,
  };
}

function orderRecord(audience: Audience, patch: Partial<OrderRecord> = {}): OrderRecord {
  return {
    id: 'ord_1',
    draftId: null,
    channelId: 'CORDERS',
    audience,
    placedBy: 'UPLACER',
    customerEmail: 'alex@acme.com',
    bundleId: 'bun_1',
    bundleName: 'Starter',
    domainCount: 2,
    status: 'in_progress',
    statusChangedAt: null,
    totalCents: 9800,
    currency: 'usd',
    sandbox: false,
    request: {
      user: 'alex@acme.com',
      bundle_id: 'bun_1',
      sequencer: { provider: 'smartlead', client_id: 1, login_email: 'ops@acme.com' },
      forwarding_url: 'https://acme.com',
      domains: ['acme-mail.com', 'team-acme.com'],
      personas: [],
    },
    failureReason: null,
    createdAt: T0,
    updatedAt: T0,
    lastEventAt: null,
    nextReconcileAt: null,
    ...patch,
  };
}

const action = (id: string, status = 'open') => ({
  id,
  orderId: 'ord_1',
  type: 'google_profile_picture',
  reason: 'profile_picture_not_accessible',
  status,
  domain: 'acme-mail.com',
  persona: { firstName: 'Alex', lastName: 'Rivera', pictureUrl: null },
  message: 'The picture must be public.',
});

describe('the import subject', () => {
  it('renders the nameserver instructions from the import’s current state', () => {
    imports.insert(importRecord(), [
      { domain: 'acme-mail.com', position: 0, state: 'pending', failureReason: null },
      { domain: 'team-acme.com', position: 1, state: 'pending', failureReason: null },
    ]);
    const before = subjects.import.render('imp_1', T0);
    expect(before).toBeDefined();
    for (const part of [...NS, 'acme-mail.com', 'team-acme.com']) expect(textOf(before)).toContain(part);

    imports.updateDomain('imp_1', {
      domain: 'team-acme.com',
      position: 1,
      state: 'failed',
      failureReason: 'registrar_lock',
    });
    const after = subjects.import.render('imp_1', T0);
    expect(textOf(after)).not.toBe(textOf(before)); // rendered again from what is stored now
  });

  it('renders nothing for an unknown import', () => {
    expect(subjects.import.render('imp_missing', T0)).toBeUndefined();
  });

  it('tells the requester through the command’s response_url when the post can never land', async () => {
    const key = 'cmd-response';
    const { command } = commands.record({
      dedupeKey: 'trigger-1',
      kind: 'import',
      userId: 'UOPS',
      teamId: null,
      originChannelId: 'CTYPED',
      responseUrl: slack.responseUrl(key),
      args: {},
      now: T0,
    });
    imports.insert(importRecord({ commandId: command.id, batch: 0 }), []);
    const message = outbox.ensureMessage({ type: 'import', id: 'imp_1' }, 'CPRIVATE', T0);

    await subjects.import.onPostFailed?.(message, { kind: 'channel', error: 'not_in_channel' });
    const responses = slack.responsesFor(key);
    expect(responses).toHaveLength(1);
    expect(responses[0]?.body).toMatchObject({
      response_type: 'ephemeral',
      text: postFailureNotice('CPRIVATE', 'not_in_channel').text,
    });
    expect(slack.callsTo('chat.postEphemeral')).toEqual([]);
  });

  it('falls back to an ephemeral message where the command was typed (or the target channel)', async () => {
    const { command } = commands.record({
      dedupeKey: 'trigger-2',
      kind: 'import',
      userId: 'UOPS',
      teamId: null,
      originChannelId: 'CTYPED',
      responseUrl: null,
      args: {},
      now: T0,
    });
    imports.insert(importRecord({ id: 'imp_cmd', commandId: command.id, batch: 0 }), []);
    imports.insert(importRecord({ id: 'imp_bare', requestedBy: 'UOTHER', commandId: null }), []);

    const withCommand = outbox.ensureMessage({ type: 'import', id: 'imp_cmd' }, 'CARCHIVED', T0);
    await subjects.import.onPostFailed?.(withCommand, { kind: 'channel', error: 'is_archived' });
    const bare = outbox.ensureMessage({ type: 'import', id: 'imp_bare' }, 'CGONE', T0);
    await subjects.import.onPostFailed?.(bare, { kind: 'channel', error: 'channel_not_found' });

    expect(slack.ephemerals.map((e) => [e.channel, e.user, e.text])).toEqual([
      ['CTYPED', 'UOPS', postFailureNotice('CARCHIVED', 'is_archived').text],
      ['CGONE', 'UOTHER', postFailureNotice('CGONE', 'channel_not_found').text],
    ]);
  });

  it('does nothing for a failed post of an import it does not know', async () => {
    const message = outbox.ensureMessage({ type: 'import', id: 'imp_ghost' }, 'C1', T0);
    await subjects.import.onPostFailed?.(message, { kind: 'channel', error: 'not_in_channel' });
    expect(slack.calls).toEqual([]);
    expect(slack.responses).toEqual([]);
  });
});

describe('the order subject', () => {
  it('renders the status message from the order, its connected domains and open actions', () => {
    orders.insert(orderRecord('ops'), ['acme-mail.com', 'team-acme.com']);
    const first = textOf(subjects.order.render('ord_1', T0));
    expect(first).toContain('alex@acme.com');
    expect(first).toContain('0/2');
    expect(first).toContain('ord_1'); // ops channels see the order ID
    expect(first).not.toContain('open action');

    orders.connectDomain('ord_1', 'acme-mail.com', null, T0);
    actions.save(action('act_1'), T0);
    const second = textOf(subjects.order.render('ord_1', T0));
    expect(second).toContain('1/2');
    expect(second).toContain('1 open action');
    expect(second).not.toBe(first);
  });

  it('hides IDs and prices in a customer channel', () => {
    orders.insert(orderRecord('customer', { totalCents: 123456 }), []);
    const rendered = textOf(subjects.order.render('ord_1', T0));
    expect(rendered).toContain('alex@acme.com');
    expect(rendered).not.toContain('ord_1');
    expect(rendered).not.toContain('1,234');
  });

  it('renders nothing for an unknown order', () => {
    expect(subjects.order.render('ord_missing', T0)).toBeUndefined();
  });

  it('batches domain_connected replies into one, naming every line', () => {
    const combine = subjects.order.combineReplies?.domain_connected;
    expect(combine).toBeDefined();
    const lines = ['✅ a.com is connected', '✅ b.com is connected', '✅ c.com is connected'];
    const combined = combine!(lines);
    for (const line of lines) expect(combined.text).toContain(line);
    expect(combined.text).toContain(String(lines.length));
    expect(subjects.order.combineReplies?.other_group).toBeUndefined();
    expect(subjects.import.combineReplies?.domain_connected).toBeUndefined();
  });
});

describe('the action_notice subject', () => {
  it('renders an open action for the placer, pointing at the order’s channel', () => {
    orders.insert(orderRecord('customer'), []);
    actions.save(action('act_1'), T0);
    const rendered = subjects.action_notice.render('act_1', T0);
    expect(rendered?.text).toContain('<#CORDERS>');
    expect(textOf(rendered)).toContain('act_1');
  });

  it('renders nothing once the action is resolved, or for an unknown action', () => {
    orders.insert(orderRecord('customer'), []);
    actions.save(action('act_1'), T0);
    actions.resolveExcept('ord_1', [], T0 + 1);
    expect(subjects.action_notice.render('act_1', T0)).toBeUndefined();
    expect(subjects.action_notice.render('act_missing', T0)).toBeUndefined();
  });
});
