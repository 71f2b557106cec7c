import { afterEach, describe, expect, it } from 'vitest';
import { allText, Harness } from '../helpers/harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

describe('/peeker help and unknown subcommands', () => {
  it('answers help in the acknowledgement with every subcommand and an example', async () => {
    harness = await Harness.start();
    for (const text of ['', 'help', '  HELP  ']) {
      const result = await harness.command(text);
      expect(result.status).toBe(200);
      expect(result.ack?.response_type).toBe('ephemeral');
      const shown = allText(result.ack);
      for (const example of ['/peeker import', '/peeker status', '/peeker order', '/peeker pending']) {
        expect(shown).toContain(example);
      }
    }
  });

  it('suggests the closest subcommand for a typo', async () => {
    harness = await Harness.start();
    const result = await harness.command('imprt acme.com');
    expect(allText(result.ack)).toContain('/peeker import');
    expect(allText(result.ack)).toContain('imprt');
  });
});
