#!/usr/bin/env groovy
def a = foo(1, 2,)
def l = [1, 2,]
def m = [x: 1, y: 2,]
if (a) return
if (l) {
  echo 'l'
}
else {
  echo 'no'
}
def s = """a""" + '''b $notInterpolated'''
sh label: 'list', script: '''
  ls -la
'''
for (int i = 0; i < 5; i++) { echo "$i" }
def t = (Map) m
def u = (int) 3.7
stage 'old style'
def v = this.@metaClass
def w = m.class
def keys = [in: 1, class: 2, default: 3]
echo "${m.keySet().join(',')}"
if (!(a instanceof Map)) { echo 'not a map' }
def é = 'accent'
def re = /a\/b\d+/
def ds = $/x$$y\z/$
def cl = { first,
           second -> first + second }
def elvis = a ?:
  'fallback'
def chained = m
  ?.get('x')
  ?.toString()
def neg = -1
def arr = [1, 2] as int[]
def ranged = l[0..<1]
def str = 'x'.padLeft(4, '0')
def nested = [[a: [b: 1]]].collect { it.a.b }
m.each { k, v -> echo "$k=$v" }
def res = l.inject(0) { acc, x -> acc + x }
def ok = l.any { it > 1 } && !l.every { it < 0 }
println String.format('%s-%d', 'x', 1)
def gs = "${a}${l.size()}${m['x']}${-> m.y}"
def multi = "line one \
line two"
