docker.image('x').inside { sh 'y' }
obj?.m()
list*.name
def v = steps
  .readFile('f')
  .trim()
