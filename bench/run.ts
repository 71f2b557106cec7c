/**
 * `npm run bench` runs every benchmark; `npm run bench -- webhooks poll` runs some of them.
 * `BENCH_QUICK=1 npm run bench` (or `-- --quick`) shortens every run (same shape, fewer samples).
 * Not part of `npm test`. Every figure is printed with its ratio to a baseline measured in the same
 * run; a JSON copy of the results is written to the OS temp folder.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { ackLatency } from './ack-latency.js';
import { acksFirst } from './acks-first.js';
import { dnsInsight } from './dns-insight.js';
import { findAvailability } from './find-availability.js';
import { followUpRendering } from './follow-up.js';
import { forwarding } from './forwarding.js';
import { type Benchmark, type BenchResult, machineInfo, resultTable } from './lib.js';
import { memory } from './memory.js';
import { pollEconomy } from './poll-economy.js';
import { slackEconomy } from './slack-economy.js';
import { socketReconnect } from './socket-reconnect.js';
import { startup } from './startup.js';
import { webhookReceipt } from './webhook-receipt.js';

const BENCHMARKS: Benchmark[] = [
  startup,
  ackLatency,
  acksFirst,
  webhookReceipt,
  slackEconomy,
  pollEconomy,
  dnsInsight,
  memory,
  socketReconnect,
  findAvailability,
  followUpRendering,
  forwarding,
];
const ALIASES: Record<string, string> = {
  'ack-latency': 'ack',
  acks: 'ack',
  'acks-in-flight': 'acks-first',
  'in-flight': 'acks-first',
  'webhook-receipt': 'webhooks',
  webhook: 'webhooks',
  'slack-economy': 'slack',
  'poll-economy': 'poll',
  'dns-insight': 'dns',
  mem: 'memory',
  start: 'startup',
  reconnect: 'socket-reconnect',
  socket: 'socket-reconnect',
  'find-availability': 'find',
  availability: 'find',
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick') || ['1', 'true', 'yes'].includes(process.env.BENCH_QUICK ?? '');
  const names = args.filter((arg) => !arg.startsWith('--')).map((arg) => ALIASES[arg] ?? arg);
  const unknown = names.filter((name) => !BENCHMARKS.some((b) => b.name === name));
  if (unknown.length > 0) {
    process.stderr.write(
      `Unknown benchmark(s): ${unknown.join(', ')}. Known: ${BENCHMARKS.map((b) => b.name).join(', ')}.\n`,
    );
    process.exit(2);
  }
  const selected = names.length > 0 ? BENCHMARKS.filter((b) => names.includes(b.name)) : BENCHMARKS;
  const machine = machineInfo();
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(`Peeker for Slack benchmarks — ${quick ? 'QUICK' : 'full'} run, ${new Date().toISOString()}`);
  log(
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB RAM, Node ${machine.node}, ${machine.platform}`,
  );

  const load = () =>
    os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' / ');
  // Other work on the machine skews every figure; the load averages tell whether it was quiet.
  log(`Load average (1/5/15 min) at start: ${load()}`);
  const results: BenchResult[] = [];
  const runStarted = performance.now();
  let failed = false;
  for (const bench of selected) {
    log(`\n## ${bench.name}: ${bench.title}`);
    const started = performance.now();
    try {
      const result = await bench.run({ quick, log });
      const seconds = (performance.now() - started) / 1000;
      results.push({ name: bench.name, title: bench.title, seconds, ...result });
      log(resultTable(result.rows));
      for (const note of result.notes) log(`- ${note}`);
      log(`(${seconds.toFixed(1)} s)`);
    } catch (error) {
      failed = true;
      log(`FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
  const totalSeconds = (performance.now() - runStarted) / 1000;
  const missed = results.flatMap((r) =>
    r.rows.filter((row) => row.pass === false).map((row) => `${r.name}: ${row.metric}`),
  );
  log(
    `\nLoad average (1/5/15 min) at the end: ${load()}\nTotal: ${totalSeconds.toFixed(1)} s. Targets missed: ${missed.length === 0 ? 'none' : missed.join('; ')}`,
  );
  const file = join(os.tmpdir(), `peeker-bench-${quick ? 'quick' : 'full'}-${Date.now()}.json`);
  writeFileSync(
    file,
    JSON.stringify({ date: new Date().toISOString(), quick, machine, totalSeconds, results }, null, 2),
  );
  log(`Results: ${file}`);
  // Fakes and agents may keep sockets open for a moment; the run is over.
  process.exit(failed ? 1 : 0);
}

void main();
