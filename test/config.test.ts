import { describe, expect, it } from 'vitest';
import { type Config, ConfigError, loadConfig, secretsOf } from '../src/config.js';

/** The smallest valid HTTP-mode environment. */
const MINIMAL = {
  SLACK_BOT_TOKEN: 'xoxb-1111-2222-minimalbottoken',
  SLACK_SIGNING_SECRET: 'signing-secret-0123456789',
  PEEKER_API_KEY: 'pk_test_minimalkey123',
  PEEKER_WEBHOOK_SECRET: 'whsec_minimal_secret',
} as const;

const DEFAULTS: Config = {
  slack: {
    botToken: MINIMAL.SLACK_BOT_TOKEN,
    signingSecret: MINIMAL.SLACK_SIGNING_SECRET,
    appToken: undefined,
    apiUrl: 'https://slack.com/api/',
    mode: 'http',
  },
  peeker: {
    apiKey: MINIMAL.PEEKER_API_KEY,
    apiUrl: 'https://api.peeker.ai/partner/v1',
    webhookSecrets: [MINIMAL.PEEKER_WEBHOOK_SECRET],
    rateLimitPerMinute: 600,
    timeoutMs: 120_000,
  },
  databasePath: './data/peeker.sqlite',
  port: 3000,
  poll: { cron: '* * * * *', importIntervalSeconds: 60, rateShare: 0.5 },
  orderApprovers: [],
  smartleadDefaultLogin: undefined,
  logLevel: 'info',
  dnsResolvers: [],
  followUp: {
    digestChannel: undefined,
    digestCron: '0 9 * * 1-5',
    digestTimezone: 'UTC',
    nudgeAfterMs: 24 * 3600_000,
    stuckAfterMs: 24 * 3600_000,
  },
};

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

/** The variable each problem line names (its first word). */
function named(error: ConfigError): string[] {
  return error.problems.map((problem) => problem.split(' ')[0] ?? '');
}

