sh 'make'
echo "building ${env.BRANCH}"
error 'stop'
sh script: 'ls',
   returnStdout: true
agent any
