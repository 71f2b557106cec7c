import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderUnknownSubcommand, renderUsageError } from '../../src/views/help.js';
import { renderHomeBoard } from '../../src/views/home.js';
import { importInvalid, importReport } from '../../src/views/import-feedback.js';
import { renderImportMessage } from '../../src/views/import-message.js';
import { renderImportReply } from '../../src/views/import-replies.js';
import {
  renderActionNotice,
  renderActionReply,
  renderOrderMessage,
  renderOrderOutcomeReply,
  renderPendingList,
} from '../../src/views/order-message.js';
import { renderOrderFailed } from '../../src/views/order-result.js';
import { renderOrderReview } from '../../src/views/order-review.js';
import { peekerErrorText } from '../../src/views/peeker-error.js';
import { renderTrackedImportStatus } from '../../src/views/status.js';

/** The only markup the app may put into mrkdwn on its own: links to these known IDs. */
const OWN_MARKUP = /<#CCUST>|<@UOPS>|<@UBOSS>/g;

/** Every mrkdwn string in a rendered message or view (plain_text is never parsed by Slack). */
function mrkdwnTexts(value: unknown, parentType?: string): string[] {
  if (typeof value === 'string') return [];
  if (Array.isArray(value)) return value.flatMap((item) => mrkdwnTexts(item, parentType));
  if (!value || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const found: string[] = [];
  if (record.type === 'mrkdwn' && typeof record.text === 'string') found.push(record.text);
  for (const [key, inner] of Object.entries(record)) {
    if (key === 'text' && typeof inner === 'string' && parentType === undefined && record.type === undefined)
      found.push(inner);
    if (typeof inner === 'object') found.push(...mrkdwnTexts(inner, String(record.type ?? 'object')));
  }
  return found;
}

/** Hostile strings: mentions, links, entities, plus arbitrary text around them. */
const hostile = fc
  .tuple(
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.constantFrom(
      '<!channel>',
      '<!here|here>',
      '<@U0123ABC>',
      '<#C999|general>',
      '<https://evil.example|click me>',
      '&lt;',
      '>',
      '<',
      '&',
    ),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
  )
  .map(([before, markup, after]) => `${before}${markup}${after}`);

function assertEscaped(rendered: unknown): void {
  for (const text of mrkdwnTexts(rendered)) {
    const withoutOwn = text.replace(OWN_MARKUP, '');
    expect(withoutOwn, text).not.toMatch(/[<>]/);
  }
}

describe('every user- or Peeker-supplied string that reaches mrkdwn is escaped', () => {
  it('import messages, replies, reports and statuses', () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, (domain, reason, ns) => {
        const model = {
          phase: 'waiting_on_registrar' as const,
          domains: [
            { domain, state: 'pending' as const, failureReason: null },
            { domain: `${domain}x`, state: 'failed' as const, failureReason: reason },
          ],
          nameserverGroups: [{ nameservers: [ns, `${ns}2`] as [string, string], domains: [domain] }],
          waitedMs: 60_000,
        };
        assertEscaped(renderImportMessage(model));
        assertEscaped(renderImportReply('waiting_on_registrar', model));
        assertEscaped(renderImportReply('failed', model, model.domains.slice(1)));
        assertEscaped(importInvalid([{ input: domain, message: reason }], 1));
        assertEscaped(
          importReport({
            channelId: 'CCUST',
            sandbox: true,
            imports: [
              {
                importId: reason,
                domains: [domain],
                failed: [{ domain, reason }],
                alreadyTracked: false,
                post: { status: 'failed', error: ns },
              },
            ],
            errors: [
              {
                domains: [domain],
                error: {
                  kind: 'rejected',
                  code: reason,
                  message: ns,
                  field: domain,
                  requestId: reason,
                  retryAfterSeconds: undefined,
                },
              },
            ],
          }),
        );
        assertEscaped(
          renderTrackedImportStatus(
            {
              importId: reason,
              phase: 'awaiting_dns',
              peekerStatus: ns,
              channelId: 'CCUST',
              requestedBy: 'UOPS',
              domains: model.domains,
              nameserverGroups: model.nameserverGroups,
              sinceSubmittedMs: 1,
              waitedMs: 1,
              lastCheckedAgoMs: 1,
              nextCheckInMs: 1,
              messagePosted: true,
              focusDomain: domain,
            },
            false,
          ),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('order messages, actions, review and errors (persona names, bundle names, Peeker messages)', () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, hostile, (name, bundle, message, domain) => {
        const order = {
          audience: 'ops' as const,
          orderId: 'ord_1',
          customerEmail: name,
          bundleName: bundle,
          domainCount: 2,
          connectedCount: 1,
          status: 'failed' as const,
          totalCents: 6800,
          currency: 'usd',
          sandbox: true,
          placedBy: 'UOPS',
          openActions: 1,
        };
        assertEscaped(renderOrderMessage(order));
        assertEscaped(renderOrderMessage({ ...order, audience: 'customer' }));
        assertEscaped(renderOrderOutcomeReply('failed', 'ops', message));
        const action = {
          id: 'act_1',
          orderId: 'ord_1',
          reason: 'profile_picture_not_accessible',
          type: 'google_profile_picture',
          domain,
          persona: { firstName: name, lastName: bundle, pictureUrl: message },
          message,
        };
        for (const reason of [
          'profile_picture_not_accessible',
          'update_nameservers',
          'replace_domain',
          message,
        ]) {
          assertEscaped(renderActionReply({ ...action, reason }, 'customer'));
          assertEscaped(renderActionNotice({ ...action, reason }, 'CCUST'));
        }
        assertEscaped(renderPendingList([action], 'ord_1'));
        assertEscaped(
          renderOrderReview({
            draftId: 'd1',
            channelId: 'CCUST',
            customerEmail: name,
            bundleName: bundle,
            requiredDomains: 2,
            domains: [domain],
            forwardingUrl: message,
            smartleadClientId: 1,
            smartleadEmail: name,
            personas: [{ firstName: name, lastName: bundle, pictureUrl: message }],
            sandbox: true,
            canPlace: false,
            approvers: ['UBOSS'],
          }),
        );
        const error = {
          kind: 'rejected' as const,
          code: message,
          message: name,
          field: bundle,
          requestId: domain,
          retryAfterSeconds: undefined,
        };
        assertEscaped(renderOrderFailed(error, { canGoBack: true }));
        assertEscaped({ text: peekerErrorText('place the order', error) });
        assertEscaped(
          renderHomeBoard({
            sandbox: true,
            stuckAfterMs: 3600_000,
            actions: { total: 0, rows: [] },
            imports: {
              total: 1,
              rows: [
                {
                  domains: [domain],
                  domainCount: 2,
                  channelId: 'CCUST',
                  phase: 'waiting_on_registrar',
                  ageMs: 10,
                  stuck: true,
                  dns: { pending: 2, switched: 0, notSwitched: [{ domain: name }, { domain }] },
                  link: null,
                },
              ],
            },
            orders: {
              total: 1,
              rows: [
                {
                  orderId: 'ord_1',
                  customerEmail: name,
                  bundleName: bundle,
                  status: 'completed',
                  connected: 1,
                  domainCount: 1,
                  openActions: 0,
                  channelId: 'CCUST',
                  ageMs: 10,
                  stuck: false,
                  link: null,
                },
              ],
            },
          }),
        );
        assertEscaped(renderUnknownSubcommand(name, undefined, false));
        assertEscaped(renderUsageError('import', message));
      }),
      { numRuns: 150 },
    );
  });
});
