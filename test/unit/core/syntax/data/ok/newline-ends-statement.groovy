def a = 1 +
  2
def b = foo(1,
  2)
def c = x
  .y()
def d = p &&
  q
def e = 5
-1
