// Reading IAM defined as code: the texts of CloudFormation templates (YAML/JSON, CDK's cdk.out) and
// Terraform directories in, one IaC model out. No I/O here: callers (src/cli, src/vscode) find and read
// the files and, for Terraform, load the HCL grammar (hcl.ts).
import { readCloudFormation } from './cloudformation';
import type { HclParser } from './hcl';
import { IacCollector, IacIamReader, type IacEntry, type IacModel } from './model';
import { readTerraform, type ModuleFileReader } from './terraform';
import type { IamReader } from '../../ports';

export { IacIamReader } from './model';
export type { IacEntry, IacModel, IacPending } from './model';
export { looksLikeTemplate } from './cloudformation';
export type { HclParser } from './hcl';
export type { ModuleFileReader } from './terraform';

/** One file of infrastructure code, read by the caller. */
export interface IacText {
  /** The path as shown in findings. */
  file: string;
  text: string;
  /** The entry the file was found through (account, region, parameters). */
  entry: IacEntry;
  /** Terraform files of one directory are evaluated together: the directory (module) they belong to. */
  module?: string;
}

/**
 * Reads IaC texts into one model. `.tf` files need `hcl` (see hcl.ts); every other file is read as a
 * CloudFormation template. `errors` are one-line messages for files that are not YAML/JSON/HCL at all.
 * `moduleFile(module, path)` gives a Terraform module the files its `file()` / `templatefile()` calls
 * name (path relative to the module's folder); without it those calls are not evaluated. Never throws.
 */
export function readIac(
  texts: IacText[],
  hcl: HclParser | null,
  moduleFile?: (module: string, path: string) => ReturnType<ModuleFileReader>,
): { model: IacModel; errors: string[] } {
  const collector = new IacCollector();
  const errors: string[] = [];
  const modules = new Map<string, IacText[]>();
  for (const t of texts) {
    if (t.file.endsWith('.tf')) {
      const key = `${t.module ?? t.file}\u0000${JSON.stringify(t.entry)}`;
      modules.set(key, [...(modules.get(key) ?? []), t]);
      continue;
    }
    try {
      const error = readCloudFormation(t.file, t.text, t.entry, collector);
      if (error) errors.push(error);
    } catch (e) {
      errors.push(
        `${t.file}: could not be read as a CloudFormation template (${e instanceof Error ? e.message : String(e)}); please report this`,
      );
    }
  }
  for (const files of modules.values()) {
    if (!hcl) {
      errors.push(`${files[0].file}: the HCL parser is not available, so Terraform files cannot be read`);
      continue;
    }
    try {
      errors.push(
        ...readTerraform(
          files.map((f) => ({ file: f.file, text: f.text })),
          files[0].entry,
          collector,
          hcl,
          moduleFile ? (path) => moduleFile(files[0].module ?? files[0].file, path) : null,
        ),
      );
    } catch (e) {
      errors.push(
        `${files[0].file}: could not be read as Terraform (${e instanceof Error ? e.message : String(e)}); please report this`,
      );
    }
  }
  return { model: collector.build(), errors };
}

/** The IAM reader for a scan with IaC: the code's roles in front of `base` (snapshots / live), which may be null. */
export function iacReader(model: IacModel, base: IamReader | null): IacIamReader {
  return new IacIamReader(model, base);
}
