import { WebClient } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, SecretScrubber } from '../../src/logger.js';
import { createHomeBoard } from '../../src/services/home-board.js';
import { createHomePublisher, type HomePublisher } from '../../src/slack/home-publisher.js';
import { openDatabase } from '../../src/store/database.js';
import { createHomeBoardsRepo, type HomeBoardsRepo } from '../../src/store/home-boards-repo.js';
import { createImportsRepo, type ImportsRepo } from '../../src/store/imports-repo.js';
import { createSlackOutboxRepo, type SlackOutboxRepo } from '../../src/store/slack-outbox-repo.js';
import { FakeSlack } from '../fakes/fake-slack.js';
import { seedImport } from '../helpers/follow-up-fixtures.js';

const HOUR = 3600_000;

let slack: FakeSlack;
let imports: ImportsRepo;
let outbox: SlackOutboxRepo;
let boards: HomeBoardsRepo;
let publisher: HomePublisher;
let clock: number;

beforeAll(async () => {
  slack = await FakeSlack.start();
});
afterAll(async () => {
  await slack.stop();
});
beforeEach(() => {
  slack.reset();
  clock = 1000 * HOUR;
  const db = openDatabase(':memory:');
  imports = createImportsRepo(db);
  outbox = createSlackOutboxRepo(db);
  boards = createHomeBoardsRepo(db);
  publisher = createHomePublisher({
    board: createHomeBoard({ boards, linkOf: () => null, stuckAfterMs: 24 * HOUR, isSandbox: () => false }),
    boards,
    client: new WebClient('xoxb-test', {
      slackApiUrl: slack.url,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    }),
    logger: createLogger({ level: 'error', scrubber: new SecretScrubber([]), write: () => undefined }),
    now: () => clock,
    publishesPerMinute: 5,
  });
});
afterEach(async () => {
  await publisher.stop();
});

const publishes = () => slack.callsTo('views.publish').filter((call) => !call.failed);

describe('the Home board publisher', () => {
  it('publishes only boards whose content changed, within its per-minute budget; the rest follow later', async () => {
    for (let n = 0; n < 8; n += 1) {
      boards.opened(`U${n}`, clock);
      boards.published(`U${n}`, 'stale-signature', clock);
    }
    let result = await publisher.refreshNow();
    expect(result).toMatchObject({ published: 5, deferred: 3 });
    expect(publishes()).toHaveLength(5);

    // Within the same minute nothing more goes out.
    clock += 30_000;
    result = await publisher.refreshNow();
    expect(result).toMatchObject({ published: 0, deferred: 3 });

    // A minute on, the rest.
    clock += 31_000;
    result = await publisher.refreshNow();
    expect(result).toMatchObject({ published: 3, unchanged: 5, deferred: 0 });
    expect(new Set(publishes().map((call) => call.args.user_id)).size).toBe(8);

    // Nothing changed: nothing is published.
    clock += 2 * 60_000;
    expect(await publisher.refreshNow()).toMatchObject({ published: 0, unchanged: 8 });

    // One person's import changes: only their board goes out.
    seedImport({ imports, outbox }, 'imp_1', { requestedBy: 'U3', submittedAt: clock });
    expect(await publisher.refreshNow()).toMatchObject({ published: 1, unchanged: 7 });
    expect(publishes().at(-1)?.args.user_id).toBe('U3');
    expect(JSON.stringify(publishes().at(-1)?.args.view)).toContain('imp_1-a.com');
  });

  it('does not keep up boards nobody opened for two weeks', async () => {
    boards.opened('UOLD', clock - 15 * 24 * HOUR);
    boards.opened('UNEW', clock - HOUR);
    await publisher.refreshNow();
    expect(publishes().map((call) => call.args.user_id)).toEqual(['UNEW']);
  });

  it('a burst of changes becomes one refresh after it', async () => {
    boards.opened('UOPS', Date.now());
    const quick = createHomePublisher({
      board: createHomeBoard({ boards, linkOf: () => null, stuckAfterMs: 24 * HOUR, isSandbox: () => false }),
      boards,
      client: new WebClient('xoxb-test', { slackApiUrl: slack.url, retryConfig: { retries: 0 } }),
      logger: createLogger({ level: 'error', scrubber: new SecretScrubber([]), write: () => undefined }),
      now: () => Date.now(),
      debounceMs: 150,
      maxWaitMs: 2000,
    });
    try {
      for (let n = 0; n < 20; n += 1) {
        seedImport({ imports, outbox }, `imp_${n}`, { requestedBy: 'UOPS', submittedAt: clock });
        quick.changed();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await slack.waitFor(() => publishes().length > 0, 3000, 'the refresh');
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(publishes()).toHaveLength(1);
      expect(JSON.stringify(publishes()[0]?.args.view)).toContain('Your imports — 20');
    } finally {
      await quick.stop();
    }
  });
});
