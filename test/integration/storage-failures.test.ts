/**
 * When SQLite cannot write (disk full, read-only file, I/O errors), nothing may be acknowledged:
 * a webhook gets a 503 (Peeker retries it later), a command an ephemeral "can't record this right
 * now, nothing was sent", `/healthz` turns 503 with the reason — and once writes work again,
 * everything resumes by itself, without a restart.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSlack } from '../fakes/fake-slack.js';
import { deliverWebhook, FakePeeker, importEventData, makeEvent } from '../fakes/peeker/index.js';
import { ChildApps, childEnv, sendCommand, waitUntil } from '../helpers/child-app.js';
import { allText, Harness, WEBHOOK_SECRET } from '../helpers/harness.js';

let harness: Harness | undefined;
const apps = new ChildApps();
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await harness?.stop();
  harness = undefined;
  await apps.killAll();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A webhook whose payload needs new database pages (a full database cannot store it). */
function bigEvent(importId: string, id: string) {
  return makeEvent(
    'domain_import.completed',
    {
      ...importEventData({ ...(harness?.peeker.getImport(importId) ?? { id: importId }) } as never),
      note: 'x'.repeat(20_000),
    },
    { id },
  );
}

async function healthOf(
  baseUrl: string,
): Promise<{ status: number; body: { status?: string; reason?: string } }> {
  const response = await fetch(`${baseUrl}/healthz`);
  return { status: response.status, body: (await response.json()) as { status?: string; reason?: string } };
}

describe('a full database (PRAGMA max_page_count)', () => {
  it('answers 503 and ephemerals, reports it, pauses the poll loop, and resumes by itself once space is back', async () => {
    harness = await Harness.start();
    const imported = await harness.command('import acme-mail.com in <#CCUST|acme>');
    await harness.settle();
    const importId = [...harness.peeker.imports.keys()][0]!;
    // A webhook acknowledged before the fault stays acknowledged and applied.
    const before = makeEvent(
      'domain_import.action_required',
      importEventData(harness.peeker.getImport(importId)!),
      { id: 'evt_before' },
    );
    expect((await harness.webhook(before)).status).toBe(200);
    await harness.settle();

    const db = harness.app.db;
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);

    const refused = await harness.webhook(bigEvent(importId, 'evt_during'));
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body)).toEqual({ error: 'storage_unavailable' });

    const many = Array.from({ length: 300 }, (_, index) => `customer-domain-number-${index}.com`).join(' ');
    const command = await harness.command(`import ${many} in <#CCUST|acme>`);
    expect(command.status).toBe(200);
    expect(allText(command.ack)).toContain('can’t record this right now');
    expect(allText(command.ack)).toContain('nothing was sent');
    expect(harness.peeker.requestsTo('POST', '/domains/import/jobs')).toHaveLength(0);

    const down = await healthOf(harness.baseUrl);
    expect(down.status).toBe(503);
    expect(down.body.reason).toContain('SQLITE_FULL');
    expect((await harness.app.pollOnce()).paused).toBe(true);

    db.pragma('max_page_count = 1073741823');
    expect((await healthOf(harness.baseUrl)).status).toBe(200);
    expect((await harness.app.pollOnce()).paused).toBe(false);
    // Peeker redelivers the refused event: now it is stored and applied (DNS verified).
    expect((await harness.webhook(bigEvent(importId, 'evt_during'))).status).toBe(200);
    const again = await harness.command(`import ${many} in <#CCUST|acme>`);
    expect(allText(again.ack)).not.toContain('can’t record this right now');
    await harness.settle(20_000);
    expect(harness.peeker.requestsTo('POST', '/domains/import/jobs').length).toBeGreaterThan(0);
    const parent = harness.slack.messagesIn('CCUST')[0];
    expect(allText(parent)).toContain('DNS verified');
    expect(harness.slack.replies('CCUST', parent!.ts).map((reply) => reply.text)).toEqual([
      expect.stringContaining('Still waiting on the registrar'),
      expect.stringContaining('DNS verified'),
    ]);
    expect(allText(harness.responses(imported.responseKey)[0])).toContain(
      'Posted the nameserver instructions',
    );
  });
});

/** Whether this machine lets us make a file immutable (root on ext4/xfs): the read-only case needs it. */
function canMakeImmutable(dir: string): boolean {
  const probe = join(dir, 'probe');
  try {
    execFileSync('sh', ['-c', `touch '${probe}' && chattr +i '${probe}' && chattr -i '${probe}'`], {
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}

describe('a read-only database file, in a child process', () => {
  it('refuses to acknowledge anything while the file cannot be written, then resumes', async (context) => {
    const slack = await FakeSlack.start();
    const peeker = await FakePeeker.start();
    const dir = mkdtempSync(join(tmpdir(), 'peeker-readonly-'));
    const dbPath = join(dir, 'db.sqlite');
    const immutable = [dbPath, `${dbPath}-wal`];
    const chattr = (flag: '+i' | '-i') => execFileSync('chattr', [flag, ...immutable], { stdio: 'ignore' });
    let locked = false;
    cleanups.push(async () => {
      if (locked) chattr('-i');
      await slack.stop();
      await peeker.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    if (!canMakeImmutable(dir)) {
      context.skip('chattr +i is not available here (needs root on a filesystem with the immutable flag)');
    }
    const app = await apps.start(childEnv(slack, peeker, dbPath));
    const imported = peeker.addImport(['acme-mail.com']);
    const event = (id: string) =>
      makeEvent('domain_import.action_required', importEventData(imported), { id });
    const deliver = (id: string) =>
      deliverWebhook(`${app.baseUrl}/peeker/webhooks`, event(id), { secret: WEBHOOK_SECRET });
    expect((await deliver('evt_ok')).status).toBe(200);

    // The -shm file stays writable: it is memory-mapped, and an immutable mapping faults the process.
    chattr('+i');
    locked = true;
    expect((await deliver('evt_refused')).status).toBe(503);
    const command = await sendCommand(app, slack, 'import team-acme.com in <#CCUST|acme>');
    expect(allText(command.ack)).toContain('can’t record this right now');
    const down = await healthOf(app.baseUrl);
    expect(down.status).toBe(503);
    expect(down.body.reason).toMatch(/SQLITE_(IOERR|READONLY)/);

    chattr('-i');
    locked = false;
    await waitUntil(async () => (await healthOf(app.baseUrl)).status === 200, 'health to recover', { app });
    expect((await deliver('evt_refused')).status).toBe(200);
    const retried = await sendCommand(app, slack, 'import team-acme.com in <#CCUST|acme>');
    expect(allText(retried.ack)).not.toContain('can’t record this right now');
  });
});
