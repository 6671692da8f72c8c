// Facts about an OpenClaw install as this project reads them: where its state dir is and
// what its gateway lock says. No vscode, no session model.

export type StateDirSource = 'explicit' | 'env' | 'home' | 'legacy' | 'default';

export interface StateDirResolution {
  stateDir: string;
  source: StateDirSource;
  exists: boolean;
}

/** Something on disk that could not be read or understood, with where it is. */
export interface Problem {
  path: string;
  message: string;
}

export interface GatewayInfo {
  /** Path of the gateway lock file found, if any. */
  lockPath?: string;
  pid?: number;
  /** True also when the gateway may be alive out of sight (see `uncertain`): callers then ask first. */
  alive: boolean;
  port?: number;
  /** Why liveness could not be proven here (e.g. this runs inside a container). */
  uncertain?: string;
  /**
   * 2026.8+: the lock's owner is not a gateway but `agent-embedded` (`openclaw agent --local`),
   * `skill-workshop-apply` or `sqlite-maintenance` (doctor): it owns the state dir meanwhile.
   */
  role?: string;
  createdAt?: string;
  /** Found in the state dir (2026.8+), not in the shared temp folder (2026.7). */
  stateLock?: boolean;
  /** The gateway lives in a child pid namespace: its pid on this side and its container. */
  nested?: { hostPid: number; namespace?: string; container?: string };
}
