import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../gateway-process.mjs', import.meta.url));
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

/** A gateway running as a child process. */
export interface GatewayProcess {
  /** Resolves with the base URL (`…/api/gateway`) once the process says it listens. */
  readonly url: Promise<string>;
  /** Everything it printed, for failure messages. */
  output(): string;
  /** Ends it without warning, as a crash or `kill -9` would, and waits for it to be gone. */
  crash(): Promise<void>;
  /** SIGTERM, then SIGKILL should it not end in time; waits for it to be gone. */
  stop(): Promise<void>;
}

const running = new Set<GatewayProcess>();

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts `gateway-process.mjs` with `env` on top of this process's environment.
 *
 * @example
 * ```ts
 * const gateway = startGateway({ STORE: 'sqlite', SQLITE_FILE: file, MASTER_KEY, ADMIN_TOKEN });
 * const base = await gateway.url;
 * ```
 */
export function startGateway(env: Record<string, string>): GatewayProcess {
  const child = spawn(process.execPath, [SCRIPT], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the gateway did not start in time:\n${output}`)), START_TIMEOUT_MS);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /listening on (http:\/\/\S+)/.exec(output);
      if (found?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the gateway exited (${signal ?? code}):\n${output}`));
    });
  });
  // A start that fails is reported by whoever awaits `url`; it must not also be an unhandled rejection.
  url.catch(() => {});

  async function kill(signal: NodeJS.Signals): Promise<void> {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited(child);
    running.delete(gateway);
  }

  const gateway: GatewayProcess = {
    url,
    output: () => output,
    crash: () => kill('SIGKILL'),
    async stop() {
      const late = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await kill('SIGTERM');
      clearTimeout(late);
    },
  };
  running.add(gateway);
  return gateway;
}

/**
 * Stops every gateway still running: the `afterAll` of every suite, so none outlives a failure.
 *
 * @example
 * ```ts
 * afterAll(stopAllGateways);
 * ```
 */
export async function stopAllGateways(): Promise<void> {
  await Promise.all([...running].map((gateway) => gateway.stop()));
}
