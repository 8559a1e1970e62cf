// Types of scripts/setup-groovy.mjs for the TypeScript tests.
export function groovyEnv(base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
