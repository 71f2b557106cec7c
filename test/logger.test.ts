import { describe, expect, it } from 'vitest';
import { createLogger, SecretScrubber } from '../src/logger.js';

function capture(secrets: string[] = []) {
  const lines: string[] = [];
  const scrubber = new SecretScrubber(secrets);
  const logger = createLogger({ level: 'debug', scrubber, write: (line) => lines.push(line) });
  return { lines, scrubber, logger };
}

describe('structured logs keep secrets out', () => {
  it('writes JSON lines with level, time and message', () => {
    const { lines, logger } = capture();
    logger.info({ importId: 'imp_1' }, 'hello');
    const line = JSON.parse(lines[0] ?? '{}');
    expect(line).toMatchObject({ level: 30, msg: 'hello', importId: 'imp_1' });
    expect(typeof line.time).toBe('number');
  });

  it('scrubs configured secrets wherever they appear: fields, messages, errors and stacks', () => {
    const secret = 'whsec_super_secret_value';
    const { lines, logger } = capture([secret]);
    logger.warn({ header: `v1=${secret}`, nested: { deep: [secret] } }, `saw ${secret}`);
    logger.error({ err: new Error(`boom ${secret}`) }, 'failed');
    const all = lines.join('\n');
    expect(all).not.toContain(secret);
    expect(all).toContain('[redacted]');
  });

  it('scrubs anything shaped like a Slack token or a Peeker key, even unconfigured', () => {
    const { lines, logger } = capture();
    logger.info('tokens xoxb-123-456-abc xapp-1-A1-xyz xoxp-9-9 pk_live_abcDEF123 pk_test_zzz');
    expect(lines[0]).not.toMatch(/xoxb-|xapp-|xoxp-|pk_live_|pk_test_/);
  });

  it('redacts password and token fields by name', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        sequencer: { login_password: 'hunter2-password' },
        password: 'p4ss',
        token: 't0k3n',
        headers: { authorization: 'Bearer x' },
      },
      'body',
    );
    const line = lines[0] ?? '';
    for (const value of ['hunter2-password', 'p4ss', 't0k3n', 'Bearer x']) expect(line).not.toContain(value);
  });

  it('scrubs a secret registered while in flight (the Smartlead password), and only then', () => {
    const { lines, logger, scrubber } = capture();
    const password = 'Sm4rt"quote\\slash';
    const release = scrubber.track(password);
    logger.info({ echoed: password }, `error mentions ${password}`);
    release();
    logger.info(`after release ${password}`);
    expect(lines[0]).not.toContain('Sm4rt');
    expect(lines[1]).toContain('Sm4rt');
  });
});
