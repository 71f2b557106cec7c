import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockTextLength } from '../../src/views/blocks.js';
import { importInvalid, importReport, postFailureAdvice } from '../../src/views/import-feedback.js';
import { type ImportMessageModel, renderImportMessage } from '../../src/views/import-message.js';
import { renderImportReply } from '../../src/views/import-replies.js';
import { LIMITS } from '../../src/views/limits.js';
import { peekerErrorText } from '../../src/views/peeker-error.js';
import { code, escapeMrkdwn, formatDuration } from '../../src/views/text.js';

const VIEWS_DIR = join(import.meta.dirname, '../../src/views');

/** Every string a rendered message shows (fallback text and block texts). */
function texts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(texts);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, inner]) => (key === 'type' ? [] : texts(inner)));
  }
  return [];
}

function sectionTexts(blocks: unknown[]): string[] {
  return blocks.flatMap((block) => {
    const text = (block as { text?: { text?: string } }).text?.text;
    return text ? [text] : [];
  });
}

const HOSTILE = ['<!channel>', '<@U0123ABC>', '<https://evil.example|click me>', 'a & b > c'];

describe('views are pure', () => {
  it('import nothing that does I/O (no Bolt, HTTP, database or node: modules)', () => {
    const files = readdirSync(VIEWS_DIR).filter((file) => file.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const source = readFileSync(join(VIEWS_DIR, file), 'utf8');
      const imports = [...source.matchAll(/from '([^']+)'/g)].map((match) => match[1] ?? '');
      for (const specifier of imports) {
        const allowed =
          specifier.startsWith('./') || specifier === '@slack/types' || specifier.startsWith('../parsing/');
        expect(allowed, `${file} imports ${specifier}`).toBe(true);
      }
    }
  });
});

describe('escaping user text', () => {
  it('escapes &, < and > and nothing else', () => {
    expect(escapeMrkdwn('<!channel> & <@U1> *bold*')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt; *bold*');
    expect(code('a`b')).toBe("`a'b`");
  });

  it('never lets a domain, a failure reason or a Peeker message inject mentions or links', () => {
    const model: ImportMessageModel = {
      phase: 'waiting_on_registrar',
      domains: HOSTILE.map((domain, index) => ({
        domain,
        state: index === 0 ? 'failed' : 'pending',
        failureReason: index === 0 ? '<!here> reason' : null,
      })),
      nameserverGroups: [{ nameservers: ['<!channel>.ns', 'b.ns'], domains: HOSTILE }],
      waitedMs: 3_600_000,
    };
    const rendered = [
      renderImportMessage(model),
      renderImportReply('waiting_on_registrar', model),
      renderImportReply('failed', model, model.domains.slice(0, 1)),
      importInvalid(
        HOSTILE.map((input) => ({ input, message: `${input} is bad` })),
        0,
      ),
      importReport({
        channelId: 'C1<!channel>',
        sandbox: false,
        imports: [
          {
            importId: '<!channel>',
            domains: HOSTILE,
            failed: [{ domain: '<!here>', reason: '<@U1>' }],
            alreadyTracked: false,
            post: { status: 'posted' },
          },
        ],
        errors: [],
      }),
      {
        text: peekerErrorText('import', {
          kind: 'rejected',
          code: '<!channel>',
          message: '<https://evil.example|click>',
          field: '<@U1>',
          requestId: 'req_<!here>',
          retryAfterSeconds: undefined,
        }),
      },
    ];
    for (const message of rendered) {
      for (const text of texts(message)) {
        expect(text).not.toMatch(/<!channel>|<!here>|<@U|<https:\/\/evil/);
      }
    }
  });
});

describe('Block Kit limits', () => {
  it('keeps a 500-domain import within 50 blocks, 3000 characters per section and the message budget, showing every nameserver group', () => {
    const domains = Array.from({ length: 500 }, (_, index) => `a-rather-long-customer-domain-${index}.com`);
    const groups = Array.from({ length: 30 }, (_, index) => ({
      nameservers: [`ns${index}a.ns.cloudflare.com`, `ns${index}b.ns.cloudflare.com`] as [string, string],
      domains: domains.slice(index * 16, index * 16 + 16),
    }));
    groups[0]?.domains.push(...domains.slice(480));
    const message = renderImportMessage({
      phase: 'awaiting_dns',
      domains: domains.map((domain) => ({ domain, state: 'pending', failureReason: null })),
      nameserverGroups: groups,
      waitedMs: 0,
    });
    expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
    for (const text of sectionTexts(message.blocks))
      expect(text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    expect(message.text.length).toBeLessThanOrEqual(LIMITS.messageText);
    expect(blockTextLength(message.blocks)).toBeLessThanOrEqual(LIMITS.messageBlockText);
    const shown = texts(message).join('\n');
    for (const group of groups) expect(shown).toContain(group.nameservers[0]);
    expect(shown).toContain('listed in the thread');
  });
});

describe('customer-facing import message', () => {
  const base: ImportMessageModel = {
    phase: 'awaiting_dns',
    domains: [
      { domain: 'acme-mail.com', state: 'pending', failureReason: null },
      { domain: 'team-acme.com', state: 'pending', failureReason: null },
    ],
    nameserverGroups: [
      {
        nameservers: ['helena.ns.cloudflare.com', 'idris.ns.cloudflare.com'],
        domains: ['acme-mail.com', 'team-acme.com'],
      },
    ],
    waitedMs: 2 * 3_600_000 + 10 * 60_000,
  };

  it('shows nameservers, registrar steps and a status line, with a text fallback', () => {
    const message = renderImportMessage(base);
    const shown = texts(message).join('\n');
    expect(shown).toContain('helena.ns.cloudflare.com');
    expect(shown).toContain('How to change nameservers');
    expect(shown).toContain('Waiting for the nameserver change');
    expect(message.text).toContain('acme-mail.com and team-acme.com');
  });

  it('says how long it has waited on the registrar and ticks each domain once verified', () => {
    expect(texts(renderImportMessage({ ...base, phase: 'waiting_on_registrar' })).join('\n')).toContain(
      'for 2 h 10 min',
    );
    const verified = renderImportMessage({
      ...base,
      phase: 'verified',
      domains: base.domains.map((domain) => ({ ...domain, state: 'verified' })),
    });
    const shown = texts(verified).join('\n');
    expect(shown).toContain('✅ acme-mail.com');
    expect(shown).toContain('✅ team-acme.com');
    expect(shown).not.toContain('How to change nameservers');
  });

  it('tells the requester how to fix each Slack posting error', () => {
    expect(postFailureAdvice('C1', 'not_in_channel')).toContain('/invite @Peeker');
    expect(postFailureAdvice('C1', 'is_archived')).toContain('archived');
    expect(postFailureAdvice('C1', 'weird_error')).toContain('weird_error');
  });

  it('formats durations for people', () => {
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(12 * 60_000)).toBe('12 min');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe('3 d 4 h');
  });
});
