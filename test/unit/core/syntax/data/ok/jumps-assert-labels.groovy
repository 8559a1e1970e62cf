def f() {
  outer:
  for (a in b) { continue outer }
  assert x == 1 : 'msg'
  throw new Exception('x')
  return
}