describe('loadConfig: valid environments', () => {
  it('applies the operating contract defaults to a minimal environment', () => {
    expect(loadConfig({ ...MINIMAL })).toEqual(DEFAULTS);
  });

  it('ignores variables it does not know', () => {
    expect(loadConfig({ ...MINIMAL, HOME: '/root', PATH: '/usr/bin', NODE_ENV: 'test' })).toEqual(DEFAULTS);
  });

  it('uses Socket Mode when SLACK_APP_TOKEN is set, and then needs no signing secret', () => {
    const { SLACK_SIGNING_SECRET: _omitted, ...withoutSecret } = MINIMAL;
    const config = loadConfig({ ...withoutSecret, SLACK_APP_TOKEN: 'xapp-1-A111-222-socketmode' });
    expect(config.slack).toEqual({
      botToken: MINIMAL.SLACK_BOT_TOKEN,
      signingSecret: undefined,
      appToken: 'xapp-1-A111-222-socketmode',
      apiUrl: 'https://slack.com/api/',
      mode: 'socket',
    });
  });

  it('reads every documented variable', () => {
    const config = loadConfig({
      ...MINIMAL,
      SLACK_API_URL: 'http://127.0.0.1:4000/api',
      PEEKER_API_URL: 'https://sandbox.peeker.test/partner/v1/',
      DATABASE_PATH: '/var/lib/peeker/app.sqlite',
      PORT: '8080',
      POLL_CRON: '*/5 * * * *',
      IMPORT_POLL_INTERVAL_SECONDS: '30',
      ORDER_APPROVERS: 'U0123ABCD, W0456EFGH',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      slack: { apiUrl: 'http://127.0.0.1:4000/api/' },
      peeker: { apiUrl: 'https://sandbox.peeker.test/partner/v1' },
      databasePath: '/var/lib/peeker/app.sqlite',
      port: 8080,
      poll: { cron: '*/5 * * * *', importIntervalSeconds: 30 },
      orderApprovers: ['U0123ABCD', 'W0456EFGH'],
      logLevel: 'debug',
    });
  });

  it('accepts a cron with a seconds field', () => {
    expect(loadConfig({ ...MINIMAL, POLL_CRON: '*/10 * * * * *' }).poll.cron).toBe('*/10 * * * * *');
  });

  it('treats empty strings as unset, so defaults apply', () => {
    const config = loadConfig({
      ...MINIMAL,
      SLACK_APP_TOKEN: '',
      SLACK_API_URL: '',
      PEEKER_API_URL: '  ',
      DATABASE_PATH: '',
      PORT: '',
      POLL_CRON: '',
      IMPORT_POLL_INTERVAL_SECONDS: '',
      ORDER_APPROVERS: '',
      LOG_LEVEL: '',
      PEEKER_RATE_LIMIT_PER_MINUTE: '',
      PEEKER_TIMEOUT_SECONDS: '',
      POLL_RATE_SHARE: '',
      SMARTLEAD_LOGIN_EMAIL: '',
      SMARTLEAD_LOGIN_PASSWORD: '',
    });
    expect(config).toEqual(DEFAULTS);
  });

  it('splits comma-separated webhook secrets and trims whitespace', () => {
    const config = loadConfig({ ...MINIMAL, PEEKER_WEBHOOK_SECRET: ' whsec_old , whsec_new,, whsec_live ' });
    expect(config.peeker.webhookSecrets).toEqual(['whsec_old', 'whsec_new', 'whsec_live']);
  });

  it('reads the tuning knobs and the Smartlead default login', () => {
    const config = loadConfig({
      ...MINIMAL,
      PEEKER_RATE_LIMIT_PER_MINUTE: '300',
      PEEKER_TIMEOUT_SECONDS: '30',
      POLL_RATE_SHARE: '0.25',
      SMARTLEAD_LOGIN_EMAIL: 'ops@acme.com',
      SMARTLEAD_LOGIN_PASSWORD: 'smartlead-pass-1',
    });
    expect(config.peeker).toMatchObject({ rateLimitPerMinute: 300, timeoutMs: 30_000 });
    expect(config.poll.rateShare).toBe(0.25);
    expect(config.smartleadDefaultLogin).toEqual({ email: 'ops@acme.com', password: 'smartlead-pass-1' });
  });
});

