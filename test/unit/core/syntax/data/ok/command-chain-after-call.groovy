// A name after a call with parentheses, on the same line, continues a command chain:
// `a(b) c(d)` is `a(b).c(d)`, `a(b) c d` is `a(b).c(d)`, `a(b) c` reads property c.
class Chain {
  List<String> seen = []
  Chain either(value) { seen << "either:${value}"; this }
  Chain or(value, Closure body = null) { seen << "or:${value}"; if (body) body(); this }
  String getDone() { seen.join(' ') }
}

def log = []
def chain = new Chain()
chain.with {
  either (1) or (2) or (3) { log << 'body' }
  either(4) or 5
}
assert chain.seen == ['either:1', 'or:2', 'or:3', 'either:4', 'or:5']
assert log == ['body']

def words = new Chain()
def result = words.either('a') done
assert result == 'either:a'

def flag = ''
if (flag == 'x') chain.either (6) or (7) {
  log << 'never'
}
else {
  log << 'else'
}
assert log == ['body', 'else']
