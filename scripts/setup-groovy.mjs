#!/usr/bin/env node
// Makes Debian's Groovy 2.4 (Jenkins' Groovy) runnable for the Jenkins-step tests: installs the `groovy`
// package with apt-get when it is missing (as root), and finds a JAVA_HOME for it (Debian's launcher
// looks in /usr/lib/jvm/default-java, which not every JDK install provides). Idempotent and quiet.
// As a module: groovyEnv() returns the environment to run `groovy` with, or throws with what to do.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function run(cmd, args, options = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', timeout: 15 * 60_000, ...options });
}

function javaHome() {
  const candidates = [];
  if (process.env.JAVA_HOME) candidates.push(process.env.JAVA_HOME);
  const which = run('sh', ['-c', 'command -v java']);
  if (which.status === 0) candidates.push(path.dirname(path.dirname(realpathSync(which.stdout.trim()))));
  if (existsSync('/usr/lib/jvm'))
    for (const d of readdirSync('/usr/lib/jvm').sort()) candidates.push(path.join('/usr/lib/jvm', d));
  return candidates.find((home) => existsSync(path.join(home, 'bin', 'java'))) ?? null;
}

/** The environment in which `groovy` runs; throws an Error saying what to install when it cannot. */
export function groovyEnv(base = process.env) {
  if (run('sh', ['-c', 'command -v groovy']).status !== 0) {
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    if (!isRoot || run('apt-get', ['--version']).status !== 0)
      throw new Error("Debian's groovy is not installed: apt-get install -y groovy");
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    run('apt-get', ['update', '-qq'], { env });
    const install = run('apt-get', ['install', '-y', '-qq', 'groovy'], { env });
    if (install.status !== 0)
      throw new Error(
        `apt-get install groovy failed: ${(install.stderr || install.stdout).trim().split('\n').slice(-3).join(' ')}`,
      );
  }
  const home = javaHome();
  if (!home) throw new Error('no Java runtime for groovy: apt-get install -y default-jre-headless');
  return { ...base, JAVA_HOME: home };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const env = groovyEnv();
    const version = run('groovy', ['--version'], { env });
    if (version.status !== 0) throw new Error(`groovy --version failed: ${version.stderr.trim()}`);
    if (process.argv.includes('--verbose'))
      process.stdout.write(`setup-groovy: ${version.stdout.trim()} (JAVA_HOME=${env.JAVA_HOME})\n`);
  } catch (error) {
    process.stderr.write(`setup-groovy: ${error.message}\n`);
    process.exit(1);
  }
}
