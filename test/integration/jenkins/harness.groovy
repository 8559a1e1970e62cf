// Runs Jenkins pipeline code under Debian's Groovy 2.4 (Jenkins' Groovy) for the tests.
//   groovy harness.groovy check OUT.json FILE...         syntax of each file (Groovy's parser, no class lookup:
//                                                        Jenkins resolves @Library and plugin steps itself)
//   groovy harness.groovy run OUT.json STEP SCENARIOS.json
//       loads the shared-library step STEP the way Jenkins loads vars/NAME.groovy and calls call(options)
//       per scenario. `sh` really runs its script with `sh -c` in the scenario's workspace (returnStatus
//       honoured); pwd, error, recordIssues and sarif stand for the Jenkins and Warnings NG steps and
//       record how they were called.
import groovy.json.JsonOutput
import groovy.json.JsonSlurper
import org.codehaus.groovy.control.CompilationUnit
import org.codehaus.groovy.control.Phases

class StepFailure extends RuntimeException {
    StepFailure(String message) { super(message) }
}

String mode = args[0]
File out = new File(args[1])

if (mode == 'check') {
    def results = []
    for (String path : args.drop(2)) {
        try {
            def unit = new CompilationUnit()
            unit.addSource(new File(path))
            unit.compile(Phases.CONVERSION)
            results << [file: path, ok: true]
        } catch (Exception e) {
            results << [file: path, ok: false, error: e.message]
        }
    }
    out.text = JsonOutput.toJson(results)
    return
}

File stepFile = new File(args[2])
def scenarios = new JsonSlurper().parse(new File(args[3]))
def results = []
for (def scenario : scenarios) {
    def calls = []
    File workspace = new File(scenario.workspace as String)
    def binding = new Binding()
    binding.setVariable('pwd', { Map m = [:] -> m?.tmp ? scenario.tmp : workspace.path })
    binding.setVariable('sh', { arg ->
        Map m = arg instanceof Map ? arg : [script: arg as String]
        def call = [step: 'sh', label: m.label, script: m.script as String]
        calls << call
        def builder = new ProcessBuilder('sh', '-c', m.script as String).directory(workspace)
        builder.redirectOutput(ProcessBuilder.Redirect.INHERIT)
        builder.redirectError(ProcessBuilder.Redirect.INHERIT)
        int status = builder.start().waitFor()
        call.status = status
        if (m.returnStatus) return status
        if (status != 0) throw new StepFailure("script returned exit code ${status}")
        return null
    })
    binding.setVariable('sarif', { Map m -> [tool: 'sarif'] + m })
    binding.setVariable('recordIssues', { Map m -> calls << [step: 'recordIssues'] + m; null })
    binding.setVariable('echo', { String m -> calls << [step: 'echo', message: m]; null })
    binding.setVariable('error', { String m -> calls << [step: 'error', message: m]; throw new StepFailure(m) })
    def step = new GroovyShell(binding).parse(stepFile)
    try {
        def returned = step.call(scenario.options as Map)
        results << [name: scenario.name, result: 'SUCCESS', returned: returned, calls: calls]
    } catch (StepFailure failure) {
        results << [name: scenario.name, result: 'FAILURE', message: failure.message, calls: calls]
    }
}
out.text = JsonOutput.toJson(results)
