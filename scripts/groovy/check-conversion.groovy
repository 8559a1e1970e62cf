// Compiles each file given to Groovy's CONVERSION phase (parsing and AST building: where syntax errors
// are found; pipeline steps are unknown methods, which only later phases would reject). Prints one line
// per file and exits 1 when any file fails. Run by scripts/check-groovy-corpus.mjs.
import org.codehaus.groovy.control.CompilationFailedException
import org.codehaus.groovy.control.CompilationUnit
import org.codehaus.groovy.control.Phases

int failures = 0
for (String path : args) {
  def unit = new CompilationUnit()
  unit.addSource(new File(path))
  try {
    unit.compile(Phases.CONVERSION)
    println "ok   ${path}"
  } catch (CompilationFailedException e) {
    failures++
    println "FAIL ${path}: ${e.message.readLines().findAll { it.trim() }.take(3).join(' | ')}"
  }
}
System.exit(failures > 0 ? 1 : 0)
