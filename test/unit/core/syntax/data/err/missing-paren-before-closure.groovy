foo(a, {
  sh 'x'
}
sh 'after'