describe('loadConfig: invalid environments', () => {
  it('throws one ConfigError naming the required variables when nothing is set', () => {
    const error = configError({});
    expect(error.name).toBe('ConfigError');
    expect(named(error)).toEqual(
      expect.arrayContaining(['SLACK_BOT_TOKEN', 'PEEKER_API_KEY', 'PEEKER_WEBHOOK_SECRET']),
    );
    for (const name of ['SLACK_BOT_TOKEN', 'PEEKER_API_KEY', 'PEEKER_WEBHOOK_SECRET']) {
      expect(error.message).toContain(`${name} is required`);
    }
  });

  it('names SLACK_SIGNING_SECRET too when nothing is set', () => {
    expect(named(configError({})).sort()).toEqual(
      ['PEEKER_API_KEY', 'PEEKER_WEBHOOK_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'].sort(),
    );
  });

  it('requires SLACK_SIGNING_SECRET in HTTP mode', () => {
    const { SLACK_SIGNING_SECRET: _omitted, ...withoutSecret } = MINIMAL;
    expect(configError({ ...withoutSecret }).problems).toEqual([
      'SLACK_SIGNING_SECRET is required unless SLACK_APP_TOKEN is set (Socket Mode)',
    ]);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '80.5'],
    ['POLL_CRON', 'not a cron'],
    ['POLL_CRON', '61 * * * *'],
    ['IMPORT_POLL_INTERVAL_SECONDS', '0'],
    ['LOG_LEVEL', 'verbose'],
    ['PEEKER_API_KEY', 'sk_123'],
    ['PEEKER_API_KEY', 'pk_prod_123'],
    ['SLACK_BOT_TOKEN', 'xoxp-1234-user-token'],
    ['SLACK_APP_TOKEN', 'xoxb-not-an-app-token'],
    ['SLACK_SIGNING_SECRET', 'has a space'],
    ['SLACK_API_URL', 'ftp://slack.example/api'],
    ['PEEKER_API_URL', 'not a url'],
    ['ORDER_APPROVERS', 'U123, nope'],
    ['POLL_RATE_SHARE', '0'],
    ['SMARTLEAD_LOGIN_EMAIL', 'not-an-email'],
  ])('names %s=%j', (name, value) => {
    const valid = {
      ...MINIMAL,
      SMARTLEAD_LOGIN_EMAIL: 'ops@acme.com',
      SMARTLEAD_LOGIN_PASSWORD: 'smartlead-pass-1',
    };
    expect(() => loadConfig(valid)).not.toThrow();
    const error = configError({ ...valid, [name]: value });
    expect(named(error)).toEqual([name]);
  });

  it('names every bad variable in one error', () => {
    const error = configError({
      ...MINIMAL,
      PORT: 'abc',
      POLL_CRON: 'not a cron',
      LOG_LEVEL: 'verbose',
      PEEKER_API_KEY: 'sk_123',
      ORDER_APPROVERS: 'U123, nope',
    });
    expect(named(error).sort()).toEqual([
      'LOG_LEVEL',
      'ORDER_APPROVERS',
      'PEEKER_API_KEY',
      'POLL_CRON',
      'PORT',
    ]);
    expect(error.message.split('\n')[0]).toBe('Invalid configuration:');
    expect(error.problems).toContain('POLL_CRON is not a valid cron expression');
    expect(error.problems).toContain('ORDER_APPROVERS must be Slack user IDs like U0123ABCD');
    expect(error.problems).toContain('PEEKER_API_KEY must start with pk_test_ or pk_live_');
  });

  // BUG (src/config.ts): zod 4 leaves `issue.input` out unless `reportInput` is set, so every
  // invalid_type issue (here: the NaN that z.coerce.number makes of "abc") is reported as
  // "is required" although the variable is set. Flip to `it` once fixed.
  it('says a non-numeric PORT must be a whole number, not that it is required', () => {
    expect(configError({ ...MINIMAL, PORT: 'abc' }).problems).toEqual(['PORT must be a whole number']);
  });

  it('treats a webhook secret list with no entries as missing', () => {
    expect(configError({ ...MINIMAL, PEEKER_WEBHOOK_SECRET: ' , ,' }).problems).toEqual([
      'PEEKER_WEBHOOK_SECRET is required',
    ]);
  });

  it('requires the Smartlead email and password together', () => {
    expect(named(configError({ ...MINIMAL, SMARTLEAD_LOGIN_EMAIL: 'ops@acme.com' }))).toEqual([
      'SMARTLEAD_LOGIN_PASSWORD',
    ]);
    expect(named(configError({ ...MINIMAL, SMARTLEAD_LOGIN_PASSWORD: 'pw-123456' }))).toEqual([
      'SMARTLEAD_LOGIN_EMAIL',
    ]);
  });

  it('never echoes a provided secret value, valid or not', () => {
    const provided = {
      SLACK_BOT_TOKEN: 'xoxb-valid-bot-token-7f3a9',
      SLACK_SIGNING_SECRET: 'signing secret with spaces 42',
      SLACK_APP_TOKEN: 'xoxa-wrong-kind-9c2e',
      PEEKER_API_KEY: 'sk_live_badprefix_5d1b',
      PEEKER_WEBHOOK_SECRET: 'whsec_valid_8e4c, whsec_second_3a7f',
      SMARTLEAD_LOGIN_EMAIL: 'ops@acme.com',
      SMARTLEAD_LOGIN_PASSWORD: 'smartlead-password-6b2d',
      PORT: 'abc',
    };
    const error = configError(provided);

    expect(named(error).sort()).toEqual(
      ['PEEKER_API_KEY', 'PORT', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET'].sort(),
    );
    const everything = [error.message, String(error), error.stack ?? '', JSON.stringify(error.problems)].join(
      '\n',
    );
    for (const secret of [
      'xoxb-valid-bot-token-7f3a9',
      'signing secret with spaces 42',
      'xoxa-wrong-kind-9c2e',
      'sk_live_badprefix_5d1b',
      'whsec_valid_8e4c',
      'whsec_second_3a7f',
      'smartlead-password-6b2d',
    ]) {
      expect(everything).not.toContain(secret);
    }
  });
});

