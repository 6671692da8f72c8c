// Facts about OpenClaw itself (no vscode): where its state dir is, what its gateway lock says,
// and the `openclaw` CLI as this project calls it.
export * from './types';
export { resolveStateDir, resolveHome, expandTilde, describeStateDirSource, STATE_DIR_NAME, LEGACY_STATE_DIR_NAMES } from './state-dir';
export { readGatewayInfo, defaultGatewayLockDir } from './gateway';
export { probeGateway, PROBE_HOST, DEFAULT_PROBE_TIMEOUT_MS, DEFAULT_PROBE_MAX_BODY_BYTES, type GatewayProbe, type ProbeError, type ProbeOptions } from './health';
export { nextGatewayHealth, gatewayHealthKey, STARTUP_GRACE_MS, type GatewayHealth, type GatewayState, type GatewaySeverity, type GatewayExpectation } from './gateway-health';
export { expectedGatewayPort, gatewayServiceFile, configuredPort, configPathFor } from './gateway-expected';
export {
  findOpenClawCli,
  getGatewayStatus,
  compactWithOpenClaw,
  describeCompactTokens,
  OpenClawCliError,
  type GatewayStatus,
  type OpenClawCompactResult,
} from './cli';
