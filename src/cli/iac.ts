// `--iac PATH` and config "iac" entries: finds the infrastructure code files (a template, a cdk.out
// directory, a Terraform directory), reads them and hands their text to the engine's IaC readers. Also
// used by `rolecall impact --iac` (readIacEntries is the one function to call).
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import {
  looksLikeTemplate,
  readIac,
  type HclParser,
  type IacEntry,
  type IacModel,
  type IacText,
} from '../core/iam/iac/index';
import { createHclParser } from '../core/iam/iac/hcl';
import { displayPath } from './files';
import { UsageError } from './io';
import { INPUT_LIMITS, InputFileError, readRegularFile } from '../files/read';

const TEMPLATE_EXTENSIONS = new Set(['.yaml', '.yml', '.json', '.template']);
const SKIP_DIRS = new Set(['node_modules', '.git', '.terraform']);

/** Where a WASM file is: next to the bundle (dist/), else in its package (tests run from source). */
function wasmPath(file: string, pkg: string): string {
  const beside = join(__dirname, file);
  if (existsSync(beside)) return beside;
  return require.resolve(`${pkg}/${file}`);
}

let hclParser: Promise<HclParser> | null = null;

/** The HCL parser (tree-sitter-hcl on web-tree-sitter), loaded once per process. */
export function loadHclParser(): Promise<HclParser> {
  hclParser ??= createHclParser(
    readFileSync(wasmPath('web-tree-sitter.wasm', 'web-tree-sitter')),
    readFileSync(wasmPath('tree-sitter-hcl.wasm', '@tree-sitter-grammars/tree-sitter-hcl')),
  );
  return hclParser;
}

/** The files of one entry: a file as given; a directory's `.tf` files (a Terraform module), else its templates (cdk.out included). */
function filesOf(path: string, at: (p: string) => string): Array<{ file: string; module?: string }> {
  let stat;
  try {
    stat = statSync(at(path));
  } catch {
    throw new UsageError(`IaC path ${displayPath(path)}: no such file or directory`);
  }
  if (stat.isFile()) return [{ file: path }];
  const out: Array<{ file: string; module?: string }> = [];
  const walk = (dir: string, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(at(dir)).sort();
    } catch {
      throw new UsageError(`IaC directory ${displayPath(dir)} cannot be read`);
    }
    const tf = names.filter((n) => n.endsWith('.tf'));
    if (tf.length > 0) {
      for (const n of tf) out.push({ file: join(dir, n), module: dir });
      return;
    }
    for (const n of names) {
      const p = join(dir, n);
      let s;
      try {
        s = statSync(at(p));
      } catch {
        continue;
      }
      if (s.isDirectory()) {
        // cdk.out keeps assets in asset.* folders; nested assemblies (stages) are read.
        if (depth < 4 && !SKIP_DIRS.has(n) && !n.startsWith('asset.')) walk(p, depth + 1);
      } else if (TEMPLATE_EXTENSIONS.has(extname(n)) && s.size < INPUT_LIMITS.pipeline) {
        out.push({ file: p });
      }
    }
  };
  walk(path, 0);
  return out;
}

/**
 * Reads every IaC entry (paths as given, resolved with `at`) into one model. Files that are not valid
 * YAML/JSON/HCL, or a path that does not exist, are a UsageError (exit 2, one line) — or, with
 * `onProblem` (the editor, where a template is often half-typed), reported there while the other
 * files are still read. Templates found in a directory that are not CloudFormation (no Resources) are skipped.
 */
export async function readIacEntries(
  entries: IacEntry[],
  at: (p: string) => string,
  onProblem?: (message: string) => void,
): Promise<IacModel> {
  const texts: IacText[] = [];
  const folders = new Map<string, { dir: string; root: string }>();
  for (const entry of entries) {
    try {
      const root = at(entry.path);
      const rootDir = statSync(root).isFile() ? dirname(root) : root;
      for (const { file, module } of filesOf(entry.path, at))
        if (file.endsWith('.tf'))
          folders.set(displayPath(module ?? file), { dir: module ? at(module) : dirname(at(file)), root: rootDir });
    } catch {
      // readEntryTexts reports what is wrong with the path.
    }
    if (onProblem) {
      // One entry at a time: a missing path or unreadable file skips that entry only.
      try {
        texts.push(...readEntryTexts(entry, at));
      } catch (error) {
        onProblem(error instanceof Error ? error.message : String(error));
      }
      continue;
    }
    texts.push(...readEntryTexts(entry, at));
  }
  const hcl = texts.some((t) => t.file.endsWith('.tf')) ? await loadHclParser() : null;
  const { model, errors } = readIac(texts, hcl, (module, path) => moduleFile(folders.get(module), path));
  if (errors.length > 0 && onProblem) for (const e of errors) onProblem(`IaC ${e}`);
  else if (errors.length > 0)
    throw new UsageError(
      `IaC ${errors[0]}${errors.length > 1 ? ` (and ${errors.length - 1} more file${errors.length > 2 ? 's' : ''})` : ''}`,
    );
  return model;
}

/**
 * A file a Terraform module's `file()` / `templatefile()` names, relative to the module's folder: read only
 * when it is a regular file inside the folder given with `--iac` (a repository cannot make RoleCall read
 * anything else, also not through a symbolic link).
 */
function moduleFile(
  folder: { dir: string; root: string } | undefined,
  path: string,
): { text: string } | { error: string } {
  if (!folder) return { error: 'the module folder is not known' };
  if (isAbsolute(path)) return { error: 'an absolute path is not read (only files inside the --iac folder are)' };
  const inside = (p: string, root: string): boolean => {
    const rel = relative(root, p);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  };
  const full = resolve(folder.dir, path);
  let real: string;
  try {
    real = realpathSync(full);
    if (!inside(real, realpathSync(folder.root)) || !inside(full, folder.root))
      return { error: 'the file is outside the --iac folder, so it is not read' };
  } catch {
    return { error: 'no such file' };
  }
  try {
    return { text: readRegularFile(real, INPUT_LIMITS.pipeline).toString('utf8') };
  } catch (error) {
    return { error: error instanceof InputFileError ? error.reason : 'cannot be read' };
  }
}

/** The texts of one entry's files. Throws UsageError for a missing path or an unreadable file. */
function readEntryTexts(entry: IacEntry, at: (p: string) => string): IacText[] {
  const texts: IacText[] = [];
  let explicit = false;
  try {
    explicit = statSync(at(entry.path)).isFile();
  } catch {
    // filesOf says what is wrong with the path.
  }
  for (const { file, module } of filesOf(entry.path, at)) {
    let text: string;
    try {
      text = readRegularFile(at(file), INPUT_LIMITS.pipeline).toString('utf8');
    } catch (error) {
      throw new UsageError(
        `IaC file ${displayPath(file)}: ${error instanceof InputFileError ? error.reason : 'cannot be read'}`,
      );
    }
    if (!file.endsWith('.tf') && !explicit && !looksLikeTemplate(text)) continue;
    texts.push({ file: displayPath(file), text, entry, ...(module ? { module: displayPath(module) } : {}) });
  }
  return texts;
}
