pipeline {
  stages {
    stage('a') {
      steps {
        withAWS(role: 
