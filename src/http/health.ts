import type { Db } from '../store/database.js';
import { isDatabaseHealthy } from '../store/database.js';
import type { StorageHealth } from '../store/storage-health.js';

/**
 * `GET /healthz`: 200 with the queues when the database answers and takes writes, 503 with the
 * reason otherwise (a load balancer or orchestrator restarts or routes around us). No secrets:
 * anyone who can reach the port sees it.
 */
export function createHealthCheck(deps: {
  db: Db;
  storage: StorageHealth;
  slackMode: 'socket' | 'http';
  peekerEnvironment: () => string;
  queues: () => Record<string, number>;
}) {
  return (): { ok: boolean; body: Record<string, unknown> } => {
    const readable = isDatabaseHealthy(deps.db);
    const writes = readable ? deps.storage.probeNow() : undefined;
    const healthy = readable && writes?.writable === true;
    const reason = !readable
      ? 'the database does not answer'
      : writes && !writes.writable
        ? `the database refuses writes (${writes.code}) — check free disk space and file permissions`
        : undefined;
    return {
      ok: healthy,
      body: {
        status: healthy ? 'ok' : 'unavailable',
        database: healthy ? 'ok' : 'unavailable',
        ...(reason ? { reason } : {}),
        slack_mode: deps.slackMode,
        peeker_environment: deps.peekerEnvironment(),
        ...(readable ? { queues: deps.queues() } : {}),
      },
    };
  };
}
