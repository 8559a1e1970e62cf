// Which Jenkins configuration-as-code files a workspace's own `.rolecall.json` may name: like its
// snapshots, only files inside the config's folder once symbolic links are followed (a repository must
// not steer RoleCall into reading the rest of the machine). The CLI applies the same rule.
import { resolveInside } from '../../files/paths';

/** One `.rolecall.json`'s folder and its `jenkinsCasc` entries. */
export interface CascEntries {
  baseDir: string | null;
  entries: readonly string[];
  /** How the config is named in messages (a workspace-relative path). */
  where: string;
}

/** The real paths of the entries that stay inside their config's folder, and a message per refused one. */
export function projectCascFiles(projects: readonly CascEntries[]): { files: string[]; refused: string[] } {
  const files: string[] = [];
  const refused: string[] = [];
  for (const project of projects) {
    for (const entry of project.entries) {
      if (!project.baseDir) {
        refused.push(
          `Jenkins configuration-as-code file '${entry}' from ${project.where} is not read: its folder is unknown`,
        );
        continue;
      }
      const r = resolveInside(project.baseDir, entry);
      if (r.ok) files.push(r.path);
      else
        refused.push(
          `Jenkins configuration-as-code file '${entry}' from ${project.where} is not read: ${
            r.why === 'outside' || r.why === 'link-outside'
              ? 'it lies outside the config’s folder — a workspace may only name files inside itself; put the path in your user settings (rolecall.jenkinsCasc) to use it'
              : r.why === 'missing'
                ? 'no such file'
                : 'it cannot be read'
          }`,
        );
    }
  }
  return { files, refused };
}
