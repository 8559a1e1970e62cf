node {
  sh 'a'
}
}
sh 'b'
