/** `@streamshop/gateway`: the Fastify gateway (`buildGateway`) and its process wiring (`startGateway`). */
export { buildGateway, GatewayConfigError, type GatewayContext, type GatewayDeps } from './app.ts';
export { type GatewayOptions, type GatewayRunnable, startGateway } from './main.ts';
