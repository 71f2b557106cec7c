import { existsSync } from 'node:fs';
import { createPeekerApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';

/**
 * `npm start`: reads `.env` when present, parses the configuration once (stopping with one
 * message naming every bad variable), starts the app and stops it cleanly on SIGTERM/SIGINT.
 */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee .env.example and the README for every variable.\n`);
      process.exit(1);
    }
    throw error;
  }

  const app = createPeekerApp({ config });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      app.logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        app.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('unhandledRejection', (reason) =>
    app.logger.error({ err: reason }, 'unhandled promise rejection'),
  );

  try {
    await app.start();
  } catch (error) {
    app.logger.error({ err: error }, 'start-up failed');
    await app.stop().catch(() => undefined);
    process.exit(1);
  }
}

void main();
