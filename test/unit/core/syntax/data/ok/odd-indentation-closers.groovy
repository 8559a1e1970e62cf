// Valid code whose closing braces disagree with the indentation of their statement's line, both ways:
// braces balance, so they match normally (indentation decides only when they do not).
def run(boolean a) {
    if (a) {
        println 'a'
            }
    [1, 2].each { x ->
  println x
}
    node('linux') {
        stage('build') {
            sh 'make'
      }
            }
      }

run(true)
