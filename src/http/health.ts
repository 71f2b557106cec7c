import type { Db } from '../store/database.js';
import { isDatabaseHealthy } from '../store/database.js';

/**
 * `GET /healthz`: 200 with the queues when the database answers, 503 otherwise (a load balancer
 * or orchestrator restarts or routes around us). No secrets: anyone who can reach the port sees it.
 */
export function createHealthCheck(deps: {
  db: Db;
  slackMode: 'socket' | 'http';
  peekerEnvironment: () => string;
  queues: () => Record<string, number>;
}) {
  return (): { ok: boolean; body: Record<string, unknown> } => {
    const healthy = isDatabaseHealthy(deps.db);
    return {
      ok: healthy,
      body: {
        status: healthy ? 'ok' : 'unavailable',
        database: healthy ? 'ok' : 'unavailable',
        slack_mode: deps.slackMode,
        peeker_environment: deps.peekerEnvironment(),
        ...(healthy ? { queues: deps.queues() } : {}),
      },
    };
  };
}
