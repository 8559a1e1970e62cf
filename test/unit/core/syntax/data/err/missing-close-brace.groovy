node {
  stage('a') {
    sh 'x'
  // the } of stage a is missing
  stage('b') {
    sh 'y'
  }
}
