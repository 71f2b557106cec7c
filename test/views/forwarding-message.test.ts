import { describe, expect, it } from 'vitest';
import { renderForwardElsewhere, renderForwardingReply } from '../../src/views/forwarding-message.js';

describe('renderForwardingReply (a change reported by webhook)', () => {
  it("never shows Peeker's reason to a customer, known or free text", () => {
    const freeText = renderForwardingReply(
      'customer',
      'acme.com',
      null,
      false,
      'upstream timeout: req ptr 123',
    );
    expect(freeText.text).toBe('⚠️ The forwarding of acme.com could not be changed yet. Our team is on it.');
    const known = renderForwardingReply('customer', 'acme.com', null, false, 'dns_lookup_failed');
    expect(known.text).toContain('(not resolving yet)');
    expect(known.text).not.toContain('dns_lookup_failed');
  });

  it('shows ops what went wrong, with the code', () => {
    expect(renderForwardingReply('ops', 'acme.com', null, false, 'dns_lookup_failed').text).toBe(
      '⚠️ The forwarding of acme.com could not be changed: not resolving (`dns_lookup_failed`).',
    );
    expect(renderForwardingReply('ops', 'acme.com', null, false, 'quota_hit').text).toContain('quota hit');
  });

  it('announces a change that worked the same way to both', () => {
    for (const audience of ['ops', 'customer'] as const) {
      expect(renderForwardingReply(audience, 'acme.com', 'https://acme.io', true, null).text).toBe(
        '↪️ acme.com now forwards to https://acme.io.',
      );
    }
  });
});

describe('renderForwardElsewhere', () => {
  it('names the domains of other channels and says where to run the command instead', () => {
    const rendered = renderForwardElsewhere(['b-acme.com', '<!channel>.com']);
    expect(rendered.text).toContain('b-acme.com');
    expect(rendered.text).toContain('direct message with the app');
    expect(rendered.text).not.toContain('<!channel>');
  });
});
