import { describe, expect, it } from 'vitest';
import { createDnsLookup } from '../../src/dns/resolver.js';
import { createMetrics, dnsMetricsOf } from '../../src/metrics.js';

describe('DNS metrics', () => {
  it('counts lookups by type and outcome and times them', async () => {
    const metrics = createMetrics();
    const dns = dnsMetricsOf(metrics);
    dns.observe('NS', 'ok', 0.02);
    dns.observe('NS', 'ok', 0.03);
    dns.observe('MX', 'timeout', 3);
    dns.observe('NS', 'busy');
    const text = await metrics.registry.metrics();
    expect(text).toContain('peeker_dns_lookups_total{type="NS",outcome="ok"} 2');
    expect(text).toContain('peeker_dns_lookups_total{type="MX",outcome="timeout"} 1');
    expect(text).toContain('peeker_dns_lookups_total{type="NS",outcome="busy"} 1');
    // Busy lookups sent nothing, so only the two real NS lookups are timed.
    expect(text).toContain('peeker_dns_lookup_seconds_count{type="NS"} 2');
    expect(text).toContain('peeker_dns_lookup_seconds_bucket{le="0.025",type="NS"} 1');
    expect(text).toContain('peeker_dns_lookup_seconds_count{type="MX"} 1');
  });

  it('plugs into createDnsLookup', async () => {
    const metrics = createMetrics();
    // A port nobody listens on: the lookup fails fast, and is still counted.
    const lookup = createDnsLookup({
      servers: ['127.0.0.1:9'],
      timeoutMs: 200,
      tries: 1,
      metrics: dnsMetricsOf(metrics),
    });
    try {
      const answer = await lookup.ns('acme-mail.com');
      expect(answer.status).toBe('error');
      const text = await metrics.registry.metrics();
      expect(text).toMatch(/peeker_dns_lookups_total\{type="NS",outcome="(unreachable|timeout)"\} 1/);
      expect(text).toContain('peeker_dns_lookup_seconds_count{type="NS"} 1');
    } finally {
      lookup.close();
    }
  });
});
