// A cast ends at the end of its line: the `[` on the next line starts a new statement (a map, a list),
// not array brackets of the cast's type.
def summary(List results) {
  int passed = results.count { it } as int
  int failed = (results.size() - passed) as int

  [
    passed: passed,
    failed: failed
  ]
}

def names(def value) {
  String first = value as String
  [first, first.size()]
}

def numbers = [3, 4] as int[]
def more = ([5, 6] as int
  [])
assert summary([true, false, true]) == [passed: 2, failed: 1]
assert names('ab') == ['ab', 2]
assert numbers.length == 2 && more.length == 2
