import { z } from 'zod';
import { parseResolverList } from './dns/resolver.js';
import { isValidCronExpression } from './jobs/scheduler.js';

/**
 * The operating contract (names and defaults are fixed: tests outside the project
 * drive the app through them), plus a few tuning knobs with safe defaults that are documented
 * in the README and `.env.example`.
 */
export interface Config {
  slack: {
    botToken: string;
    signingSecret: string | undefined;
    appToken: string | undefined;
    apiUrl: string;
    /** Socket Mode when an app-level token is configured, HTTP (`POST /slack/events`) otherwise. */
    mode: 'socket' | 'http';
  };
  peeker: {
    apiKey: string;
    apiUrl: string;
    webhookSecrets: string[];
    rateLimitPerMinute: number;
    timeoutMs: number;
  };
  databasePath: string;
  port: number;
  poll: {
    cron: string;
    importIntervalSeconds: number;
    /** Share (0–1] of the Peeker rate limit the poll loop may use; the rest is for people. */
    rateShare: number;
  };
  orderApprovers: string[];
  smartleadDefaultLogin: { email: string; password: string } | undefined;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** DNS servers for the app's own checks (`host[:port]`); empty = the system's resolvers. */
  dnsResolvers: string[];
  followUp: {
    /** Channel ID for the digest; undefined = no digest. */
    digestChannel: string | undefined;
    digestCron: string;
    digestTimezone: string;
    /** Waiting on the registrar this long gets a reminder; 0 = never. */
    nudgeAfterMs: number;
    /** An import waiting, or an order in progress, this long counts as stuck. */
    stuckAfterMs: number;
  };
}

const SLACK_API_DEFAULT = 'https://slack.com/api/';
const PEEKER_API_DEFAULT = 'https://api.peeker.ai/partner/v1';

/** `.env` files copied from `.env.example` leave optional values empty: empty means unset. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), schema);

const commaList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

const integer = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });

const hours = z.coerce
  .number({ error: 'must be a number of hours (decimals allowed)' })
  .min(0, { error: 'must not be negative' })
  .max(24 * 365, { error: 'must be at most a year (8760)' });

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const envSchema = z.object({
  SLACK_BOT_TOKEN: z
    .string({ error: 'is required (the bot token, xoxb-…)' })
    .regex(/^xoxb-\S+$/, { error: 'must be a bot token starting with xoxb-' }),
  SLACK_SIGNING_SECRET: optional(z.string().regex(/^\S+$/, { error: 'must not contain spaces' }).optional()),
  SLACK_APP_TOKEN: optional(
    z
      .string()
      .regex(/^xapp-\S+$/, { error: 'must be an app-level token starting with xapp-' })
      .optional(),
  ),
  SLACK_API_URL: optional(httpUrl.default(SLACK_API_DEFAULT)),
  PEEKER_API_KEY: z
    .string({ error: 'is required (pk_test_… or pk_live_…)' })
    .regex(/^pk_(test|live)_\S+$/, { error: 'must start with pk_test_ or pk_live_' }),
  PEEKER_API_URL: optional(httpUrl.default(PEEKER_API_DEFAULT)),
  PEEKER_WEBHOOK_SECRET: optional(commaList.pipe(z.array(z.string()).min(1, { error: 'is required' }))),
  DATABASE_PATH: optional(z.string().default('./data/peeker.sqlite')),
  PORT: optional(integer(0, 65535).default(3000)),
  POLL_CRON: optional(
    z
      .string()
      .refine(isValidCronExpression, { error: 'is not a valid cron expression' })
      .default('* * * * *'),
  ),
  IMPORT_POLL_INTERVAL_SECONDS: optional(integer(1, 86_400).default(60)),
  ORDER_APPROVERS: optional(
    commaList.pipe(
      z.array(z.string().regex(/^[UW][A-Z0-9]+$/, { error: 'must be Slack user IDs like U0123ABCD' })),
    ),
  ),
  LOG_LEVEL: optional(z.enum(['debug', 'info', 'warn', 'error']).default('info')),
  DNS_RESOLVERS: optional(
    z
      .string()
      .optional()
      .transform((value, ctx) => {
        const parsed = parseResolverList(value);
        if (parsed.ok) return parsed.servers;
        ctx.addIssue({ code: 'custom', message: parsed.problem });
        return z.NEVER;
      }),
  ),
  DIGEST_CHANNEL: optional(
    z
      .string()
      .regex(/^[CG][A-Z0-9]{2,}$/, { error: 'must be a channel ID like C0123ABCD (not a #name)' })
      .optional(),
  ),
  DIGEST_CRON: optional(
    z
      .string()
      .refine(isValidCronExpression, { error: 'is not a valid cron expression' })
      .default('0 9 * * 1-5'),
  ),
  DIGEST_TIMEZONE: optional(
    z.string().refine(isTimeZone, { error: 'is not an IANA time zone like Europe/Berlin' }).default('UTC'),
  ),
  NUDGE_AFTER_HOURS: optional(hours.default(24)),
  STUCK_AFTER_HOURS: optional(hours.default(24)),
  // Tuning knobs beyond the operating contract.
  PEEKER_RATE_LIMIT_PER_MINUTE: optional(integer(1, 100_000).default(600)),
  PEEKER_TIMEOUT_SECONDS: optional(integer(1, 600).default(120)),
  POLL_RATE_SHARE: optional(
    z.coerce
      .number({ error: 'must be a number' })
      .gt(0, { error: 'must be more than 0' })
      .max(1, { error: 'must be at most 1' })
      .default(0.5),
  ),
  SMARTLEAD_LOGIN_EMAIL: optional(z.email({ error: 'must be an email address' }).optional()),
  SMARTLEAD_LOGIN_PASSWORD: optional(z.string().optional()),
});

const present = (value: string | undefined) => typeof value === 'string' && value.trim() !== '';

/** Rules between variables, checked on the raw environment so they are reported with every other problem. */
function crossFieldProblems(env: NodeJS.ProcessEnv): [string, string][] {
  const problems: [string, string][] = [];
  if (!present(env.SLACK_APP_TOKEN) && !present(env.SLACK_SIGNING_SECRET)) {
    problems.push(['SLACK_SIGNING_SECRET', 'is required unless SLACK_APP_TOKEN is set (Socket Mode)']);
  }
  if (present(env.SMARTLEAD_LOGIN_EMAIL) !== present(env.SMARTLEAD_LOGIN_PASSWORD)) {
    problems.push([
      present(env.SMARTLEAD_LOGIN_EMAIL) ? 'SMARTLEAD_LOGIN_PASSWORD' : 'SMARTLEAD_LOGIN_EMAIL',
      'must be set together with the other SMARTLEAD_LOGIN_ variable',
    ]);
  }
  return problems;
}

