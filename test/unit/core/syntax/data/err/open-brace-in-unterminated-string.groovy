node {
    stage('Build
and deploy') {
        withAWS(role: 'one') { sh 'x' }
    }
    stage('b') {
        withAWS(role: 'two') { sh 'y' }
    }
}
