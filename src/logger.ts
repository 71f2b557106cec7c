import { Writable } from 'node:stream';
import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import { type Logger as PinoLogger, pino } from 'pino';

/** The app's structured logger (pino). */
export type Logger = PinoLogger;

/**
 * Tokens and keys never reach the logs: structured fields with secret-looking names are censored
 * by pino's `redact`, and every finished line is scrubbed of the configured secret values, of
 * anything shaped like a Slack token or Peeker key, and of secrets registered while they are in
 * flight (a Smartlead password during an order). The line scrub catches what `redact` cannot:
 * secrets inside error messages, stack traces or free-text `msg`s.
 */
export class SecretScrubber {
  private readonly fixed: string[];
  private readonly inFlight = new Map<string, number>();
  private static readonly tokenPattern =
    /\b(?:xox[abeoprs]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|pk_(?:live|test)_[A-Za-z0-9_-]+)/g;

  constructor(secrets: readonly string[]) {
    this.fixed = secrets.filter((secret) => secret.length > 0);
  }

  /** Scrub `secret` from every log line until the returned function is called. */
  track(secret: string): () => void {
    if (secret.length === 0) return () => undefined;
    this.inFlight.set(secret, (this.inFlight.get(secret) ?? 0) + 1);
    return () => {
      const count = (this.inFlight.get(secret) ?? 1) - 1;
      if (count <= 0) this.inFlight.delete(secret);
      else this.inFlight.set(secret, count);
    };
  }

  scrub(line: string): string {
    let out = line.replace(SecretScrubber.tokenPattern, '[redacted]');
    for (const secret of [...this.fixed, ...this.inFlight.keys()]) {
      if (out.includes(secret)) out = out.split(secret).join('[redacted]');
      // The same secret as it appears inside a JSON string (quotes and backslashes escaped).
      const escaped = JSON.stringify(secret).slice(1, -1);
      if (escaped !== secret && out.includes(escaped)) out = out.split(escaped).join('[redacted]');
    }
    return out;
  }
}

const REDACTED_PATHS = [
  'password',
  '*.password',
  '*.login_password',
  '*.*.login_password',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  '*.headers["peeker-signature"]',
  '*.headers["x-slack-signature"]',
  'secret',
  '*.secret',
  '*.apiKey',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
];

export interface LoggerOptions {
  level: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  scrubber: SecretScrubber;
  /** Where lines go; stdout by default. Tests capture lines here. */
  write?: (line: string) => void;
}

export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const destination = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      write(options.scrubber.scrub(chunk.toString()));
      callback();
    },
  });
  return pino(
    {
      level: options.level,
      base: { app: 'peeker-for-slack' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}

/** Bolt wants its own logger interface; route it into ours so there is one log stream. */
export function toBoltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  let level: LogLevel = LogLevel.INFO;
  const text = (parts: unknown[]) =>
    parts.map((part) => (part instanceof Error ? (part.stack ?? part.message) : String(part))).join(' ');
  return {
    // Bolt's debug output dumps whole request bodies; keep it below our own debug level.
    debug: (...parts) => child.trace(text(parts)),
    info: (...parts) => child.info(text(parts)),
    warn: (...parts) => child.warn(text(parts)),
    error: (...parts) => child.error(text(parts)),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
