// `x[]` is an index with no arguments (`x.getAt()`), valid Groovy 2.4 though rarely meant.
def names = []
[1, 2].each { n ->
  names[] = n
}
