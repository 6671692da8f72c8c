// Helpers for the transcript (save/compaction) tests: temp dirs, generated transcripts and
// a real lock-holding child process. Not a test file itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { makeTempDir as makeDir, type TempDir } from '../fixtures/temp-dir';

export function makeTempDir(prefix = 'oc-transcript-'): TempDir {
  return makeDir(prefix);
}

export function headerLine(id = '0b9b6f52-7a43-4d43-9a0e-6f1f3c2a7d10'): string {
  return JSON.stringify({ type: 'session', version: 3, id, timestamp: '2026-11-22T10:00:00.000Z', cwd: '/home/user' });
}

export function entryLine(index: number, padding = 0): string {
  return JSON.stringify({
    type: 'message',
    id: index.toString(16).padStart(8, '0'),
    parentId: index > 1 ? (index - 1).toString(16).padStart(8, '0') : null,
    timestamp: new Date(Date.UTC(2026, 10, 22, 10, 0, 0, index)).toISOString(),
    message: { role: index % 2 ? 'user' : 'assistant', content: `message ${index}${'x'.repeat(padding)}` },
  });
}

/** A transcript of `lines` non-empty lines: the header plus lines-1 entries, each with '\n'. */
export function transcriptText(lines: number, padding = 0): string {
  const out = [headerLine()];
  for (let i = 1; i < lines; i++) out.push(entryLine(i, padding));
  return out.join('\n') + '\n';
}

export function writeTranscript(dir: string, name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A child process that holds the session write lock of `transcriptPath` until told to release. */
export class LockHolder {
  private constructor(readonly child: ChildProcess, readonly pid: number) {}

  static async start(transcriptPath: string): Promise<LockHolder> {
    const child = spawn(process.execPath, [join(__dirname, 'lock-holder.js'), transcriptPath], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout!.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      const onData = (text: string) => {
        output += text;
        if (output.includes('held\n')) {
          child.stdout!.off('data', onData);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`lock holder exited (${code}) before holding: ${output}`)));
    });
    return new LockHolder(child, child.pid!);
  }

  async release(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.stdin!.end('release\n');
    await exited;
  }

  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGKILL');
    await exited;
  }
}
