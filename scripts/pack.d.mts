// Types of scripts/pack.mjs for the TypeScript tests.
export interface Packed {
  dir: string;
  tarball: string;
  files: { path: string; size: number }[];
  size: number;
  unpackedSize: number;
  prefix: string;
  bin: string;
  packageDir: string;
  externals: Record<string, string[]>;
  seconds: { copy: number; pack: number; install: number };
}
export const repoRoot: string;
export function packAndInstall(): Packed;
export function describePack(p: Packed): string;
export function packedOnce(): Packed;
