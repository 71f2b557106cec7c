import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../src/http/server.js';
import { createLogger, SecretScrubber } from '../../src/logger.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function start(limits: Parameters<typeof createHttpServer>[2]): Promise<number> {
  const logger = createLogger({ level: 'silent', scrubber: new SecretScrubber([]) });
  const created = createHttpServer(
    {
      peekerWebhooks: async (req, res) => {
        for await (const _chunk of req) {
          // drain
        }
        res.end('ok');
      },
      health: () => ({ ok: true, body: { status: 'ok' } }),
      metrics: async () => ({ contentType: 'text/plain', body: '' }),
    },
    logger,
    limits,
  );
  server = created;
  await new Promise<void>((resolve) => created.listen(0, '127.0.0.1', resolve));
  return (created.address() as AddressInfo).port;
}

/** Opens a raw socket, writes `data`, and resolves with what the server answered before it closed the socket. */
function stallingClient(port: number, data: string): Promise<{ answer: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1', () => socket.write(data));
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString();
    });
    socket.on('close', () => resolve({ answer, closedAfterMs: Date.now() - started }));
    socket.on('error', reject);
    setTimeout(() => reject(new Error('the server never closed the stalled connection')), 8_000).unref();
  });
}

describe('HTTP limits', () => {
  it('cuts off a client that stalls in the middle of its headers', async () => {
    const port = await start({ headersTimeoutMs: 500, requestTimeoutMs: 1000, checkIntervalMs: 100 });
    const { answer } = await stallingClient(port, 'POST /peeker/webhooks HTTP/1.1\r\nHost: x\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('cuts off a client that stops sending its body', async () => {
    const port = await start({ headersTimeoutMs: 500, requestTimeoutMs: 1000, checkIntervalMs: 100 });
    const { answer } = await stallingClient(
      port,
      'POST /peeker/webhooks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"id":',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('answers unknown paths 404 and wrong methods 405', async () => {
    const port = await start({});
    expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
    const wrong = await fetch(`http://127.0.0.1:${port}/healthz`, { method: 'POST' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
  });
});
