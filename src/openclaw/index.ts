// Facts about OpenClaw itself (no vscode): where its state dir is, what its gateway lock says,
// and the `openclaw` CLI as this project calls it.
export * from './types';
export { resolveStateDir, resolveHome, expandTilde, describeStateDirSource, STATE_DIR_NAME, LEGACY_STATE_DIR_NAMES } from './state-dir';
export { readGatewayInfo, defaultGatewayLockDir } from './gateway';
export {
  findOpenClawCli,
  getGatewayStatus,
  compactWithOpenClaw,
  describeCompactTokens,
  OpenClawCliError,
  type GatewayStatus,
  type OpenClawCompactResult,
} from './cli';
