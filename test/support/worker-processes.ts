import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const CLI = resolve(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');

/** Worker processes started with `upstox-ingest worker`, each its own Node process. */
export class WorkerProcesses {
  private readonly children: ChildProcess[] = [];
  readonly output: string[] = [];

  /** Starts `count` workers with `env` on top of this process's environment, and waits until each logs that it started. */
  async start(count: number, env: Record<string, string>): Promise<void> {
    const started = Array.from({ length: count }, () => {
      const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'worker'], {
        env: { ...process.env, LOG_LEVEL: 'info', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      this.children.push(child);
      return new Promise<void>((resolveStart, rejectStart) => {
        const timer = setTimeout(() => rejectStart(new Error(`worker ${child.pid} did not log "ingest worker started" within 30 s:\n${this.output.join('')}`)), 30_000);
        const onData = (chunk: Buffer) => {
          const text = chunk.toString();
          this.output.push(text);
          if (text.includes('ingest worker started')) {
            clearTimeout(timer);
            resolveStart();
          }
        };
        child.stdout?.on('data', onData);
        child.stderr?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
        child.once('exit', (code) => {
          clearTimeout(timer);
          rejectStart(new Error(`worker ${child.pid} exited with ${code} before it started:\n${this.output.join('')}`));
        });
      });
    });
    await Promise.all(started);
  }

  /** Sends SIGTERM to every worker and waits for them to exit. */
  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolveExit) => {
            if (child.exitCode !== null) return resolveExit();
            const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolveExit();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    this.children.length = 0;
  }
}
