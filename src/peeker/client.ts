import { createBundlesApi } from './bundles.js';
import { createDomainsApi } from './domains.js';
import { createForwardingApi } from './forwarding.js';
import { createPeekerHttp, type PeekerHttp, type PeekerHttpOptions } from './http.js';
import { createImportsApi } from './imports.js';
import { createMeApi } from './me.js';
import { createOrdersApi } from './orders.js';
import { createSwapsApi } from './swaps.js';

/** The typed Peeker Partner API client: one module per resource over one transport. */
export interface PeekerClient {
  http: PeekerHttp;
  me: ReturnType<typeof createMeApi>;
  imports: ReturnType<typeof createImportsApi>;
  bundles: ReturnType<typeof createBundlesApi>;
  orders: ReturnType<typeof createOrdersApi>;
  domains: ReturnType<typeof createDomainsApi>;
  forwarding: ReturnType<typeof createForwardingApi>;
  swaps: ReturnType<typeof createSwapsApi>;
}

export function createPeekerClient(options: PeekerHttpOptions): PeekerClient {
  const http = createPeekerHttp(options);
  return {
    http,
    me: createMeApi(http),
    imports: createImportsApi(http),
    bundles: createBundlesApi(http),
    orders: createOrdersApi(http),
    domains: createDomainsApi(http),
    forwarding: createForwardingApi(http),
    swaps: createSwapsApi(http),
  };
}
