import type { Logger } from '../logger.js';
import type { PeekerClient } from './client.js';
import { PeekerAuthenticationError, PeekerPermissionError } from './errors.js';

/**
 * Which Peeker environment the API key belongs to. `GET /me` tells (`environment: "test"` is the
 * sandbox, https://docs.peeker.ai/authentication); until it has answered, the key's prefix does.
 */
export function createPeekerEnvironment(deps: { peeker: PeekerClient; apiKey: string; logger: Logger }) {
  let environment: string | undefined;
  const isSandbox = () =>
    environment !== undefined ? environment !== 'live' : deps.apiKey.startsWith('pk_test_');
  return {
    isSandbox,
    /** `test` or `live` (from `GET /me`, else from the key). */
    name: () => environment ?? (isSandbox() ? 'test' : 'live'),
    /** Asks `GET /me` at start-up; a refused key is logged loudly, an outage quietly. Never throws. */
    async detect(): Promise<void> {
      try {
        const { data } = await deps.peeker.me.get();
        environment = data.api_key.environment;
        deps.logger.info(
          { environment, partner: data.partner?.name ?? undefined },
          isSandbox() ? 'connected to Peeker (sandbox)' : 'connected to Peeker (live)',
        );
      } catch (error) {
        if (error instanceof PeekerAuthenticationError || error instanceof PeekerPermissionError) {
          deps.logger.error(
            { code: error.code, requestId: error.requestId },
            'Peeker refused PEEKER_API_KEY: check the key',
          );
        } else {
          deps.logger.warn(
            { err: error },
            'could not reach Peeker at start-up; assuming the environment from the key prefix',
          );
        }
      }
    },
  };
}

export type PeekerEnvironment = ReturnType<typeof createPeekerEnvironment>;
