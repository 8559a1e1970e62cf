// Which documents are pipeline scripts. Kept free of `vscode` so mocha can test it: VS Code's own
// `groovy` language claims Jenkinsfiles too, so the decision is made on the path, whatever the language id.

/** Glob for `workspace.findFiles`: every file name the CLI contract calls a pipeline file. */
export const PIPELINE_GLOB = '{**/Jenkinsfile,**/Jenkinsfile.*,**/*.jenkinsfile,**/*.Jenkinsfile,**/vars/*.groovy}';
/** Glob of the shared-library steps whose calls pipelines are analysed with (as `rolecall scan` collects them). */
export const LIBRARY_GLOB = '**/vars/*.groovy';
/** Folders never scanned. */
export const EXCLUDE_GLOB = '{**/node_modules/**,**/.git/**}';

function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? '';
}

/** True for `Jenkinsfile`, `Jenkinsfile.*`, `*.jenkinsfile`, `*.Jenkinsfile` and `vars/*.groovy`. */
export function isPipelinePath(path: string): boolean {
  const name = baseName(path);
  if (name === 'Jenkinsfile' || name.startsWith('Jenkinsfile.')) return true;
  if (/\.(jenkinsfile|Jenkinsfile)$/.test(name) && name.length > '.jenkinsfile'.length) return true;
  if (name.endsWith('.groovy')) {
    const parts = path.split(/[\\/]/);
    return parts.length >= 2 && parts[parts.length - 2] === 'vars';
  }
  return false;
}

/** Content sniffing for other Groovy files: a pipeline block or an AWS credential step. */
export function looksLikePipeline(text: string): boolean {
  const head = text.length > 200_000 ? text.slice(0, 200_000) : text;
  return /\bpipeline\s*\{|\bnode\s*(\(|\{)|\bwithAWS\s*\(|\bwithCredentials\s*\(|\bwithVault\s*\(|\baws\s+sts\s+(assume-role|get-session-token)\b/.test(
    head,
  );
}

/** The analysis decision for a document: language `jenkinsfile`, or `groovy` that is a pipeline by name or content. */
export function shouldAnalyze(languageId: string, path: string, scheme: string, text: () => string): boolean {
  if (scheme !== 'file' && scheme !== 'untitled' && scheme !== 'vscode-remote' && scheme !== 'vscode-vfs') return false;
  if (languageId === 'jenkinsfile') return true;
  if (languageId !== 'groovy') return false;
  if (isPipelinePath(path)) return true;
  return looksLikePipeline(text());
}
