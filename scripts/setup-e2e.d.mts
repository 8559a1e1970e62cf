// Types of the parts of setup-e2e.mjs that TypeScript tests use.
export function node24Env(base?: Record<string, string | undefined>): Record<string, string>;
export function toolPaths(): {
  repoRoot: string;
  nodeRoot: string;
  nodeBin: string;
  codeServerRoot: string;
  codeServerBin: string;
  chromium: string;
};
export function withToolsLock<T>(
  dir: string,
  fn: () => T | Promise<T>,
  options?: { waitMs?: number; pollMs?: number; onWait?: (message: string) => void },
): Promise<T>;
