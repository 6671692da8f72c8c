// Where a gateway for this state dir would listen, and whether one is meant to run at all, for
// when its lock says nothing (no lock: never started, stopped cleanly, or a release whose lock
// this project does not find yet). OpenClaw's own order: OPENCLAW_GATEWAY_PORT, then
// `gateway.port` in the config, then 18789.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_GATEWAY_PORT } from './gateway';

function validPort(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
}

/** The config OpenClaw reads: $OPENCLAW_CONFIG_PATH, else `<stateDir>/openclaw.json`. */
export function configPathFor(stateDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.OPENCLAW_CONFIG_PATH?.trim();
  return fromEnv ? path.resolve(fromEnv) : path.join(stateDir, 'openclaw.json');
}

/**
 * `gateway.port` from a config that may be JSON5 (comments, unquoted keys): plain JSON first,
 * else the first `port: N` inside a `gateway` block, which is how people write it by hand.
 */
export function configuredPort(text: string): number | undefined {
  try {
    const parsed = JSON.parse(text) as { gateway?: { port?: unknown } };
    return validPort(parsed?.gateway?.port);
  } catch {
    const block = /["']?gateway["']?\s*:\s*\{([^{}]*)/.exec(text);
    const port = block ? /["']?port["']?\s*:\s*(\d+)/.exec(block[1]!) : null;
    return validPort(port?.[1]);
  }
}

export async function expectedGatewayPort(stateDir: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const fromEnv = validPort(env.OPENCLAW_GATEWAY_PORT);
  if (fromEnv !== undefined) return fromEnv;
  try {
    const fromConfig = configuredPort(await fs.readFile(configPathFor(stateDir, env), 'utf8'));
    if (fromConfig !== undefined) return fromConfig;
  } catch {
    // no config, or unreadable: OpenClaw's default then
  }
  return DEFAULT_GATEWAY_PORT;
}

/**
 * The service `openclaw gateway install` sets up, when one is: a systemd user unit
 * `openclaw-gateway*.service` (Linux) or a LaunchAgent whose name mentions openclaw and
 * gateway (macOS). Its path, or undefined.
 */
export async function gatewayServiceFile(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  // The service manager's home, not OPENCLAW_HOME: units live with the login user.
  const home = env.HOME?.trim() || os.homedir();
  const configHome = env.XDG_CONFIG_HOME?.trim() || path.join(home, '.config');
  const places: Array<[string, RegExp]> = [
    [path.join(configHome, 'systemd', 'user'), /^openclaw-gateway.*\.service$/],
    [path.join(home, 'Library', 'LaunchAgents'), /openclaw.*gateway.*\.plist$/i],
  ];
  for (const [dir, pattern] of places) {
    try {
      const found = (await fs.readdir(dir)).filter((n) => pattern.test(n)).sort()[0];
      if (found) return path.join(dir, found);
    } catch {
      // no such folder
    }
  }
  return undefined;
}
