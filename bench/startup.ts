/**
 * Start-up to ready (target: under 1 s).
 *
 * - In process: `createPeekerApp` → `start()` resolved, on a fresh database (migrations run) and
 *   on an existing one (a restart), vs a bare Bolt app (`new App` → `start(0)`).
 * - Cold process: spawning `node dist/main.js` (what `npm start` runs after the build) until it
 *   logs "peeker for slack is ready", and `node --import tsx src/main.ts` (no build), vs spawning
 *   a bare `node:http` server until it prints "ready". Each child gets a fresh database.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App, LogLevel } from '@slack/bolt';
import { createPeekerApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { FakeSlack } from '../test/fakes/fake-slack.js';
import { FakePeeker } from '../test/fakes/peeker/index.js';
import { BOT_TOKEN, SIGNING_SECRET } from '../test/helpers/harness.js';
import {
  BENCH_DIR,
  type Benchmark,
  benchEnv,
  ms,
  type ResultRow,
  ROOT_DIR,
  ratio,
  type Summary,
  summarize,
  TSX_IMPORT,
  tempDir,
} from './lib.js';

/** Spawns `args` and resolves with the time until a stdout line contains `readyText`. */
async function timeToReady(args: string[], env: NodeJS.ProcessEnv, cwd: string, readyText: string) {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    return await new Promise<number>((resolve, reject) => {
      let buffered = '';
      const timer = setTimeout(
        () => reject(new Error(`not ready within 30 s: ${stderr.slice(0, 500)}`)),
        30_000,
      );
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        if (buffered.includes(readyText)) {
          clearTimeout(timer);
          resolve(performance.now() - started);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`exited with ${code} before ready: ${stderr.slice(0, 500)}`));
      });
    });
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export const startup: Benchmark = {
  name: 'startup',
  title: 'Start-up to ready',
  async run(ctx) {
    const runs = ctx.quick ? 3 : 7;
    const slack = await FakeSlack.start();
    const peeker = await FakePeeker.start();
    const rows: ResultRow[] = [];
    const notes: string[] = [];
    try {
      ctx.log(`  in process: ${runs} × bare Bolt, fresh database, existing database…`);
      const bolt: number[] = [];
      for (let i = 0; i < runs; i += 1) {
        const started = performance.now();
        const app = new App({
          token: BOT_TOKEN,
          signingSecret: SIGNING_SECRET,
          clientOptions: { slackApiUrl: slack.url },
          tokenVerificationEnabled: false,
          logLevel: LogLevel.ERROR,
        });
        app.command('/peeker', async ({ ack }) => ack('ok'));
        await app.start(0);
        bolt.push(performance.now() - started);
        await app.stop();
      }
      const fresh: number[] = [];
      const restart: number[] = [];
      for (let i = 0; i < runs; i += 1) {
        const dir = tempDir('startup');
        try {
          const config = loadConfig(benchEnv(slack, peeker, join(dir.path, 'db.sqlite')));
          for (const sink of [fresh, restart]) {
            const started = performance.now();
            const app = createPeekerApp({ config, logWrite: () => undefined });
            await app.start();
            sink.push(performance.now() - started);
            await app.stop();
          }
        } finally {
          dir.remove();
        }
      }
      const boltSummary = summarize(bolt);
      const add = (metric: string, value: Summary, base: Summary, baseLabel: string, target = '< 1000 ms') =>
        rows.push({
          metric,
          value: `${ms(value.p50, 1)} (max ${ms(value.max, 0)})`,
          baseline: `${ms(base.p50, 1)} ${baseLabel}`,
          ratio: ratio(value.p50, base.p50, 1),
          target,
          pass: target ? value.max < 1000 : undefined,
        });
      add('in process, fresh database: median', summarize(fresh), boltSummary, '(bare Bolt)');
      add('in process, existing database: median', summarize(restart), boltSummary, '(bare Bolt)');

      ctx.log(`  cold processes: ${runs} × bare node:http, dist/main.js, tsx src/main.ts…`);
      const plain: number[] = [];
      for (let i = 0; i < runs; i += 1) {
        plain.push(
          await timeToReady(
            ['-e', "require('node:http').createServer().listen(0, () => process.stdout.write('ready\\n'))"],
            process.env,
            ROOT_DIR,
            'ready',
          ),
        );
      }
      const plainSummary = summarize(plain);
      const spawnApp = async (args: string[]) => {
        const samples: number[] = [];
        for (let i = 0; i < runs; i += 1) {
          const dir = tempDir('spawn');
          try {
            const env = {
              ...process.env,
              ...benchEnv(slack, peeker, join(dir.path, 'db.sqlite'), { LOG_LEVEL: 'info' }),
            };
            // cwd is the empty temp folder, so no .env is read.
            samples.push(await timeToReady(args, env, dir.path, 'peeker for slack is ready'));
          } finally {
            dir.remove();
          }
        }
        return summarize(samples);
      };
      // `npm start` runs `dist/main.js` after `npm run build`. dist/ may be older than src/, so the
      // current sources are compiled the same way into a scratch folder under bench/ (removed
      // afterwards; node_modules resolve from the project). If that fails, dist/ is used.
      const build = join(BENCH_DIR, `.startup-build-${process.pid}`);
      let built = false;
      try {
        built =
          spawnSync(
            process.execPath,
            [
              join(ROOT_DIR, 'node_modules', 'typescript', 'bin', 'tsc'),
              '-p',
              join(ROOT_DIR, 'tsconfig.build.json'),
              '--outDir',
              build,
              '--incremental',
              'false',
              '--sourceMap',
              'false',
            ],
            { cwd: ROOT_DIR, stdio: 'ignore' },
          ).status === 0;
        const distMain = built ? join(build, 'main.js') : join(ROOT_DIR, 'dist', 'main.js');
        if (existsSync(distMain)) {
          const dist = await spawnApp([distMain]);
          add('built app, node main.js (npm start) → ready: median', dist, plainSummary, '(bare node:http)');
          if (built) notes.push('The built app was compiled from the current src/ with tsconfig.build.json.');
          else {
            const srcNewest = newestMtime(join(ROOT_DIR, 'src'));
            const distBuilt = newestMtime(join(ROOT_DIR, 'dist'));
            notes.push(
              `Compiling the current src/ failed, so the existing dist/ was measured${srcNewest > distBuilt ? ` (older than src/: built ${new Date(distBuilt).toISOString()})` : ''}.`,
            );
          }
        } else {
          notes.push('No build of the app was available; the cold start of the built app was not measured.');
        }
      } finally {
        rmSync(build, { recursive: true, force: true });
      }
      const tsx = await spawnApp(['--import', TSX_IMPORT, join(ROOT_DIR, 'src', 'main.ts')]);
      add('node --import tsx src/main.ts → ready: median', tsx, plainSummary, '(bare node:http)', '');
      notes.push(
        `${runs} runs each. Cold figures include Node's own start-up (bare node:http: median ${ms(plainSummary.p50, 0)}); the tsx figure also includes compiling TypeScript on the fly and is not what \`npm start\` runs.`,
      );
    } finally {
      await slack.stop();
      await peeker.stop();
    }
    return { rows, notes };
  },
};