describe('secretsOf', () => {
  it('returns every token, key, secret and password in the configuration', () => {
    const config = loadConfig({
      ...MINIMAL,
      SLACK_APP_TOKEN: 'xapp-1-A111-socket',
      PEEKER_WEBHOOK_SECRET: 'whsec_old_one,whsec_new_two',
      SMARTLEAD_LOGIN_EMAIL: 'ops@acme.com',
      SMARTLEAD_LOGIN_PASSWORD: 'smartlead-pass-1',
    });
    expect(secretsOf(config)).toEqual([
      MINIMAL.SLACK_BOT_TOKEN,
      MINIMAL.SLACK_SIGNING_SECRET,
      'xapp-1-A111-socket',
      MINIMAL.PEEKER_API_KEY,
      'whsec_old_one',
      'whsec_new_two',
      'smartlead-pass-1',
    ]);
  });

  it('leaves out what is not configured', () => {
    expect(secretsOf(loadConfig({ ...MINIMAL }))).toEqual([
      MINIMAL.SLACK_BOT_TOKEN,
      MINIMAL.SLACK_SIGNING_SECRET,
      MINIMAL.PEEKER_API_KEY,
      MINIMAL.PEEKER_WEBHOOK_SECRET,
    ]);
  });

  it('does not list the non-secret settings', () => {
    const secrets = secretsOf(loadConfig({ ...MINIMAL, DATABASE_PATH: '/srv/peeker.sqlite' }));
    expect(secrets).not.toContain('/srv/peeker.sqlite');
    expect(secrets).not.toContain('https://api.peeker.ai/partner/v1');
  });
});

describe('loadConfig: DNS and follow-up settings', () => {
  it('reads resolvers, the digest schedule and decimal hours', () => {
    const config = loadConfig({
      ...MINIMAL,
      DNS_RESOLVERS: '127.0.0.1:5353, 1.1.1.1',
      DIGEST_CHANNEL: 'C0123OPS',
      DIGEST_CRON: '*/10 * * * * *',
      DIGEST_TIMEZONE: 'Europe/Berlin',
      NUDGE_AFTER_HOURS: '0.002',
      STUCK_AFTER_HOURS: '0',
    });
    expect(config.dnsResolvers).toEqual(['127.0.0.1:5353', '1.1.1.1']);
    expect(config.followUp).toEqual({
      digestChannel: 'C0123OPS',
      digestCron: '*/10 * * * * *',
      digestTimezone: 'Europe/Berlin',
      nudgeAfterMs: 7200,
      stuckAfterMs: 0,
    });
  });

  it('names every bad follow-up setting at once and starts nothing', () => {
    const error = configError({
      ...MINIMAL,
      DNS_RESOLVERS: 'dns.google',
      DIGEST_CHANNEL: '#ops',
      DIGEST_CRON: 'every morning',
      DIGEST_TIMEZONE: 'Mars/Olympus',
      NUDGE_AFTER_HOURS: '-1',
      STUCK_AFTER_HOURS: 'soon',
    });
    expect(named(error).sort()).toEqual(
      [
        'DIGEST_CHANNEL',
        'DIGEST_CRON',
        'DIGEST_TIMEZONE',
        'DNS_RESOLVERS',
        'NUDGE_AFTER_HOURS',
        'STUCK_AFTER_HOURS',
      ].sort(),
    );
    expect(error.message).toContain('channel ID');
    expect(error.message).toContain('IANA time zone');
    expect(error.message).toContain('must not be negative');
  });
});
