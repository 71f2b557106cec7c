import { afterEach, describe, expect, it } from 'vitest';
import { importEventData, makeEvent } from '../fakes/peeker/index.js';
import { Harness } from '../helpers/harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

function sample(metrics: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((pair) => line.includes(pair))) return Number(line.split(' ').at(-1));
  }
  return undefined;
}

describe('GET /metrics', () => {
  it('counts commands, Peeker calls with latency, webhooks, Slack calls and 429s, and reports queue depth and check age', async () => {
    harness = await Harness.start();
    const h = harness;
    h.slack.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 1 });
    await h.command('import acme-mail.com in <#CCUST|c>');
    await h.command('help');
    await h.settle();
    const importId = [...h.peeker.imports.keys()][0]!;
    await h.webhook(
      makeEvent('domain_import.completed', {
        ...importEventData(h.peeker.getImport(importId)!),
        completed_at: '2030-01-01T00:00:00Z',
      }),
    );
    await h.webhook('not json', { headers: { 'Peeker-Signature': 'v1=00' } });
    await h.settle();

    const response = await fetch(`${h.baseUrl}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(sample(text, 'peeker_slack_commands_total', { subcommand: 'import', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'peeker_slack_commands_total', { subcommand: 'help', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'peeker_api_requests_total', { route: 'POST /domains/import', status: '200' })).toBe(
      1,
    );
    expect(sample(text, 'peeker_api_request_duration_seconds_count', { route: 'POST /domains/import' })).toBe(
      1,
    );
    expect(
      sample(text, 'peeker_webhook_events_total', { type: 'domain_import.completed', outcome: 'stored' }),
    ).toBe(1);
    expect(sample(text, 'peeker_webhook_events_total', { outcome: 'rejected_signature' })).toBe(1);
    expect(
      sample(text, 'peeker_webhook_events_applied_total', {
        type: 'domain_import.completed',
        outcome: 'applied',
      }),
    ).toBe(1);
    expect(sample(text, 'peeker_slack_rate_limited_total', { method: 'chat.postMessage' })).toBe(1);
    expect(
      sample(text, 'peeker_slack_api_calls_total', { method: 'chat.postMessage', outcome: '200' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'peeker_slack_outbox_depth', {})).toBe(0);
    expect(sample(text, 'peeker_oldest_import_check_age_seconds', {})).toBe(0);
    expect(text).toContain('process_resident_memory_bytes');
  });
});
