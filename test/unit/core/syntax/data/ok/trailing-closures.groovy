withAWS(role: 'r') { sh 'x' }
node { echo 'n' }
withCredentials([usernamePassword(credentialsId: 'c', usernameVariable: 'U', passwordVariable: 'P')])
{
  sh 'y'
}