/** Thrown when the environment is not a valid configuration; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once, at start-up. Never echoes a value back: several are secrets.
 */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = envSchema.safeParse(env);
  const byVariable = new Map<string, string[]>();
  const add = (name: string, message: string) =>
    byVariable.set(name, [...(byVariable.get(name) ?? []), message]);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? 'environment');
      add(name, present(env[name]) ? issue.message : 'is required');
    }
  }
  for (const [name, message] of crossFieldProblems(env)) add(name, message);
  if (!parsed.success || byVariable.size > 0) {
    throw new ConfigError(
      [...byVariable].map(([name, messages]) => `${name} ${[...new Set(messages)].join('; ')}`),
    );
  }
  const env_ = parsed.data;
  return {
    slack: {
      botToken: env_.SLACK_BOT_TOKEN,
      signingSecret: env_.SLACK_SIGNING_SECRET,
      appToken: env_.SLACK_APP_TOKEN,
      apiUrl: env_.SLACK_API_URL.endsWith('/') ? env_.SLACK_API_URL : `${env_.SLACK_API_URL}/`,
      mode: env_.SLACK_APP_TOKEN ? 'socket' : 'http',
    },
    peeker: {
      apiKey: env_.PEEKER_API_KEY,
      apiUrl: env_.PEEKER_API_URL.replace(/\/+$/, ''),
      webhookSecrets: env_.PEEKER_WEBHOOK_SECRET,
      rateLimitPerMinute: env_.PEEKER_RATE_LIMIT_PER_MINUTE,
      timeoutMs: env_.PEEKER_TIMEOUT_SECONDS * 1000,
    },
    databasePath: env_.DATABASE_PATH,
    port: env_.PORT,
    poll: {
      cron: env_.POLL_CRON,
      importIntervalSeconds: env_.IMPORT_POLL_INTERVAL_SECONDS,
      rateShare: env_.POLL_RATE_SHARE,
    },
    orderApprovers: env_.ORDER_APPROVERS,
    smartleadDefaultLogin:
      env_.SMARTLEAD_LOGIN_EMAIL && env_.SMARTLEAD_LOGIN_PASSWORD
        ? { email: env_.SMARTLEAD_LOGIN_EMAIL, password: env_.SMARTLEAD_LOGIN_PASSWORD }
        : undefined,
    logLevel: env_.LOG_LEVEL,
    dnsResolvers: env_.DNS_RESOLVERS ?? [],
    followUp: {
      digestChannel: env_.DIGEST_CHANNEL,
      digestCron: env_.DIGEST_CRON,
      digestTimezone: env_.DIGEST_TIMEZONE,
      nudgeAfterMs: Math.round(env_.NUDGE_AFTER_HOURS * 3600_000),
      stuckAfterMs: Math.round(env_.STUCK_AFTER_HOURS * 3600_000),
    },
  };
}

/** Every secret value in the configuration, so the logger can scrub them from anything it writes. */
export function secretsOf(config: Config): string[] {
  return [
    config.slack.botToken,
    config.slack.signingSecret,
    config.slack.appToken,
    config.peeker.apiKey,
    ...config.peeker.webhookSecrets,
    config.smartleadDefaultLogin?.password,
  ].filter((value): value is string => typeof value === 'string' && value.length >= 6);
}
