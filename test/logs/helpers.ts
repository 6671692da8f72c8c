// Shared by the log-reader tests (not a test file): real recorded logs and lines in OpenClaw's
// exact shape for what the real gateways cannot be made to write in a test's time.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir } from '../fixtures/temp-dir';

/** The recorded logs live beside the sources; the built tests run from out/test/logs. */
export function fixture(name: string): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return path.join(dir, 'test', 'logs', 'fixtures', name);
}

export function tempDir(prefix = 'oc-logs-'): { dir: string; cleanup(): void } {
  return makeTempDir(prefix);
}

const META = (level: 'INFO' | 'WARN' | 'ERROR', name: string, at: Date) => ({
  runtime: 'node', runtimeVersion: '24.21.0', hostname: 'vm', name, parentNames: ['openclaw'],
  date: at.toISOString(), logLevelId: level === 'ERROR' ? 5 : level === 'WARN' ? 4 : 3, logLevelName: level,
});

/** A subsystem logger's line, message only (7.35 `diagnosticLogger.error(text)`). */
export function subsystemLine(subsystem: string, level: 'INFO' | 'WARN' | 'ERROR', message: string, at: Date): string {
  const bindings = JSON.stringify({ subsystem });
  return JSON.stringify({ 0: bindings, 1: message, _meta: META(level, bindings, at), time: at.toISOString().replace('Z', '+00:00'), hostname: 'vm', message });
}

/** 9.6 with fields: `"1"` the message, `"2"` the fields, the message text ending with their JSON. */
export function fieldsLine(subsystem: string, level: 'WARN' | 'ERROR', message: string, fields: Record<string, unknown>, at: Date, order: 'message-first' | 'meta-first' = 'message-first'): string {
  const bindings = JSON.stringify({ subsystem });
  const args = order === 'message-first' ? { 1: message, 2: fields } : { 1: fields, 2: message };
  return JSON.stringify({ 0: bindings, ...args, _meta: META(level, bindings, at), time: at.toISOString().replace('Z', '+00:00'), hostname: 'vm', message: `${message} ${JSON.stringify(fields)}` });
}

/** The root logger (`defaultRuntime.error(text)`): no bindings, the message is `"0"`. */
export function rootLine(level: 'INFO' | 'WARN' | 'ERROR', message: string, at: Date): string {
  return JSON.stringify({ 0: message, _meta: META(level, 'openclaw', at), time: at.toISOString().replace('Z', '+00:00'), hostname: 'vm', message });
}

export const LOCK = '/home/u/.openclaw/agents/main/sessions/7f3c.jsonl.lock';
export const timeoutError = (pid = 4242, ageMs = 61234, lock = LOCK) =>
  `SessionWriteLockTimeoutError: session file locked (timeout 60000ms): pid=${pid} alive=true ageMs=${ageMs} ${lock}`;

/** The two lines 7.35 writes for one failed embedded run: the global lane, then the session lane. */
export function laneFailure(key: string, error: string, at: Date): string[] {
  const later = new Date(at.getTime() + 2);
  return [
    subsystemLine('diagnostic', 'ERROR', `lane task error: lane=main durationMs=60012 error="${error}"`, at),
    subsystemLine('diagnostic', 'ERROR', `lane task error: lane=session:${key} durationMs=60015 error="${error}"`, later),
  ];
}

/** An ordinary line of about `bytes` bytes, like the gateway's many INFO lines. */
export function fillerLine(at: Date, bytes = 400): string {
  return subsystemLine('gateway', 'INFO', `ws connected ${'x'.repeat(Math.max(0, bytes - 330))}`, at);
}
